"""The `rag` command line, run as a user runs it: a subprocess with the real model."""

import json
import os
import subprocess
import sys

from tests.conftest import ROOT, SEED_FILE


def _rag(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "rag.cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


def test_help_lists_the_commands_without_loading_models():
    result = _rag("--help")
    assert result.returncode == 0
    for command in ("ingest", "remove", "search", "ask", "serve", "check"):
        assert command in result.stdout
    assert "torch" not in result.stderr


def test_ingest_ask_and_search_end_to_end(tmp_path):
    index = tmp_path / "idx"
    bad = tmp_path / "broken.txt"
    bad.write_bytes(b"\xff\xfe\x00\x00binary\x00junk")
    ingest = _rag("ingest", str(SEED_FILE), str(bad), "--index", str(index), "--json")
    assert ingest.returncode == 0, ingest.stderr
    report = json.loads(ingest.stdout)
    assert len(report["added"]) == 1 and report["skipped"][0]["path"].endswith("broken.txt")

    ask = _rag("ask", "How long did the ministers meet?", "--index", str(index), "--json")
    assert ask.returncode == 0, ask.stderr
    answer = json.loads(ask.stdout)
    assert "approximately 50 minutes" in answer["answer"] and not answer["abstained"]
    text = SEED_FILE.read_text(encoding="utf-8")
    assert all(text[c["start"] : c["end"]] == c["text"] for c in answer["citations"])

    search = _rag("search", "border demarcation", "-k", "2", "--index", str(index))
    assert search.returncode == 0 and "1. [" in search.stdout

    check = _rag("check", "--index", str(index))
    assert check.returncode == 0 and check.stdout.startswith("ok:")


def test_errors_are_one_line_and_exit_non_zero(tmp_path):
    missing = _rag("ask", "anything", "--index", str(tmp_path / "no-index"))
    assert missing.returncode == 1
    assert missing.stderr.strip().count("\n") == 0 and "rag: error:" in missing.stderr
    empty = _rag("ask", "   ", "--index", str(tmp_path / "no-index"))
    assert empty.returncode == 1 and "rag: error:" in empty.stderr


def test_the_index_flag_names_a_folder_or_a_postgres_url_and_wins_over_the_environment(monkeypatch):
    from rag.cli import _settings, build_parser

    monkeypatch.setenv("RAG_INDEX_URL", "postgresql://rag@db.example:5432/rag")
    folder = _settings(build_parser().parse_args(["check", "--index", "some/folder"]))
    assert folder.index_url == "" and str(folder.index_dir) == "some/folder"
    assert _settings(build_parser().parse_args(["check"])).index_url == "postgresql://rag@db.example:5432/rag"
    monkeypatch.delenv("RAG_INDEX_URL")
    url = _settings(build_parser().parse_args(["check", "--index", "postgresql://u@h:5433/other"]))
    assert url.index_url == "postgresql://u@h:5433/other"

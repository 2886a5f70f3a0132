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


def test_ingest_progress_goes_to_stderr_as_lines_quiet_silences_it_and_json_parses(tmp_path):
    logged = _rag("ingest", str(SEED_FILE), "--index", str(tmp_path / "a"))
    assert logged.returncode == 0, logged.stderr
    progress = [line for line in logged.stderr.splitlines() if line.startswith("[ingest ")]
    assert any("embed: done, " in line and "passages/s" in line for line in progress), logged.stderr
    assert not any(line.startswith("[ingest ") for line in logged.stdout.splitlines())

    quiet = _rag("ingest", str(SEED_FILE), "--index", str(tmp_path / "b"), "--quiet", "--json")
    assert quiet.returncode == 0, quiet.stderr
    assert "[ingest " not in quiet.stderr and "passages/s" not in quiet.stderr
    assert json.loads(quiet.stdout)["passages"] > 0


def test_ingest_on_a_terminal_shows_a_bar_with_rate_and_eta(tmp_path):
    import fcntl
    import pty
    import struct
    import termios

    pid, fd = pty.fork()
    if pid == 0:  # the child: the command with a terminal as its stdout and stderr
        os.chdir(ROOT)
        os.environ.update(PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1")
        os.execv(sys.executable, [sys.executable, "-m", "rag.cli", "ingest", str(SEED_FILE),
                                  "--index", str(tmp_path / "idx")])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
    screen = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        screen += chunk
    _, status = os.waitpid(pid, 0)
    text = screen.decode(errors="replace")
    assert os.waitstatus_to_exitcode(status) == 0, text
    assert "embed: 100%" in text and "passages/s" in text and "\r" in text  # a bar redrawn in place
    assert "load: 100%" in text and "files/s" in text


def test_version_prints_the_package_version():
    from importlib.metadata import version

    result = _rag("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"rag {version('rag-cited')}"
def test_the_index_flag_names_a_folder_or_a_postgres_url_and_wins_over_the_environment(monkeypatch):
    from rag.cli import _settings, build_parser

    monkeypatch.setenv("RAG_INDEX_URL", "postgresql://rag@db.example:5432/rag")
    folder = _settings(build_parser().parse_args(["check", "--index", "some/folder"]))
    assert folder.index_url == "" and str(folder.index_dir) == "some/folder"
    assert _settings(build_parser().parse_args(["check"])).index_url == "postgresql://rag@db.example:5432/rag"
    monkeypatch.delenv("RAG_INDEX_URL")
    url = _settings(build_parser().parse_args(["check", "--index", "postgresql://u@h:5433/other"]))
    assert url.index_url == "postgresql://u@h:5433/other"

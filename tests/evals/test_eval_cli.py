"""`rag eval` on the command line: reports, progress lines, --fail-under exit codes, and `rag eval compare`."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from evals.command import missed_bounds, parse_bounds, progress_printer
from evals.compare import compare_text
from rag.cli import main
from rag.errors import InvalidInputError

ROOT = Path(__file__).resolve().parents[2]


def _rag(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "rag.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)


def test_cli_run_writes_reports_and_fails_on_a_missed_bound(seed_index_dir: Path, tmp_path: Path):
    out = tmp_path / "run"
    result = _rag("eval", "evals/questions/seeds.jsonl", "--index", str(seed_index_dir), "--out", str(out),
                  "--fail-under", "answer_accuracy=1.01", "--fail-under", "hit@10=0.5")
    assert result.returncode == 1, result.stderr
    assert "answer_accuracy" in result.stderr and "is under the bound 1.01" in result.stderr
    assert "hit@10" not in result.stderr  # met bounds are not reported as missed
    assert "eval: 51/51 questions" in result.stderr  # plain progress lines when not on a terminal
    assert f"report: {out / 'report.md'}" in result.stdout
    assert {p.name for p in out.iterdir()} == {"report.json", "questions.jsonl", "report.md", "metrics.png",
                                               "latency.png"}
    accuracy = json.loads((out / "report.json").read_text())["metrics"]["answer_accuracy"]
    summary = [line.split() for line in result.stdout.splitlines()]
    assert ["answer_accuracy", f"{accuracy:.3f}"] in summary

    # Against itself, compare shows no deltas and no regressions.
    text = compare_text(out, out)
    assert "0 questions regressed, 0 improved" in text
    assert main(["eval", "compare", str(out), str(out)]) == 0


def test_cli_rejects_malformed_sets_with_line_numbers(tmp_path: Path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "question": "Q?", "answers": []}\n{"id": "b"\n')
    result = _rag("eval", str(bad), "--index", str(tmp_path / "nowhere"))
    assert result.returncode == 1
    assert "line 2: invalid JSON" in result.stderr
    assert "Traceback" not in result.stderr


def test_bounds_are_parsed_and_checked():
    assert parse_bounds(["hit@5=0.9", "answer_accuracy = 0.5"]) == {"hit@5": 0.9, "answer_accuracy": 0.5}
    with pytest.raises(InvalidInputError, match="METRIC one of"):
        parse_bounds(["accuracy=0.5"])
    with pytest.raises(InvalidInputError, match="not a number"):
        parse_bounds(["hit@5=high"])
    missed = missed_bounds({"hit@5": 0.8, "answer_accuracy": None, "mrr": 0.9}, {"hit@5": 0.85, "mrr": 0.9,
                                                                                 "answer_accuracy": 0.1})
    assert missed == ["hit@5 0.8000 is under the bound 0.85", "answer_accuracy has no value in this run (bound 0.1)"]


def _fake_run(folder: Path, metrics: dict, records: list[dict], by_type: dict | None = None) -> Path:
    folder.mkdir()
    full = {"latency_ms": {"ask": {"p50": 10.0, "p95": 20.0}}, **metrics}
    report = {"metrics": full} if by_type is None else {"metrics": full, "by_type": by_type}
    (folder / "report.json").write_text(json.dumps(report))
    (folder / "questions.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    return folder


def test_compare_prints_deltas_and_the_questions_that_regressed(tmp_path: Path):
    a = _fake_run(tmp_path / "a", {"hit@5": 0.9, "answer_accuracy": 0.8, "wrong_abstention_rate": 0.1}, [
        {"id": "q1", "question": "Who?", "failed": []},
        {"id": "q2", "question": "When?", "failed": ["answer_accuracy"]},
        {"id": "q3", "question": "Where?", "failed": []},
    ])
    b = _fake_run(tmp_path / "b", {"hit@5": 0.95, "answer_accuracy": 0.7, "wrong_abstention_rate": 0.2}, [
        {"id": "q1", "question": "Who?", "failed": ["answer_accuracy", "hit@1"]},
        {"id": "q2", "question": "When?", "failed": []},
        {"id": "q4", "question": "Why?", "failed": []},
    ])
    text = compare_text(a, b)
    lines = {line.split()[0]: line for line in text.splitlines() if line.strip()}
    assert "+0.050" in lines["hit@5"] and "worse" not in lines["hit@5"]
    assert "-0.100" in lines["answer_accuracy"] and lines["answer_accuracy"].endswith("worse")
    assert "+0.100" in lines["wrong_abstention_rate"] and lines["wrong_abstention_rate"].endswith("worse")
    assert "1 questions regressed, 1 improved" in text
    assert "q1: now fails answer_accuracy, hit@1 — Who?" in text
    assert "2 questions are in only one run: q3, q4" in text
    with pytest.raises(InvalidInputError, match="not a readable eval run"):
        compare_text(a, tmp_path / "missing")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_a_bar_on_a_terminal_and_plain_lines_otherwise():
    plain = io.StringIO()
    update, close = progress_printer(plain)
    for done in range(1, 21):
        update(done, 20)
    close()
    assert plain.getvalue().splitlines() == [f"eval: {n}/20 questions" for n in range(2, 21, 2)]
    terminal = _Terminal()
    update, close = progress_printer(terminal)
    for done in range(1, 6):
        update(done, 5)
    close()
    assert "eval: 100%" in terminal.getvalue() and "5/5" in terminal.getvalue()
    assert "questions" not in terminal.getvalue()


def test_compare_shows_answer_accuracy_by_question_type_for_both_runs(tmp_path: Path):
    row = {"answerable": 2, "citation_recall": 1.0, "abstention": 0.0}
    a = _fake_run(tmp_path / "a", {}, [{"id": "q1", "question": "Who?", "failed": []}],
                  {"who": {**row, "questions": 2, "answer_accuracy": 1.0},
                   "how long": {**row, "questions": 4, "answer_accuracy": 0.5}})
    b = _fake_run(tmp_path / "b", {}, [{"id": "q1", "question": "Who?", "failed": []}],
                  {"who": {**row, "questions": 2, "answer_accuracy": 0.5},
                   "why": {**row, "questions": 1, "answer_accuracy": 1.0}})
    lines = compare_text(a, b).splitlines()
    rows = {line[:12].strip(): line[12:].split() for line in lines[lines.index(
        "answer accuracy by question type (questions in brackets)") + 2:] if line.strip()}
    assert rows["who"] == ["1.000", "(2)", "0.500", "(2)", "-0.500", "worse"]
    assert rows["how long"] == ["0.500", "(4)", "n/a", "(0)", "n/a"]
    assert rows["why"] == ["n/a", "(0)", "1.000", "(1)", "n/a"]


def test_compare_classifies_the_questions_of_a_run_written_before_types(tmp_path: Path):
    records = [{"id": "q1", "question": "Who met Ivanov?", "failed": [], "answerable": True, "abstained": False,
                "citations": [], "answer_accuracy": 1.0, "exact_match": 0.0, "token_f1": 0.5},
               {"id": "q2", "question": "How long did they talk?", "failed": [], "answerable": True,
                "abstained": False, "citations": [], "answer_accuracy": 0.0, "exact_match": 0.0, "token_f1": 0.0}]
    a = _fake_run(tmp_path / "a", {}, records)
    text = compare_text(a, a)
    assert any(line.split()[:3] == ["who", "1.000", "(1)"] for line in text.splitlines())
    assert any(line.split()[:4] == ["how", "long", "0.000", "(1)"] for line in text.splitlines())

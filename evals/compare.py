"""Compares two runs: metric deltas and the questions that passed a check in the first and fail it in the second."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rag.errors import InvalidInputError

from .question_types import QUESTION_TYPES
from .report import fmt
from .scoring import HIT_KS, LOWER_IS_BETTER, QUALITY_METRICS, SERIOUS_CHECKS, by_type

# The per-question checks compared (runs written by older versions may list others, such as exact_match).
COMPARED_CHECKS = SERIOUS_CHECKS | {f"hit@{k}" for k in HIT_KS} | {"citation_precision"}


def load_run(folder: Path) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """A run folder's report.json and its questions by id."""
    folder = Path(folder)
    try:
        report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
        records = {}
        for line in (folder / "questions.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                records[record["id"]] = record
    except (OSError, ValueError, KeyError) as exc:
        raise InvalidInputError(f"{folder} is not a readable eval run (report.json, questions.jsonl): {exc}") from exc
    return report, records


def metric_deltas(a: dict[str, Any], b: dict[str, Any]) -> list[tuple[str, Any, Any, float | None, bool]]:
    """(metric, A, B, B - A, worse) for every quality metric."""
    out = []
    for name in QUALITY_METRICS:
        va, vb = a.get(name), b.get(name)
        delta = vb - va if isinstance(va, int | float) and isinstance(vb, int | float) else None
        worse = delta is not None and (delta > 1e-9 if name in LOWER_IS_BETTER else delta < -1e-9)
        out.append((name, va, vb, delta, worse))
    return out


def regressions(a: dict[str, dict], b: dict[str, dict]) -> list[tuple[str, list[str]]]:
    """Questions in both runs with checks failed in B that passed in A: (id, newly failed checks)."""
    out = []
    for qid, rb in b.items():
        ra = a.get(qid)
        if ra is None:
            continue
        new = [c for c in rb.get("failed", []) if c in COMPARED_CHECKS and c not in ra.get("failed", [])]
        if new:
            out.append((qid, new))
    return out


def accuracy_by_type(a: dict[str, dict[str, Any]], b: dict[str, dict[str, Any]]) -> list[str]:
    """One line per question type in either run: A's and B's answer accuracy and question count, and B - A."""
    lines = [f"{'type':<12}{'A':>14}{'B':>14}{'B-A':>10}"]
    for qtype in [t for t in QUESTION_TYPES if t in a or t in b]:
        va, vb = (run.get(qtype, {}).get("answer_accuracy") for run in (a, b))
        na, nb = (run.get(qtype, {}).get("questions", 0) for run in (a, b))
        delta = vb - va if va is not None and vb is not None else None
        shown = "n/a" if delta is None else f"{delta:+.3f}"
        worse = delta is not None and delta < -1e-9
        lines.append(f"{qtype:<12}{f'{fmt(va)} ({na})':>14}{f'{fmt(vb)} ({nb})':>14}{shown:>10}"
                     + ("  worse" if worse else ""))
    return lines


def compare_text(run_a: Path, run_b: Path) -> str:
    report_a, records_a = load_run(run_a)
    report_b, records_b = load_run(run_b)
    lines = [f"A: {run_a}", f"B: {run_b}", "", f"{'metric':<24}{'A':>10}{'B':>10}{'B-A':>10}"]
    for name, va, vb, delta, worse in metric_deltas(report_a["metrics"], report_b["metrics"]):
        shown = "n/a" if delta is None else f"{delta:+.3f}"
        lines.append(f"{name:<24}{fmt(va):>10}{fmt(vb):>10}{shown:>10}" + ("  worse" if worse else ""))
    for label, key in (("ask p50 ms", "p50"), ("ask p95 ms", "p95")):
        va = report_a["metrics"]["latency_ms"]["ask"].get(key)
        vb = report_b["metrics"]["latency_ms"]["ask"].get(key)
        lines.append(f"{label:<24}" + "".join("n/a".rjust(10) if v is None else f"{v:10.1f}" for v in (va, vb)))
    lines += ["", "answer accuracy by question type (questions in brackets)"]
    lines += accuracy_by_type(report_a.get("by_type") or by_type(list(records_a.values())),
                              report_b.get("by_type") or by_type(list(records_b.values())))
    regressed = regressions(records_a, records_b)
    improved = regressions(records_b, records_a)
    only = sorted(set(records_a) ^ set(records_b))
    lines += ["", f"{len(regressed)} questions regressed, {len(improved)} improved"]
    for qid, checks in regressed:
        lines.append(f"  {qid}: now fails {', '.join(checks)} — {records_b[qid]['question']}")
    if only:
        lines.append(f"{len(only)} questions are in only one run: {', '.join(only[:20])}")
    return "\n".join(lines)

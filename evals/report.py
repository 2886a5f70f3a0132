"""Writes a run to its folder: report.json, questions.jsonl, report.md (and the plots, via evals.plots)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .runner import EvalRun
from .scoring import LOWER_IS_BETTER, QUALITY_METRICS, SERIOUS_CHECKS

WORST_SHOWN = 10


def fmt(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def write_reports(run: EvalRun, out: Path) -> list[Path]:
    """Writes the report files (plots too, when matplotlib is installed); returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    data = asdict(run)
    records = data.pop("records")
    (out / "report.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    with (out / "questions.jsonl").open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    written = [out / "report.json", out / "questions.jsonl"]
    notes: list[str] = []
    try:
        from .plots import plot_latency, plot_metrics

        written.append(plot_metrics(run.metrics, out / "metrics.png"))
        written.append(plot_latency(run.records, out / "latency.png"))
    except ImportError as exc:
        notes.append(f"plots not drawn: {exc}")
    (out / "report.md").write_text(markdown(run, notes), encoding="utf-8")
    written.append(out / "report.md")
    return written


def what_went_wrong(record: dict[str, Any]) -> str:
    """A short human explanation of a question's failures."""
    if record.get("error"):
        return f"error: {record['error']}"
    parts: list[str] = []
    retrieval = record.get("retrieval")
    if retrieval is not None:
        rank = retrieval["first_relevant_rank"]
        parts.append("no relevant passage in the top 10" if rank is None else f"first relevant passage at rank {rank}")
    if record.get("answerable"):
        if record.get("abstained"):
            parts.append(f"abstained on an answerable question (confidence {fmt(record.get('confidence'))})")
        elif record.get("answer_accuracy", 1) < 1:
            parts.append("the answer lacks every accepted answer (" + ", ".join(record["answers"][:3]) + ")")
        if record.get("citation_recall") == 0 and not record.get("abstained"):
            parts.append("no citation contains the gold evidence")
    elif "abstained" in record and not record["abstained"]:
        parts.append(f"answered an unanswerable question (confidence {fmt(record.get('confidence'))})")
    if any(c.get("span_valid") is False for c in record.get("citations", [])):
        parts.append("a citation's text differs from its document at its offsets")
    return "; ".join(parts) or "ok"


def severity(record: dict[str, Any]) -> tuple:
    """Sort key: errors, then wrong answers/abstentions, then weaker retrieval."""
    failed = record.get("failed", [])
    retrieval = record.get("retrieval") or {}
    rank = retrieval.get("first_relevant_rank") if retrieval else None
    return (
        "error" in failed,
        any(f in failed for f in ("answer_accuracy", "wrong_abstention", "abstention_recall", "span_validity")),
        "citation_recall" in failed,
        -(record.get("token_f1") or 0.0),
        rank is None and bool(retrieval),
        rank or 0,
    )


def by_type_table(by_type: dict[str, dict[str, Any]]) -> list[str]:
    """report.md's table of accuracy by question type (abstention: the share of the type's questions abstained)."""
    lines = ["", "## By question type", "",
             "| type | questions | answerable | answer_accuracy | citation_recall | abstention |",
             "|---|---|---|---|---|---|"]
    for qtype, row in by_type.items():
        lines.append(f"| {qtype} | {row['questions']} | {row['answerable']} | {fmt(row['answer_accuracy'])} | "
                     f"{fmt(row['citation_recall'])} | {fmt(row['abstention'])} |")
    return lines


def answer_length_section(length: dict[str, Any]) -> list[str]:
    """report.md's answer-length distribution: the summary line and the histogram."""
    lines = ["", "## Answer length (characters, without citation markers)", ""]
    answered = length["answered"]
    if not answered:
        return [*lines, "No answers were given (a retrieval-only set, or every question abstained or failed)."]
    lines += [f"- {answered} answers: p50 {length['p50_chars']}, p90 {length['p90_chars']}, "
              f"max {length['max_chars']}; at most one sentence: {fmt(length['at_most_one_sentence'])}; "
              f"leading with a short answer: {fmt(length.get('with_short_answer'))}",
              "", "| characters | answers | share |", "|---|---|---|"]
    for bucket, count in length["histogram"].items():
        lines.append(f"| {bucket} | {count} | {fmt(count / answered)} |")
    return lines


def markdown(run: EvalRun, notes: list[str] = ()) -> str:
    metrics, counts = run.metrics, run.metrics["counts"]
    identity = run.identity
    lines = [
        f"# Evaluation of {run.config['questions']}",
        "",
        f"- when: {run.config['started']} ({run.config['wall_s']} s)",
        f"- against: {identity.get('url') or identity.get('index_dir')} ({identity.get('mode')})",
        f"- embedder: {identity.get('embedder', 'as served')}; commit {identity.get('commit')}"
        + (" (with uncommitted changes)" if identity.get("dirty") else ""),
        f"- questions: {counts['questions']} ({counts['answerable']} answerable, {counts['unanswerable']} "
        f"unanswerable, {counts['judged_for_retrieval']} judged for retrieval); errors: {counts['errors']}",
        f"- span validity: {run.span_check['status']}" + (f" ({run.span_check['reason']})"
                                                          if "reason" in run.span_check else ""),
    ]
    for note in [*run.question_set.get("notes", []), *notes]:
        lines.append(f"- note: {note}")
    if run.question_set.get("malformed"):
        lines.append(f"- malformed entries left out: {len(run.question_set['malformed'])} (listed in report.json)")
    unreachable = run.diagnostics.get("unreachable_evidence")
    if unreachable:
        lines.append(f"- evidence found in no single passage of the index: {', '.join(unreachable)}")
    splits = list(run.by_split)
    lines += ["", "## Metrics", "", "| " + " | ".join(["metric", "all", *splits]) + " |",
              "|---|---|" + "---|" * len(splits)]
    for name in QUALITY_METRICS:
        arrow = " (lower is better)" if name in LOWER_IS_BETTER else ""
        row = [fmt(metrics.get(name))] + [fmt(run.by_split[s].get(name)) for s in splits]
        lines.append(f"| {name}{arrow} | " + " | ".join(row) + " |")
    lines += by_type_table(run.by_type) + answer_length_section(run.answer_length)
    lines += ["", "## Latency (ms)", "", "| what | p50 | p95 | max | n |", "|---|---|---|---|---|"]
    lat = metrics["latency_ms"]
    rows = [("search (client)", lat["search"]), ("ask (client)", lat["ask"])]
    rows += [(f"ask stage: {stage}", summary) for stage, summary in lat["ask_stages"].items()]
    for label, s in rows:
        lines.append(f"| {label} | {fmt(s['p50'])} | {fmt(s['p95'])} | {fmt(s['max'])} | {s['n']} |")
    serious = [r for r in run.records if SERIOUS_CHECKS.intersection(r.get("failed", []))]
    worst = sorted(serious, key=severity, reverse=True)[:WORST_SHOWN]
    lines += ["", f"## Worst questions ({len(serious)} of {len(run.records)} missed the evidence in the top 10, "
              "the answer, a supporting citation, a valid span, or the right abstention)", ""]
    for r in worst:
        answer = " ".join(str(r.get("answer", "")).split())[:240]
        lines += [f"### {r['id']}: {r['question']}", "",
                  f"- what went wrong: {what_went_wrong(r)}",
                  f"- failed: {', '.join(r['failed'])}",
                  f"- accepted: {', '.join(r['answers']) or '(unanswerable)'}"]
        if "abstained" in r:
            lines.append(f"- answer: {answer or '(none)'}")
        lines.append("")
    if not worst:
        lines.append("Every question passed every check.")
    lines += ["", "Plots: metrics.png, latency.png. Per question: questions.jsonl. Definitions: evals/README.md.", ""]
    return "\n".join(lines)

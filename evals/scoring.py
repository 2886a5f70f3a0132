"""From one question's search hits and answer to its per-question record, and from records to metrics."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from . import metrics as m
from .question_types import QUESTION_TYPES, question_type

if TYPE_CHECKING:
    from .formats import EvalItem

HIT_KS = (1, 3, 5, 10)
RETRIEVAL_METRICS = tuple(f"hit@{k}" for k in HIT_KS) + ("mrr", "ndcg@10")
# short_answer_accuracy: of the answers that lead with a short answer, the share whose short answer is right.
ANSWER_METRICS = ("answer_accuracy", "exact_match", "token_f1", "short_answer_accuracy")
CITATION_METRICS = ("citation_precision", "citation_recall", "span_validity")
ABSTENTION_METRICS = ("abstention_precision", "abstention_recall", "wrong_abstention_rate")
QUALITY_METRICS = RETRIEVAL_METRICS + ANSWER_METRICS + CITATION_METRICS + ABSTENTION_METRICS
# Per-question checks that mean the user got a wrong or missing result (the others are about rank or form).
SERIOUS_CHECKS = frozenset({"error", "hit@10", "answer_accuracy", "wrong_abstention", "abstention_recall",
                            "citation_recall", "span_validity"})
# Metrics where a smaller value is better; everything else is better when larger.
LOWER_IS_BETTER = frozenset({"wrong_abstention_rate"})


def score_retrieval(item: EvalItem, hits: Sequence[dict], corpus_ids: dict[str, str]) -> dict[str, Any] | None:
    """Per-question retrieval figures, or None when the question has no relevance judgement."""
    if not item.judged:
        return None
    covered = [m.gold_items_of(h["text"], corpus_ids.get(h["doc_id"]), item.evidence, item.qrels) for h in hits]
    first = m.first_relevant_rank(covered)
    out: dict[str, Any] = {"first_relevant_rank": first}
    out.update({f"hit@{k}": m.hit_at_k(first, k) for k in HIT_KS})
    out["mrr"] = m.reciprocal_rank(first, 10)
    out["ndcg@10"] = m.ndcg_at_k(covered, m.gold_gains(item.evidence, item.qrels), 10)
    return out


def score_answer(item: EvalItem, answer: dict[str, Any]) -> dict[str, Any]:
    """Answer, citation-support and abstention figures of one question (span validity comes later)."""
    abstained = bool(answer.get("abstained"))
    prediction = "" if abstained else str(answer.get("answer", ""))
    citations = [
        {**{k: c[k] for k in ("doc_id", "start", "end", "text")},
         "supports": m.citation_supports(c["text"], item.evidence)}
        for c in answer.get("citations", [])
    ]
    short = None if abstained else answer.get("short_answer")
    out: dict[str, Any] = {"abstained": abstained, "citations": citations, "short_answer": short,
                           "answer_chars": m.answer_chars(prediction), "answer_sentences": m.answer_sentences(prediction)}
    if item.answerable:
        out["answer_accuracy"] = 1.0 if m.answer_contains(prediction, item.answers) else 0.0
        if short:
            out["short_answer_accuracy"] = 1.0 if m.short_answer_matches(short, item.answers) else 0.0
        out["exact_match"] = m.exact_match(prediction, item.answers)
        out["token_f1"] = m.token_f1(prediction, item.answers)
        if any(e.strip() for e in item.evidence):
            out["citation_recall"] = 1.0 if any(c["supports"] for c in citations) else 0.0
    return out


def failed_checks(record: dict[str, Any]) -> list[str]:
    """The names of the per-question checks this question failed, for reports and comparisons."""
    if record.get("error"):
        return ["error"]
    failed: list[str] = []
    retrieval = record.get("retrieval")
    if retrieval is not None:
        failed += [f"hit@{k}" for k in HIT_KS if retrieval[f"hit@{k}"] < 1]
    if record.get("answerable"):
        if record.get("abstained"):
            failed.append("wrong_abstention")
        # exact_match is left out: a sentence-long extractive answer almost never matches exactly.
        for name in ("answer_accuracy", "citation_recall"):
            if name in record and record[name] < 1:
                failed.append(name)
        if any(not c["supports"] for c in record.get("citations", [])) and "citation_recall" in record:
            failed.append("citation_precision")
        if record.get("short_answer_accuracy") == 0.0:
            failed.append("short_answer")  # the phrase the answer leads with is not an accepted answer
    elif "abstained" in record and not record["abstained"]:
        failed.append("abstention_recall")
    if any(c.get("span_valid") is False for c in record.get("citations", [])):
        failed.append("span_validity")
    return failed


def check_spans(records: list[dict], fetch_text: Callable[[str], str | None]) -> dict[str, Any]:
    """Marks each citation `span_valid`; reports "unavailable" when no cited document can be fetched."""
    cache: dict[str, str | None] = {}

    def cached(doc_id: str) -> str | None:
        if doc_id not in cache:
            cache[doc_id] = fetch_text(doc_id)
        return cache[doc_id]

    citations = [c for r in records for c in r.get("citations", [])]
    reason = "no cited document could be fetched (404 for all)"
    try:
        for c in citations:
            cached(c["doc_id"])
    except Exception as exc:  # noqa: BLE001 - any failure to fetch means "could not check", not "invalid"
        cache, reason = {}, f"fetching cited documents failed: {exc}"
    if citations and all(text is None for text in cache.values()):
        for c in citations:
            c["span_valid"] = None
        return {"status": "unavailable", "reason": reason, "citations": len(citations)}
    valid = 0
    for c in citations:
        c["span_valid"] = m.span_valid(c, cached)
        valid += c["span_valid"]
    return {"status": "checked", "citations": len(citations), "valid": valid}


def aggregate(records: Sequence[dict], span_status: str = "checked") -> dict[str, Any]:
    """All metrics over a list of per-question records; a metric with nothing to measure is None."""
    judged = [r["retrieval"] for r in records if r.get("retrieval") is not None]
    out: dict[str, Any] = {name: m.mean([j[name] for j in judged]) for name in RETRIEVAL_METRICS}
    asked = [r for r in records if "abstained" in r]
    answerable = [r for r in asked if r["answerable"]]
    for name in ANSWER_METRICS:  # (short_answer_accuracy: over the answers that have a short answer)
        out[name] = m.mean([r[name] for r in answerable if name in r])
    with_evidence = [r for r in answerable if "citation_recall" in r]
    cited = [c for r in with_evidence for c in r["citations"]]
    out["citation_precision"] = m.ratio(sum(c["supports"] for c in cited), len(cited))
    out["citation_recall"] = m.mean([r["citation_recall"] for r in with_evidence])
    all_citations = [c for r in asked for c in r["citations"]]
    if span_status == "checked":
        out["span_validity"] = m.ratio(sum(bool(c.get("span_valid")) for c in all_citations), len(all_citations))
    else:
        out["span_validity"] = None
    out.update(m.abstention_scores([r["abstained"] for r in asked], [r["answerable"] for r in asked]))
    out["counts"] = {
        "questions": len(records),
        "judged_for_retrieval": len(judged),
        "asked": len(asked),
        "answerable": len(answerable),
        "unanswerable": len(asked) - len(answerable),
        "citations": len(all_citations),
        "errors": sum(1 for r in records if r.get("error")),
    }
    out["latency_ms"] = latency(records)
    return out


def by_type(records: Sequence[dict]) -> dict[str, dict[str, Any]]:
    """Per question type (in QUESTION_TYPES order, types with no question left out): how many questions, how
    many answerable, answer accuracy and citation recall as `aggregate` computes them, and the share abstained.
    A record without `question_type` (a run written before it existed) is classified from its question."""
    groups: dict[str, list[dict]] = {}
    for r in records:
        groups.setdefault(r.get("question_type") or question_type(r.get("question", "")), []).append(r)
    out: dict[str, dict[str, Any]] = {}
    for qtype in QUESTION_TYPES:
        if qtype not in groups:
            continue
        group = groups[qtype]
        metrics = aggregate(group)
        asked = [r for r in group if "abstained" in r]
        out[qtype] = {
            "questions": len(group),
            "answerable": sum(1 for r in group if r.get("answerable")),
            "answer_accuracy": metrics["answer_accuracy"],
            "citation_recall": metrics["citation_recall"],
            "abstention": m.ratio(sum(1 for r in asked if r["abstained"]), len(asked)),
        }
    return out


def answer_length(records: Sequence[dict]) -> dict[str, Any]:
    """The length distribution of the answers given: asked, not abstained, not failed with an error."""
    answered = [r for r in records if "abstained" in r and not r["abstained"] and not r.get("error")]
    return m.length_distribution([r["answer_chars"] for r in answered], [r["answer_sentences"] for r in answered],
                                 sum(1 for r in answered if r.get("short_answer")))


def latency(records: Sequence[dict]) -> dict[str, Any]:
    """p50/p95/max of the client-measured call times and of each stage the service reports for /ask."""
    stages: dict[str, list[float]] = {}
    for r in records:
        for stage, ms in (r.get("timings_ms") or {}).items():
            stages.setdefault(stage, []).append(float(ms))
    return {
        "search": m.latency_summary([r["search_ms"] for r in records if "search_ms" in r]),
        "ask": m.latency_summary([r["ask_ms"] for r in records if "ask_ms" in r]),
        "ask_stages": {stage: m.latency_summary(values) for stage, values in sorted(stages.items())},
    }

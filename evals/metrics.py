"""The evaluation metrics as pure functions over plain values; each is defined in evals/README.md."""

from __future__ import annotations

import math
import re
import string
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from rag.sentences import sentence_spans

_WS = re.compile(r"\s+")
_ARTICLES = re.compile(r"\b(a|an|the)\b")
_MARKER = re.compile(r"\[(\d+)\]")
# Upper bounds (characters) of the answer-length histogram's buckets; one more bucket holds the rest.
LENGTH_BUCKETS = (50, 100, 200, 400, 600)
_PUNCTUATION = set(string.punctuation)


def _is_punctuation(ch: str) -> bool:
    """ASCII punctuation, as SQuAD's script drops it, and Unicode's too: Sphinx and typeset PDFs write “tool”,
    ‘x’, … and — where the accepted answer says tool."""
    return ch in _PUNCTUATION or (ch > "\x7f" and unicodedata.category(ch).startswith("P"))


# -- text matching --------------------------------------------------------------------------------
def normalize_phrase(text: str) -> str:
    """Whitespace collapsed and lowercased: how evidence phrases are matched against passages."""
    return _WS.sub(" ", text).strip().lower()


def contains_phrase(text: str, phrase: str) -> bool:
    """True when `phrase` occurs in `text`, ignoring case and differences in whitespace."""
    needle = normalize_phrase(phrase)
    return bool(needle) and needle in normalize_phrase(text)


def squad_normalize(text: str) -> str:
    """SQuAD's answer normalisation: lowercase, drop punctuation (Unicode's too) and articles, collapse whitespace."""
    text = "".join(ch for ch in text.lower() if not _is_punctuation(ch))
    return " ".join(_ARTICLES.sub(" ", text).split())


def strip_markers(text: str) -> str:
    """The answer text without citation markers such as "[1]"."""
    return _MARKER.sub(" ", text)


# -- retrieval ------------------------------------------------------------------------------------
def gold_items_of(passage_text: str, doc_key: str | None, evidence: Sequence[str],
                  qrels: dict[str, int]) -> set[str]:
    """The gold items a passage covers: "e:<i>" for each evidence phrase it contains, "d:<id>" for a qrels doc."""
    items = {f"e:{i}" for i, phrase in enumerate(evidence) if contains_phrase(passage_text, phrase)}
    if doc_key is not None and qrels.get(doc_key, 0) > 0:
        items.add(f"d:{doc_key}")
    return items


def gold_gains(evidence: Sequence[str], qrels: dict[str, int]) -> dict[str, float]:
    """Every gold item with its gain: 1 per evidence phrase, the qrels grade per relevant document."""
    gains = {f"e:{i}": 1.0 for i, phrase in enumerate(evidence) if normalize_phrase(phrase)}
    gains.update({f"d:{doc}": float(grade) for doc, grade in qrels.items() if grade > 0})
    return gains


def first_relevant_rank(covered: Sequence[set[str]]) -> int | None:
    """The 1-based rank of the first passage that covers any gold item, or None."""
    for rank, items in enumerate(covered, start=1):
        if items:
            return rank
    return None


def hit_at_k(first_rank: int | None, k: int) -> float:
    """1.0 when a relevant passage is among the first k, else 0.0."""
    return 1.0 if first_rank is not None and first_rank <= k else 0.0


def reciprocal_rank(first_rank: int | None, k: int = 10) -> float:
    """1/rank of the first relevant passage within the first k, else 0.0 (MRR@k per question)."""
    return 1.0 / first_rank if first_rank is not None and first_rank <= k else 0.0


def ndcg_at_k(covered: Sequence[set[str]], gains: dict[str, float], k: int = 10) -> float:
    """nDCG@k over gold items: a rank earns the largest gain among the gold items it covers first
    (items covered higher up earn nothing again); the ideal ranking covers one item per rank,
    largest gain first. So a passage repeated, or split in two, cannot earn more than it is worth.
    """
    if not gains:
        return 0.0
    seen: set[str] = set()
    dcg = 0.0
    for rank, items in enumerate(covered[:k], start=1):
        new = [item for item in items if item not in seen and item in gains]
        seen.update(new)
        if new:
            dcg += max(gains[item] for item in new) / math.log2(rank + 1)
    ideal = sorted(gains.values(), reverse=True)[:k]
    idcg = sum(g / math.log2(rank + 1) for rank, g in enumerate(ideal, start=1))
    return dcg / idcg if idcg > 0 else 0.0


# -- answers --------------------------------------------------------------------------------------
def answer_contains(prediction: str, accepted: Iterable[str]) -> bool:
    """True when some accepted answer occurs, as whole normalised tokens, in the normalised prediction."""
    pred = f" {squad_normalize(strip_markers(prediction))} "
    return any(norm and f" {norm} " in pred for norm in (squad_normalize(a) for a in accepted))


def short_answer_matches(short: str, accepted: Iterable[str]) -> bool:
    """Whether the phrase an answer leads with is an accepted answer, holds one, or is part of one ("Putin" of
    "Vladimir Putin"), as whole normalised tokens: the lead names what was asked, not something else the quote says.
    A qualified code name is read by its last part too ("werkzeug.routing.PathConverter" is "PathConverter")."""
    leads = {squad_normalize(short), squad_normalize(re.sub(r"^(?:[A-Za-z_]\w*\.)+(?=[A-Za-z_])", "", short.strip()))}
    golds = [g for g in (squad_normalize(a) for a in accepted) if g]
    return any(f" {g} " in f" {lead} " or f" {lead} " in f" {g} " for lead in leads if lead for g in golds)


def exact_match(prediction: str, accepted: Iterable[str]) -> float:
    """SQuAD exact match: 1.0 when the normalised prediction equals a normalised accepted answer."""
    pred = squad_normalize(strip_markers(prediction))
    return 1.0 if any(pred == squad_normalize(a) for a in accepted) else 0.0


def token_f1(prediction: str, accepted: Iterable[str]) -> float:
    """SQuAD token F1, the best over the accepted answers."""
    pred_tokens = squad_normalize(strip_markers(prediction)).split()
    best = 0.0
    for answer in accepted:
        gold_tokens = squad_normalize(answer).split()
        if not pred_tokens or not gold_tokens:
            best = max(best, 1.0 if pred_tokens == gold_tokens else 0.0)
            continue
        common = sum((Counter(pred_tokens) & Counter(gold_tokens)).values())
        if common == 0:
            continue
        precision, recall = common / len(pred_tokens), common / len(gold_tokens)
        best = max(best, 2 * precision * recall / (precision + recall))
    return best


# -- answer length --------------------------------------------------------------------------------
def answer_chars(answer: str) -> int:
    """The answer's length in characters without its citation markers, runs of whitespace counted as one."""
    return len(" ".join(strip_markers(answer).split()))


def answer_sentences(answer: str) -> int:
    """How many sentences the answer quotes: its distinct citation markers, or, with none, its sentences."""
    markers = set(_MARKER.findall(answer))
    if markers:
        return len(markers)
    return len(sentence_spans(answer)) if answer.strip() else 0


def length_bucket(chars: int) -> str:
    """The histogram bucket of an answer of `chars` characters: "<=50", ..., ">600"."""
    for bound in LENGTH_BUCKETS:
        if chars <= bound:
            return f"<={bound}"
    return f">{LENGTH_BUCKETS[-1]}"


def length_distribution(chars: Sequence[int], sentences: Sequence[int],
                        with_short_answer: int | None = None) -> dict[str, object]:
    """p50 / p90 / max characters, the share of answers of at most one sentence, the share that lead with a short
    answer (when `with_short_answer` counts them), and a histogram of counts."""
    histogram = {f"<={bound}": 0 for bound in LENGTH_BUCKETS} | {f">{LENGTH_BUCKETS[-1]}": 0}
    for n in chars:
        histogram[length_bucket(n)] += 1
    return {
        "answered": len(chars),
        "p50_chars": percentile(chars, 50),
        "p90_chars": percentile(chars, 90),
        "max_chars": max(chars) if chars else None,
        "at_most_one_sentence": ratio(sum(1 for n in sentences if n <= 1), len(sentences)),
        "with_short_answer": None if with_short_answer is None else ratio(with_short_answer, len(chars)),
        "histogram": histogram,
    }


# -- citations ------------------------------------------------------------------------------------
def citation_supports(citation_text: str, evidence: Sequence[str]) -> bool:
    """A citation supports the answer when its text contains a gold evidence phrase."""
    return any(contains_phrase(citation_text, phrase) for phrase in evidence)


def span_valid(citation: dict, fetch_text: Callable[[str], str | None]) -> bool:
    """The citation's text equals its document's text at its offsets; an unknown document is invalid."""
    text = fetch_text(citation["doc_id"])
    if text is None:
        return False
    start, end = int(citation["start"]), int(citation["end"])
    return 0 <= start <= end <= len(text) and text[start:end] == citation["text"]


# -- aggregation ----------------------------------------------------------------------------------
def mean(values: Sequence[float]) -> float | None:
    """The arithmetic mean, or None for no values (a metric with nothing to measure is not zero)."""
    return sum(values) / len(values) if values else None


def ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def abstention_scores(abstained: Sequence[bool], answerable: Sequence[bool]) -> dict[str, float | None]:
    """Abstaining is the positive class: precision and recall on unanswerable questions, and the
    share of answerable questions on which the service wrongly abstained."""
    pairs = list(zip(abstained, answerable, strict=True))
    true_abstain = sum(1 for a, ok in pairs if a and not ok)
    return {
        "abstention_precision": ratio(true_abstain, sum(1 for a, _ in pairs if a)),
        "abstention_recall": ratio(true_abstain, sum(1 for _, ok in pairs if not ok)),
        "wrong_abstention_rate": ratio(sum(1 for a, ok in pairs if a and ok), sum(1 for _, ok in pairs if ok)),
    }


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least p% of the values at or below it."""
    if not values:
        return None
    if not 0 < p <= 100:
        raise ValueError(f"percentile must be in (0, 100], got {p}")
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


def latency_summary(values: Sequence[float]) -> dict[str, float | None]:
    return {"p50": percentile(values, 50), "p95": percentile(values, 95),
            "max": max(values) if values else None, "n": len(values)}

"""Learn the answer selector's weights on the calibration halves of labelled question sets (never the held-out ones).

    python -m evals.train_answer_scorer evals/questions/seeds.jsonl=/tmp/seeds-index \\
        evals/questions/werkzeug.jsonl=/tmp/werkzeug-index ... --out rag/answer_weights.json

For every `calibrate` question with gold evidence, the service reads its passages as `/v1/ask` does and the
answerer computes the features of each candidate sentence (rag/answer_weights.py FEATURES: the hand rules'
signals and a few they never weighed). A candidate is positive when it overlaps the evidence (it contains an
evidence phrase, or is a long enough part of one: a phrase may run over two sentences), or when the quote the
answer would make of it holds one, as a citation is judged (evals/scoring.py). A listwise linear ranker
(evals/answer_ranking.py) is fitted with its weights pulled toward the hand weights (`--prior zero`: toward
nothing, learning alone); the pull is chosen by leave-one-set-out cross-validation on these halves (top-1: the
best candidate is a positive; among equal figures the strongest pull). The fitted weights are mapped onto the
hand scores' scale (least squares over each question's top candidates), so the answerer's margins keep their
meaning, and the abstention threshold is chosen for them by the rule of evals/calibrate.py on the same
calibration questions. Writes the weights with the figures that chose them.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag.answer import AnswerConfig, ExtractiveAnswerer
from rag.answer_weights import FEATURES, HAND_WEIGHTS, SentenceWeights
from rag.config import Settings
from rag.records import Hit
from rag.service import RagService

from .answer_ranking import Query, cross_validate, fit, fit_scale, top1
from .calibrate import choose, split_items
from .metrics import contains_phrase, normalize_phrase

LAMS = (0.01, 0.1, 1.0, 3.0, 10.0, 30.0, 100.0, 1000.0)
# A sentence counts as a part of an evidence phrase only when it is long enough to mean something on its own.
MIN_PART_CHARS = 20
TOP_FOR_SCALE = 10  # candidates per question whose scores map the learned scale onto the hand one


@dataclass
class Asked:
    """One calibration question, read once: its hits, absent terms and candidates' features and labels."""

    group: str
    question: str
    answerable: bool
    hits: list[Hit]
    absent: list[str]
    features: np.ndarray
    labels: np.ndarray


def overlaps_evidence(sentence: str, evidence: list[str]) -> bool:
    """The sentence holds an evidence phrase, or is a long enough part of one."""
    text = normalize_phrase(sentence)
    return any(contains_phrase(sentence, phrase) or (len(text) >= MIN_PART_CHARS and text in normalize_phrase(phrase))
               for phrase in evidence if phrase.strip())


def holds_evidence(quote: str, evidence: list[str]) -> bool:
    """The quote holds an evidence phrase, as a citation supports an answer (evals/scoring.py)."""
    return any(contains_phrase(quote, phrase) for phrase in evidence if phrase.strip())


def feature_matrix(feature_dicts: list[dict[str, float]] | list) -> np.ndarray:
    """Rows of FEATURES' values (0 where a candidate has none)."""
    index = {name: i for i, name in enumerate(FEATURES)}
    out = np.zeros((len(feature_dicts), len(FEATURES)))
    for row, features in enumerate(feature_dicts):
        for name, value in features.items():
            out[row, index[name]] = value
    return out


def read_set(question_file: Path, index_dir: Path, split: str) -> list[Asked]:
    """Every question of `split` in the set, with its passages read as the service reads them for an answer."""
    settings = Settings.from_env(index_dir=index_dir)
    service = RagService(settings)
    service.warm_up(create=False)
    scorer = ExtractiveAnswerer(AnswerConfig(threshold=float("-inf")))
    out = []
    try:
        for item in split_items(question_file, split):
            hits = service.search(item["question"], max(settings.top_k, settings.rerank_passages))
            candidates = scorer.candidates(item["question"], hits)
            evidence = item.get("evidence") or []
            # Positive: the sentence overlaps the evidence, or the quote the answer would make of it holds it (a
            # signature quoted with its description, a sentence with the one it leans on): what citation recall counts.
            labels = np.array([overlaps_evidence(c.sentence.text, evidence) or
                               holds_evidence(scorer.quoted_text(item["question"], c, candidates), evidence)
                               for c in candidates], dtype=float)
            out.append(Asked(question_file.stem, item["question"], bool(item["answers"]), hits,
                             service.retriever.absent_terms(item["question"]),
                             feature_matrix([c.features for c in candidates]), labels))
    finally:
        service.close()
    return out


def scale_onto_hand(asked: list[Asked], w: np.ndarray, hand: np.ndarray) -> tuple[float, float]:
    """(a, d) with a·(w·x) + d closest to the hand score of x, over each question's top learned candidates."""
    learned, target = [], []
    for a in asked:
        if len(a.features) == 0:
            continue
        scores = a.features @ w
        top = np.argsort(-scores, kind="stable")[:TOP_FOR_SCALE]
        learned += scores[top].tolist()
        target += (a.features[top] @ hand).tolist()
    slope, intercept = np.polyfit(np.asarray(learned), np.asarray(target), 1)
    return float(slope), float(intercept)


def confidences(asked: list[Asked], weights: SentenceWeights) -> dict[str, list[tuple[float, bool]]]:
    """Each question's answer confidence under `weights`, abstention off, by set (for the threshold rule)."""
    answerer = ExtractiveAnswerer(AnswerConfig(threshold=float("-inf"), weights=weights))
    out: dict[str, list[tuple[float, bool]]] = {}
    for a in asked:
        confidence = answerer.answer(a.question, a.hits, a.absent).confidence
        out.setdefault(a.group, []).append((confidence, a.answerable))
    return out


def train(asked: list[Asked], lams: tuple[float, ...] = LAMS, max_wrong: float = 0.05,
          prior: str = "hand") -> tuple[dict, list[str]]:
    """The learned weights file's content (weights, bias and threshold, with the figures that chose them), and the
    threshold rule's table (evals/calibrate.py).

    `prior`: "hand" pulls the weights toward the hand weights (scaled), "zero" toward nothing (learning alone)."""
    hand = np.array([HAND_WEIGHTS.get(name, 0.0) for name in FEATURES])
    direction = hand if prior == "hand" else np.zeros_like(hand)
    queries = [Query(a.features, a.labels, a.group) for a in asked if a.labels.sum() > 0]
    cv = cross_validate(queries, direction, lams)
    groups = sorted({q.group for q in queries})
    hand_cv = {g: top1(hand, [q for q in queries if q.group == g]) for g in groups}
    hand_cv["pooled"] = top1(hand, queries)
    # The best pooled top-1; among equals the strongest pull toward the hand weights (the smaller change).
    lam = max(lams, key=lambda x: (round(cv[x]["pooled"], 9), x))
    prior_scale = fit_scale(queries, hand) if prior == "hand" else 0.0
    w = fit(queries, prior_scale * hand, lam)
    slope, intercept = scale_onto_hand(asked, w, hand)
    weights = {name: round(float(v) * slope, 4) for name, v in zip(FEATURES, w, strict=True)}
    learned = SentenceWeights(weights, round(intercept, 4), name="learned")
    threshold, lines = choose(confidences(asked, learned), max_wrong)
    return {
        "about": "Answer selector weights learned by evals/train_answer_scorer.py on the calibrate halves only; "
                 "score = bias + sum(weight * feature) (features: rag/answer_weights.py). Used when "
                 "RAG_ANSWER_SCORER=learned.",
        "weights": weights,
        "bias": round(intercept, 4),
        "abstain_threshold": round(threshold, 3),
        "training": {
            "sets": sorted({a.group for a in asked}),
            "questions": len(asked),
            "questions_with_a_positive": len(queries),
            "candidates": int(sum(len(a.labels) for a in asked)),
            "positives": int(sum(a.labels.sum() for a in asked)),
            "prior": prior,
            "lambda": lam,
            "prior_scale": round(prior_scale, 3),
            "scale_onto_hand": [round(slope, 5), round(intercept, 5)],
            "cross_validation_top1": {str(k): {g: round(v, 3) for g, v in row.items()} for k, row in cv.items()},
            "hand_top1": {g: round(v, 3) for g, v in hand_cv.items()},
        },
    }, lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.train_answer_scorer", description=__doc__.split("\n\n")[0])
    parser.add_argument("sets", nargs="+", help="QUESTIONS.jsonl=INDEX_DIR pairs")
    parser.add_argument("--out", type=Path, default=Path("rag/answer_weights.json"))
    parser.add_argument("--prior", choices=("hand", "zero"), default="hand",
                        help="what the L2 penalty pulls the weights toward: the hand weights (scaled) or zero")
    parser.add_argument("--lambdas", type=float, nargs="+", default=list(LAMS),
                        help="the L2 strengths cross-validation chooses from (one: that one, fitted on all)")
    parser.add_argument("--max-wrong", type=float, default=0.05, help="bound on wrongly abstained answerable share")
    args = parser.parse_args(argv)
    asked: list[Asked] = []
    for pair in args.sets:
        questions, _, index = pair.partition("=")
        if not index:
            parser.error(f"{pair!r} is not QUESTIONS.jsonl=INDEX_DIR")
        asked += read_set(Path(questions), Path(index), "calibrate")  # held-out halves are never read
    result, lines = train(asked, tuple(args.lambdas), args.max_wrong, args.prior)
    summary = result["training"]
    print("\n".join(lines))
    print(f"{summary['questions']} questions, {summary['candidates']} candidates, {summary['positives']} positives")
    for lam, row in summary["cross_validation_top1"].items():
        print(f"lambda {lam:>8}: " + ", ".join(f"{g} {v:.3f}" for g, v in row.items()))
    print("hand weights:    " + ", ".join(f"{g} {v:.3f}" for g, v in summary["hand_top1"].items()))
    print(f"chosen lambda {summary['lambda']}, threshold {result['abstain_threshold']}")
    partial = args.out.with_name(args.out.name + ".partial")  # a failed write leaves the old weights in place
    partial.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    partial.replace(args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

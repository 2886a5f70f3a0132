"""Assigns each question of a set to the calibrate or held-out half: a seeded draw stratified by type.

    python -m evals.corpora.assign_splits evals/questions/werkzeug.jsonl [--seed 10]

Questions are grouped by their "type" (unanswerable ones form one group of their own, whatever their
type), each group is shuffled with the seed and dealt out alternately, and the half that gets the odd
one out alternates from group to group, so both halves get the same mix. The file is rewritten in
place with each line's "split" set; everything else is kept as it was.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import defaultdict
from pathlib import Path

from evals.formats import SPLITS

DEFAULT_SEED = 10  # issue #10, which asked for these sets


def stratum(question: dict) -> str:
    return question.get("type", "") if question["answers"] else "unanswerable"


def assign(questions: list[dict], seed: int) -> dict[str, str]:
    """Question id -> split."""
    rng = random.Random(seed)
    groups: dict[str, list[str]] = defaultdict(list)
    for question in questions:
        groups[stratum(question)].append(question["id"])
    splits: dict[str, str] = {}
    first = 0
    for name in sorted(groups):
        ids = sorted(groups[name])
        rng.shuffle(ids)
        for position, qid in enumerate(ids):
            splits[qid] = SPLITS[(first + position) % 2]
        first = (first + len(ids)) % 2
    return splits


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("question_set", type=Path)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    lines = args.question_set.read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line) for line in lines if line.strip()]
    splits = assign(questions, args.seed)
    for question in questions:
        question["split"] = splits[question["id"]]
    args.question_set.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in questions),
                                 encoding="utf-8")
    counts = {name: sum(1 for q in questions if q["split"] == name) for name in SPLITS}
    print(f"{args.question_set}: " + ", ".join(f"{name} {count}" for name, count in counts.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Choose the abstention threshold on the calibration halves of labelled question sets (never the held-out ones).

    python -m evals.calibrate evals/questions/seeds.jsonl=/tmp/seeds-index evals/questions/debian-reference.jsonl=DIR

Every calibration question is answered with abstention off, keeping the answer's confidence. The rule: among the
thresholds at which, on every set, at most `--max-wrong` of the answerable calibration questions would be abstained
on, the one that catches the most unanswerable calibration questions, of those the one that refuses the fewest
answerable ones; it is placed midway between the two confidences it falls between, so a question a little off
either side still lands where it did. (The highest threshold within the bound, the rule before, also refuses
answerable questions for no unanswerable one caught.) It prints, per candidate threshold, what each set loses and
catches, and the choice.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rag.config import Settings
from rag.service import RagService


def split_items(question_file: Path, split: str) -> list[dict]:
    """The questions of one split of a JSONL set, as read (a question with no split is a calibration one)."""
    items = [json.loads(line) for line in question_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [item for item in items if item.get("split", "calibrate") == split]


def confidences(question_file: Path, index_dir: Path, split: str) -> list[tuple[float, bool]]:
    """(confidence, answerable) of each question of `split` in the set, answered with abstention off."""
    service = RagService(Settings.from_env(index_dir=index_dir, abstain_threshold=float("-inf")))
    service.warm_up(create=False)
    try:
        return [(service.ask(item["question"]).confidence, bool(item["answers"]))
                for item in split_items(question_file, split)]
    finally:
        service.close()


def choose(sets: dict[str, list[tuple[float, bool]]], max_wrong: float) -> tuple[float, list[str]]:
    """The threshold within the bound (at most `max_wrong` of each set's answerable questions abstained on) that
    catches the most unanswerable questions, then refuses the fewest answerable ones, midway between confidences."""
    # A candidate t abstains on every confidence below it: between two neighbouring confidences nothing changes.
    candidates = sorted({round(c, 3) for rows in sets.values() for c, _ in rows})
    lines: list[str] = []
    best: tuple[int, int] | None = None
    chosen = float("-inf")
    for k, threshold in enumerate(candidates):
        parts, ok, caught_all, wrong_all = [], True, 0, 0
        for name, rows in sets.items():
            answerable = [c for c, a in rows if a]
            unanswerable = [c for c, a in rows if not a]
            wrong = sum(round(c, 3) < threshold for c in answerable)
            caught = sum(round(c, 3) < threshold for c in unanswerable)
            ok &= wrong <= max_wrong * len(answerable)
            caught_all, wrong_all = caught_all + caught, wrong_all + wrong
            parts.append(f"{name}: wrong {wrong}/{len(answerable)}, caught {caught}/{len(unanswerable)}")
        lines.append(f"{threshold:.3f}  " + "; ".join(parts) + ("" if ok else "  (over the bound)"))
        if ok and (best is None or (caught_all, -wrong_all) > best):
            best = (caught_all, -wrong_all)
            chosen = (candidates[k - 1] + threshold) / 2 if k else threshold
    return chosen, lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.calibrate", description=__doc__.split("\n\n")[0])
    parser.add_argument("sets", nargs="+", help="QUESTIONS.jsonl=INDEX_DIR pairs")
    parser.add_argument("--max-wrong", type=float, default=0.05, help="bound on wrongly abstained answerable share")
    parser.add_argument("--split", default="calibrate")
    args = parser.parse_args(argv)
    sets = {}
    for pair in args.sets:
        questions, _, index = pair.partition("=")
        if not index:
            parser.error(f"{pair!r} is not QUESTIONS.jsonl=INDEX_DIR")
        sets[Path(questions).stem] = confidences(Path(questions), Path(index), args.split)
    chosen, lines = choose(sets, args.max_wrong)
    print("\n".join(lines))
    print(f"chosen threshold: {chosen:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

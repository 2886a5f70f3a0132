"""Choose the abstention threshold on the calibration halves of labelled question sets (never the held-out ones).

    python -m evals.calibrate evals/questions/seeds.jsonl=/tmp/seeds-index evals/questions/debian-reference.jsonl=DIR

Every calibration question is answered with abstention off, keeping the answer's confidence. The rule: the highest
threshold at which, on every set, at most `--max-wrong` of the answerable calibration questions would be abstained
on (so as many unanswerable ones as possible are caught). It prints, per candidate threshold, what each set loses
and catches, and the choice.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rag.config import Settings
from rag.service import RagService


def confidences(question_file: Path, index_dir: Path, split: str) -> list[tuple[float, bool]]:
    """(confidence, answerable) of each question of `split` in the set, answered with abstention off."""
    service = RagService(Settings.from_env(index_dir=index_dir, abstain_threshold=float("-inf")))
    service.warm_up(create=False)
    out = []
    try:
        for line in question_file.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            if item.get("split", "calibrate") != split:
                continue
            out.append((service.ask(item["question"]).confidence, bool(item["answers"])))
    finally:
        service.close()
    return out


def choose(sets: dict[str, list[tuple[float, bool]]], max_wrong: float) -> tuple[float, list[str]]:
    """The highest threshold that wrongly abstains on at most `max_wrong` of each set's answerable questions."""
    candidates = sorted({round(c, 3) for rows in sets.values() for c, _ in rows})
    lines, chosen = [], float("-inf")
    for threshold in candidates:
        parts, ok = [], True
        for name, rows in sets.items():
            answerable = [c for c, a in rows if a]
            unanswerable = [c for c, a in rows if not a]
            wrong = sum(c < threshold for c in answerable)
            caught = sum(c < threshold for c in unanswerable)
            ok &= wrong <= max_wrong * len(answerable)
            parts.append(f"{name}: wrong {wrong}/{len(answerable)}, caught {caught}/{len(unanswerable)}")
        lines.append(f"{threshold:.3f}  " + "; ".join(parts) + ("" if ok else "  (over the bound)"))
        if ok:
            chosen = threshold
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

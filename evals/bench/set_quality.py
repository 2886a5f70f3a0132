"""All five labelled sets under one passage setting: each corpus ingested into a fresh index, its questions evaluated.

    python -m evals.bench.set_quality --env RAG_OVERLAP_TOKENS=16 --env RAG_PASSAGE_CONTEXT_TOKENS=16 \
        --out evals/bench/results/ingest-speed-quality-128-16-chain16.txt [--sets seeds,debian-reference]

Prints (and writes to --out) one line per set and split (all, calibrate, heldout) with the metrics the eval gate
bounds, in the format of evals/bench/results/passage-128-16-heading-quality.txt, so two settings compare line by
line. Needs the corpora of `make corpus`. Settings not given with --env are the service defaults (or RAG_* already
in the environment).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from .corpus import ROOT, SEEDS
from .ours_ingest import ingest_process, rag_command

# (name, documents, questions): the eval gate's five sets (Makefile).
SETS = (
    ("seeds", SEEDS, "seeds"),
    ("debian-reference", ROOT / "corpora" / "debian-reference", "debian-reference"),
    ("werkzeug", ROOT / "corpora" / "werkzeug", "werkzeug"),
    ("debian-faq", ROOT / "corpora" / "debian-faq", "debian-faq"),
    ("r-intro", ROOT / "corpora" / "r-intro", "r-intro"),
)
METRICS = ("hit@5", "mrr", "answer_accuracy", "citation_precision", "citation_recall", "abstention_recall",
           "wrong_abstention_rate")


def _log(message: str) -> None:
    print(f"[set-quality {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def evaluate_set(documents: Path, questions: str, work: Path, env: Mapping[str, str]) -> dict:
    """Ingest `documents` into a fresh index under `work`, run `rag eval`, return the metrics by split."""
    ingest = ingest_process([documents], work / "index", env)
    out = work / "eval"
    proc = subprocess.run([*rag_command(), "eval", str(ROOT / "evals" / "questions" / f"{questions}.jsonl"),
                           "--index", str(work / "index"), "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, env={**os.environ, **env}, timeout=3600)
    if proc.returncode != 0:
        raise RuntimeError(f"rag eval failed ({proc.returncode}): {proc.stderr[-2000:]}")
    report = json.loads((out / "report.json").read_text())
    return {"ingest": ingest, "all": report["metrics"], **report["by_split"]}


def line(name: str, split: str, metrics: Mapping[str, float]) -> str:
    return f"{name:<17} {split:<9} " + " ".join(f"{m}={metrics.get(m, float('nan')):.3f}" for m in METRICS)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m evals.bench.set_quality", description=__doc__.splitlines()[0])
    p.add_argument("--env", action="append", default=[], metavar="RAG_NAME=VALUE", help="a setting (repeatable)")
    p.add_argument("--sets", default=",".join(s[0] for s in SETS), help="comma-separated subset of the five sets")
    p.add_argument("--out", type=Path, default=None, help="text file for the table (a .json beside it)")
    args = p.parse_args(argv)
    env = {}
    for item in args.env:
        name, sep, value = item.partition("=")
        if not sep or not name.startswith("RAG_"):
            raise SystemExit(f"--env {item!r} is not RAG_NAME=VALUE")
        env[name] = value
    wanted = [s for s in args.sets.split(",") if s]
    unknown = set(wanted) - {s[0] for s in SETS}
    if unknown:
        raise SystemExit(f"unknown set(s) {', '.join(sorted(unknown))}; known: {', '.join(s[0] for s in SETS)}")
    lines, results = [], {"env": env, "sets": {}}
    with tempfile.TemporaryDirectory(prefix="set-quality-") as tmp:
        for name, documents, questions in SETS:
            if name not in wanted:
                continue
            if not documents.is_dir():
                raise SystemExit(f"{documents} is missing: run `make corpus`")
            _log(f"{name}: ingest and eval")
            result = evaluate_set(documents, questions, Path(tmp) / name, env)
            results["sets"][name] = result
            for split in ("all", "calibrate", "heldout"):
                lines.append(line(name, split, result[split]))
            print("\n".join(lines[-3:]), flush=True)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text("\n".join(lines) + "\n")
        args.out.with_suffix(".json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

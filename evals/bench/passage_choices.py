"""Passage size, overlap and embedded context, each choice measured for ingest time and answer quality.

    python -m evals.bench.passage_choices [--choices 128/32/chain,192/32/chain,...] [--rounds 1] [--out FILE.json]

A choice is TOKENS/OVERLAP/CONTEXT[:CAP] (RAG_PASSAGE_TOKENS, RAG_OVERLAP_TOKENS, RAG_PASSAGE_CONTEXT,
RAG_PASSAGE_CONTEXT_TOKENS). For each: `rag ingest` of the Debian Reference into a fresh index, a whole process
timed from outside (what it embedded counted afterwards, untimed); `rag eval` of its question set on that index;
the same for seeds/ and its set. With --rounds N the ingests are timed N times, the choices in turn each round
(quality is measured once: it does not depend on the machine's load).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from .corpus import ROOT, SEEDS, debian_dir
from .ours_ingest import embedded_tokens, ingest_process, rag_command

DEFAULT_CHOICES = ("128/32/chain,192/32/chain,224/32/chain,128/16/chain,128/0/chain,128/32/heading,128/32/none,"
                   "224/0/chain,224/16/chain")
METRICS = ("hit@5", "mrr", "answer_accuracy", "citation_recall", "citation_precision", "abstention_recall",
           "wrong_abstention_rate")
QUESTIONS = {"debian": ROOT / "evals" / "questions" / "debian-reference.jsonl",
             "seeds": ROOT / "evals" / "questions" / "seeds.jsonl"}


def _log(message: str) -> None:
    print(f"[passage-choices {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def parse_choice(text: str) -> dict:
    """"192/16/heading:8" -> the four settings; a clear error for anything else."""
    try:
        tokens, overlap, context = text.split("/")
        context, _, cap = context.partition(":")
        return {"passage_tokens": int(tokens), "overlap_tokens": int(overlap), "passage_context": context,
                "passage_context_tokens": int(cap or 0)}
    except ValueError as exc:
        raise SystemExit(f"choice {text!r} is not TOKENS/OVERLAP/CONTEXT[:CAP], e.g. 128/32/chain") from exc


def choice_env(choice: dict) -> dict[str, str]:
    return {f"RAG_{name.upper()}": str(value) for name, value in choice.items()}


def evaluate(questions: Path, index_dir: Path, out_dir: Path, env: dict[str, str]) -> dict:
    """`rag eval` on one index: the metrics overall and on each split (calibrate, heldout)."""
    proc = subprocess.run([*rag_command(), "eval", str(questions), "--index", str(index_dir), "--out", str(out_dir)],
                          cwd=ROOT, capture_output=True, text=True, env={**os.environ, **env}, timeout=3600)
    if proc.returncode != 0:
        raise RuntimeError(f"rag eval failed ({proc.returncode}): {proc.stderr[-2000:]}")
    report = json.loads((out_dir / "report.json").read_text())
    pick = lambda metrics: {m: metrics.get(m) for m in METRICS}  # noqa: E731
    return {"all": pick(report["metrics"]), **{split: pick(m) for split, m in report["by_split"].items()}}


def run(choices: Sequence[str], rounds: int, corpus: Path, work: Path, save) -> dict:  # noqa: ANN001
    results: dict = {"corpus": str(corpus), "rounds": rounds, "choices": {}}
    for round_ in range(rounds):
        for name in choices:
            choice = parse_choice(name)
            env = choice_env(choice)
            entry = results["choices"].setdefault(name, {"settings": choice, "ingest": []})
            _log(f"round {round_ + 1}: ingest {name}")
            entry["ingest"].append(ingest_process([corpus], work / "debian", env))
            if round_ == 0:
                entry["embedded"] = embedded_tokens([corpus], **choice)
                _log(f"eval {name}")
                entry["debian"] = evaluate(QUESTIONS["debian"], work / "debian", work / f"eval-debian-{_slug(name)}", env)
                ingest_process([SEEDS], work / "seeds", env)
                entry["seeds"] = evaluate(QUESTIONS["seeds"], work / "seeds", work / f"eval-seeds-{_slug(name)}", env)
            entry["ingest_median_s"] = round(statistics.median(r["wall_s"] for r in entry["ingest"]), 2)
            entry["ingest_median_cpu_s"] = round(statistics.median(r["cpu_s"] for r in entry["ingest"]), 2)
            save(results)
    return results


def merge(runs: Sequence[dict]) -> dict:
    """Several saved sweeps as one: each choice's timed ingests together, its quality from the first that has it
    (quality does not depend on the run: the same code and settings give the same figures)."""
    merged: dict = {"choices": {}}
    for result in runs:
        for name, entry in result["choices"].items():
            into = merged["choices"].setdefault(name, {"settings": entry["settings"], "ingest": []})
            into["ingest"] += entry["ingest"]
            for key in ("embedded", "debian", "seeds"):
                if key in entry:
                    into.setdefault(key, entry[key])
    return merged


def _slug(name: str) -> str:
    return name.replace("/", "-").replace(":", "-")


def _f(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}".lstrip("0") if value < 1 else f"{value:.2f}"


def render(results: dict) -> str:
    lines = ["| choice | ingest wall s / CPU s (rounds) | passages | tokens embedded | truncated / alone | set | hit@5 all/cal/held "
             "| MRR all/cal/held | answer acc. all/cal/held | cit. recall all/cal/held |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for name, e in results["choices"].items():
        walls = ", ".join(f"{r['wall_s']:.0f} / {r['cpu_s']:.0f}" for r in e["ingest"])
        emb = e.get("embedded", {})
        for set_name in ("debian", "seeds"):
            if set_name not in e:
                continue
            q = e[set_name]
            cells = [" / ".join(_f(q[s].get(m)) for s in ("all", "calibrate", "heldout"))
                     for m in ("hit@5", "mrr", "answer_accuracy", "citation_recall")]
            head = (f"| {name} | {walls} | {emb.get('passages', '-'):,} | {emb.get('tokens_embedded', 0):,} | "
                    f"{emb.get('truncated_passages', '-')} / {emb.get('sentences_alone', '-')}"
                    if set_name == "debian" else "| | | | |")
            lines.append(f"{head} | {set_name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m evals.bench.passage_choices", description=__doc__.splitlines()[0])
    p.add_argument("--choices", default=DEFAULT_CHOICES, help="comma-separated TOKENS/OVERLAP/CONTEXT[:CAP]")
    p.add_argument("--rounds", type=int, default=1, help="timed ingests of each choice (quality once)")
    p.add_argument("--corpus", type=Path, default=None, help="HTML folder (default: the Debian Reference)")
    p.add_argument("--work", type=Path, default=ROOT / "corpora" / "bench-work" / "passage-choices")
    p.add_argument("--out", type=Path, default=None,
                   help="JSON file (default: evals/bench/results/passage-choices-*.json)")
    p.add_argument("--render", type=Path, nargs="+", default=None,
                   help="print the table of saved JSON files (runs of the same choice merged) and stop")
    args = p.parse_args(argv)
    if args.render:
        print(render(merge([json.loads(f.read_text()) for f in args.render])))
        return 0
    corpus = args.corpus or debian_dir()
    if corpus is None:
        raise SystemExit("Debian Reference HTML not found: run `make corpus` or pass --corpus")
    choices = [c.strip() for c in args.choices.split(",") if c.strip()]
    for c in choices:
        parse_choice(c)
    out = args.out or ROOT / "evals" / "bench" / "results" / f"passage-choices-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    args.work.mkdir(parents=True, exist_ok=True)
    results = run(choices, args.rounds, corpus, args.work, lambda r: out.write_text(json.dumps(r, indent=2)))
    print(render(results))
    print(f"\nJSON: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

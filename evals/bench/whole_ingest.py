"""Whole-process ingest side by side: `rag ingest CORPUS` in a fresh index against a LlamaIndex script ingesting
the same HTML files with the same model (evals/bench/peer_ingest.py, run from the peer venv), interleaved rounds.

    python -m evals.bench.whole_ingest [--corpus DIR] [--rounds 2] [--peer-chunks 1024,256/32] [--out FILE.json]
        [--ours-backends onnx,onnx-int8]

Each round runs ours, then the peer once per chunking (SIZE or SIZE/OVERLAP, tiktoken tokens), so load from other users of the machine hits them
alike; every run is a new process (interpreter start, imports, model load, parsing, splitting, embedding,
writing the index) timed from outside. Passages and tokens embedded are counted afterwards, untimed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from .corpus import ROOT, debian_dir
from .ours_ingest import children_cpu_s, embedded_tokens, ingest_process
from .side import DEFAULT_PEER_VENV, PEER_SETUP, peer_python

PEER_SCRIPT = Path(__file__).with_name("peer_ingest.py")
_PER_RUN = ("wall_s", "cpu_s", "load_avg_1m")


def _log(message: str) -> None:
    print(f"[whole-ingest {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def peer_process(python: Path, corpus: Path, model_path: str, persist: Path, chunking: str) -> dict:
    """One LlamaIndex ingest, a child process timed from outside; then its chunks and tokens, counted apart."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONPATH": ""}
    args = [str(python), str(PEER_SCRIPT), "ingest", str(corpus), model_path, str(persist), chunking]
    started, cpu = time.perf_counter(), children_cpu_s()
    proc = subprocess.run(args, capture_output=True, text=True, env=env, timeout=3600)
    wall, cpu = time.perf_counter() - started, children_cpu_s() - cpu
    if proc.returncode != 0:
        raise RuntimeError(f"peer ingest failed ({proc.returncode}): {proc.stderr[-2000:]}")
    counted = persist / "count.json"
    subprocess.run([str(python), str(PEER_SCRIPT), "count", str(persist), model_path, str(counted)],
                   capture_output=True, text=True, env=env, check=True, timeout=600)
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "load_avg_1m": round(os.getloadavg()[0], 2), **json.loads(counted.read_text())}


def run(corpus: Path, rounds: int, peer_chunks: Sequence[str], peer_venv: Path, work: Path,
        progress: Callable[[dict], None] = lambda runs: None, ours_backends: Sequence[str] = ()) -> dict:
    """`ours_backends`: embedder backends ours runs with, each once a round (`ours_BACKEND`); none: the configured one
    (`ours`)."""
    from rag.config import Settings
    from rag.embed import bundled_model_path

    python = peer_python(peer_venv)
    if python is None:
        raise SystemExit(f"peer venv {peer_venv} is missing or lacks LlamaIndex; create it with: {PEER_SETUP}")
    settings = Settings.from_env()
    model_path = str(bundled_model_path())
    ours = {f"ours_{b}": {"RAG_EMBEDDER_BACKEND": b} for b in ours_backends} or {"ours": {}}
    runs: dict[str, list[dict]] = {**{name: [] for name in ours}, **{f"peer_{c}": [] for c in peer_chunks}}
    for round_ in range(rounds):
        for name, env in ours.items():
            _log(f"round {round_ + 1}: {name}")
            runs[name].append(ingest_process([corpus], work / name, env))
            progress(runs)
        for chunk in peer_chunks:
            _log(f"round {round_ + 1}: peer, chunk {chunk}")
            runs[f"peer_{chunk}"].append(peer_process(python, corpus, model_path,
                                                      work / f"peer-{chunk.replace('/', '-')}", chunk))
            progress(runs)
    ours_tokens = embedded_tokens([corpus], settings.passage_tokens, settings.overlap_tokens,
                                  settings.passage_context, settings.passage_context_tokens)
    systems = {}
    for name, rows in runs.items():
        walls, cpus = [r["wall_s"] for r in rows], [r["cpu_s"] for r in rows]
        extra = ours_tokens if name in ours else {k: v for k, v in rows[-1].items() if k not in _PER_RUN}
        systems[name] = {"wall_s": walls, "median_s": round(statistics.median(walls), 2), "best_s": min(walls),
                         "cpu_s": cpus, "median_cpu_s": round(statistics.median(cpus), 2),
                         "load_avg_1m": [r["load_avg_1m"] for r in rows], **extra}
    ratios = {}
    for name, chunk in ((n, c) for n in ours for c in peer_chunks):
        for key in ("wall_s", "cpu_s"):
            per_round = [o[key] / p[key] for o, p in zip(runs[name], runs[f"peer_{chunk}"], strict=True)]
            ratios[f"{name}_over_peer_{chunk}_{key.removesuffix('_s')}"] = {
                "per_round": [round(r, 3) for r in per_round], "median_of_rounds": round(statistics.median(per_round), 3)}
    return {"corpus": str(corpus), "rounds": rounds, "settings": {
                "passage_tokens": settings.passage_tokens, "overlap_tokens": settings.overlap_tokens,
                "passage_context": settings.passage_context, "passage_context_tokens": settings.passage_context_tokens,
                "embedder_backend": settings.embedder_backend, "ours_backends": list(ours_backends)},
            "systems": systems, "ratios": ratios,
            "note": "wall and CPU (user + system) seconds of whole processes on a shared machine; ratio < 1: ours faster"}


def render(result: dict) -> str:
    lines = ["| system | wall s per round | median s | CPU s per round | passages | tokens embedded | truncated passages |",
             "|---|---|---|---|---|---|---|"]
    for name, s in result["systems"].items():
        if name.startswith("ours"):
            label = "ours (`rag ingest`" + (f", {name.removeprefix('ours_')})" if name != "ours" else ")")
        else:
            label = f"LlamaIndex, chunk {name.removeprefix('peer_')}"
        walls, cpus = (", ".join(f"{w:.1f}" for w in s[key]) for key in ("wall_s", "cpu_s"))
        lines.append(f"| {label} | {walls} | {s['median_s']:.1f} | {cpus} | {s['passages']:,} | {s['tokens_embedded']:,} | "
                     f"{s['truncated_passages']} |")
    lines.append("")
    for name, r in result["ratios"].items():
        lines.append(f"- {name}: per round {', '.join(map(str, r['per_round']))}; median {r['median_of_rounds']}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m evals.bench.whole_ingest", description=__doc__.splitlines()[0])
    p.add_argument("--corpus", type=Path, default=None, help="HTML folder (default: the Debian Reference)")
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--peer-chunks", default="1024,256/32",
                   help="LlamaIndex chunkings, SIZE or SIZE/OVERLAP (its defaults: 1024 and overlap 200)")
    p.add_argument("--peer-venv", type=Path, default=Path(os.environ.get("RAG_BENCH_PEER_VENV", DEFAULT_PEER_VENV)))
    p.add_argument("--out", type=Path, default=None, help="JSON file (default: evals/bench/results/whole-ingest-*.json)")
    p.add_argument("--ours-backends", default="",
                   help="embedder backends ours runs with, each once a round, e.g. onnx,onnx-int8 (default: the configured one)")
    p.add_argument("--render", type=Path, default=None, help="print the table of a saved JSON file and stop")
    args = p.parse_args(argv)
    if args.render:
        print(render(json.loads(args.render.read_text())))
        return 0
    corpus = args.corpus or debian_dir()
    if corpus is None:
        raise SystemExit("Debian Reference HTML not found: run `make corpus` or pass --corpus")
    out = args.out or ROOT / "evals" / "bench" / "results" / f"whole-ingest-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(".partial.json")  # each run as it ends, so a run cut short keeps what it measured
    with tempfile.TemporaryDirectory(prefix="whole-ingest-") as tmp:
        result = run(corpus, args.rounds, [c for c in args.peer_chunks.split(",") if c], args.peer_venv,
                     Path(tmp), lambda runs: partial.write_text(json.dumps(runs, indent=2)),
                     [b for b in args.ours_backends.split(",") if b])
    partial.unlink(missing_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(render(result))
    print(f"\nJSON: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

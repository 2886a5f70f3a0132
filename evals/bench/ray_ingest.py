"""Ingest passages/s with Ray (1 and 2 embedding workers) next to plain `rag ingest`, on the same files.

    python -m evals.bench.ray_ingest corpora/debian-reference [out.json] [--files N]

Each run is a fresh index and a `rag` child process, timed end to end (wall: start-up included, for Ray the
local cluster's start and stop too). For Ray the work phase (files found to last commit, actors already warm)
is timed apart, from the command's --json. Each Ray actor embeds with one thread on one CPU, so "plain, 1
thread" (RAG_EMBEDDER_THREADS=1) is the fair baseline of one worker; plain ingest's default uses every core.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _rag(args: list[str], env: dict[str, str]) -> tuple[float, dict]:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "rag.cli", *args, "--json"], cwd=ROOT, capture_output=True,
                            text=True, env={**os.environ, "HF_HUB_OFFLINE": "1", **env}, timeout=3600)
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"rag {' '.join(args)} failed: {result.stderr.strip()[-2000:]}")
    return wall, json.loads(result.stdout)


def measure(corpus: Path, files: int = 0) -> dict:
    work = Path(tempfile.mkdtemp(prefix="ray-bench-"))
    try:
        chosen = sorted(p for p in corpus.iterdir() if p.is_file())
        if files:
            chosen = chosen[:files]
        source = work / "corpus"
        source.mkdir()
        for path in chosen:
            shutil.copy(path, source / path.name)
        runs = [
            ("plain, 2 threads", [], {}),
            ("plain, 1 thread", [], {"RAG_EMBEDDER_THREADS": "1"}),
            ("ray, 1 worker", ["--ray", "--ray-workers", "1"], {}),
            ("ray, 2 workers", ["--ray", "--ray-workers", "2"], {}),
        ]
        rows = []
        for name, extra, env in runs:
            index = work / f"index-{len(rows)}"
            wall, report = _rag(["ingest", str(source), "--index", str(index), *extra], env)
            passages = report["passages"]
            row = {"run": name, "files": len(chosen), "passages": passages, "wall_s": round(wall, 1),
                   "wall_passages_per_s": round(passages / wall, 2)}
            if "ray" in report:
                row["work_s"] = report["ray"]["seconds"]
                row["work_passages_per_s"] = report["ray"]["passages_per_s"]
                row["commit_s"] = report["ray"]["commit_seconds"]
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
        return {"corpus": str(corpus), "cpus": os.cpu_count(), "load_average": os.getloadavg(), "runs": rows}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str]) -> int:
    files = 0
    if "--files" in argv:
        at = argv.index("--files")
        files = int(argv[at + 1])
        argv = argv[:at] + argv[at + 2:]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    result = measure(Path(argv[0]), files)
    text = json.dumps(result, indent=2)
    if len(argv) > 1:
        Path(argv[1]).write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Where an ingest's time goes: `rag ingest` of a corpus into a fresh index, in-process, split by stage.

    python -m evals.bench.ingest_profile [CORPUS] [--out FILE.json]     # settings: RAG_* in the environment

Each stage (start-up: imports and model load; load: reading and parsing files; split; embed; write) is timed in
wall seconds and in this process's CPU seconds (all threads, so the model's own threads count). Inside the embed
stage the model's runs (onnxruntime `session.run`) are timed apart: the embed stage minus the model is
tokenization, pooling and sentence vectors. CPU seconds are the figure to compare on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

_STARTED = (time.perf_counter(), time.process_time())


class _Clock:
    """A `rag.progress.Progress` that records each stage's wall and CPU seconds."""

    def __init__(self) -> None:
        self.stages: dict[str, dict[str, float]] = {}
        self._stage, self._since = "", (0.0, 0.0)

    def start(self, stage: str, total: int | None, unit: str) -> None:
        self._stage, self._since = stage, (time.perf_counter(), time.process_time())

    def advance(self, count: int = 1) -> None:
        pass

    def finish(self) -> None:
        wall, cpu = time.perf_counter() - self._since[0], time.process_time() - self._since[1]
        self.stages[self._stage] = {"wall_s": round(wall, 3), "cpu_s": round(cpu, 3)}


def profile(corpus: Path, index_dir: Path) -> dict:
    from rag.config import Settings
    from rag.service import RagService

    service = RagService(Settings.from_env(index_dir=index_dir, index_url=""))
    service.warm_up(create=True)
    model = {"wall_s": 0.0, "cpu_s": 0.0, "runs": 0}
    session = getattr(service.embedder, "_session", None)
    if session is not None:  # the ONNX backend: time its runs
        run = session.run

        def timed_run(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202 - onnxruntime's own signature
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return run(*args, **kwargs)
            finally:
                model["wall_s"] += time.perf_counter() - wall
                model["cpu_s"] += time.process_time() - cpu
                model["runs"] += 1

        service.embedder._session = type("TimedSession", (), {"run": staticmethod(timed_run)})()
    startup = {"wall_s": round(time.perf_counter() - _STARTED[0], 3), "cpu_s": round(time.process_time() - _STARTED[1], 3)}
    clock = _Clock()
    report = service.ingest_paths([corpus], progress=clock)
    total = {"wall_s": round(time.perf_counter() - _STARTED[0], 3), "cpu_s": round(time.process_time() - _STARTED[1], 3)}
    embed = clock.stages.get("embed", {"wall_s": 0.0, "cpu_s": 0.0})
    return {"corpus": str(corpus), "passages": report.passages, "startup": startup, "stages": clock.stages,
            "model": {k: round(v, 3) for k, v in model.items()},
            "embed_outside_model": {k: round(embed[k] - model[k], 3) for k in ("wall_s", "cpu_s")},
            "non_model": {k: round(total[k] - model[k], 3) for k in ("wall_s", "cpu_s")}, "total": total,
            "load_avg_1m": round(os.getloadavg()[0], 2)}


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m evals.bench.ingest_profile", description=__doc__.splitlines()[0])
    p.add_argument("corpus", type=Path, nargs="?", default=Path("corpora/debian-reference"))
    p.add_argument("--index", type=Path, default=None, help="fresh index folder (default: a temporary one)")
    p.add_argument("--out", type=Path, default=None)
    args = p.parse_args(argv)
    if not args.corpus.exists():
        raise SystemExit(f"{args.corpus} is missing: run `make corpus`")
    import tempfile

    with tempfile.TemporaryDirectory(prefix="ingest-profile-") as tmp:
        result = profile(args.corpus, args.index or Path(tmp) / "index")
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

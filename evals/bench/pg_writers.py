"""Ingest rate with 1, 2 and 4 concurrent writer processes, PostgreSQL beside the local index, on one corpus.

Both indexes first hold the same `--passages` synthetic passages (evals/bench/pg_scale.py: precomputed vectors, no
model); then 1, 2 and 4 writer processes at once each add `--writer-passages` passages of their own, one document
(8 passages) an `apply`, as `rag ingest` of single files would. The local index takes one writer at a time (a file
lock; the others wait), PostgreSQL one transaction per document with per-document advisory locks. `check` after.
Usage: nice -n 5 python -m evals.bench.pg_writers OUT.json [--passages 20000] [--writers 1,2,4]
       [--writer-passages 2000] [--backends local,postgres]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from .pg_million import bulk_database, finish, load_average, local_database
from .pg_scale import bench_inputs, concurrent_writers


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.bench.pg_writers")
    parser.add_argument("out", type=Path)
    parser.add_argument("--passages", type=int, default=20_000)
    parser.add_argument("--writers", default="1,2,4")
    parser.add_argument("--writer-passages", type=int, default=2000)
    parser.add_argument("--backends", default="local,postgres")
    args = parser.parse_args(argv)
    from rag.pg.server import init_primary

    _, _, sentences, vectors, _, _ = bench_inputs()
    counts = [int(x) for x in args.writers.split(",")]
    result: dict = {"passages": args.passages, "writer_passages": args.writer_passages,
                    "load_average_start": load_average()}
    if "local" in args.backends:
        with tempfile.TemporaryDirectory(prefix="rag-pgw-") as tmp:
            local = local_database(Path(tmp) / "index", sentences, vectors, args.passages)
            result["local"] = concurrent_writers(local, sentences, vectors, counts, args.writer_passages)
    if "postgres" in args.backends:
        server = init_primary()
        try:
            url = bulk_database(server, sentences, vectors, args.passages)
            result["postgres"] = concurrent_writers(url, sentences, vectors, counts, args.writer_passages)
        finally:
            server.remove()
    return finish(result, args.out)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""API throughput at concurrency 16: 1, 2 and 4 `rag serve` replicas over one PostgreSQL, beside one local replica.

The same synthetic passages in both backends (evals/bench/pg_scale.py: precomputed vectors, no model at ingest);
the 152 labelled questions as queries. Each replica is first warmed with one sequential pass of every question on
both endpoints (query vectors cached, so the figures are the serving path, not the embedder), then a separate
load-generator process (evals/bench/load_gen.py) sends `--requests` requests at `--concurrency`, round-robin over
the replicas, and counts every status code and transport error.
Usage: nice -n 5 python -m evals.bench.pg_throughput OUT.json [--passages 20000] [--replicas 1,2,4]
       [--requests 320] [--concurrency 16] [--backends local,postgres] [--questions 152]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from .corpus import ROOT
from .pg_million import bulk_database, finish, load_average, local_database, log
from .pg_scale import bench_inputs
from .query import Server

ENDPOINTS = ("search", "ask")


def _warm(server: Server, questions: list[str]) -> None:
    import httpx

    with httpx.Client(timeout=300) as client:
        for endpoint, key in (("search", "query"), ("ask", "question")):
            for q in questions:
                client.post(f"{server.url}/v1/{endpoint}", json={key: q}).raise_for_status()


def _load(questions_file: Path, servers: list[Server], endpoint: str, requests: int, concurrency: int) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "evals.bench.load_gen", str(questions_file), "--urls", ",".join(s.url for s in servers),
         "--endpoint", endpoint, "--requests", str(requests), "--concurrency", str(concurrency)],
        cwd=ROOT, capture_output=True, text=True, check=True)
    result = json.loads(done.stdout)
    result["load_average"] = load_average()
    return result


def _measure(location: str, env: dict[str, str], replicas: int, questions: list[str], questions_file: Path,
             args: argparse.Namespace, tmp: Path) -> dict:
    with ExitStack() as stack:
        servers = []
        for i in range(replicas):
            server = Server(location, env, tmp / f"serve-{replicas}-{i}.log")  # type: ignore[arg-type]
            stack.callback(server.stop)
            servers.append(server)
        for server in servers:
            _warm(server, questions)
        out: dict = {"replicas": replicas}
        for endpoint in ENDPOINTS:
            out[endpoint] = _load(questions_file, servers, endpoint, args.requests, args.concurrency)
            log(location[:20], replicas, "replica(s)", endpoint, out[endpoint])
        out["replica_rss_mb"] = [s.memory_mb() for s in servers]
        return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.bench.pg_throughput")
    parser.add_argument("out", type=Path)
    parser.add_argument("--passages", type=int, default=20_000)
    parser.add_argument("--replicas", default="1,2,4")
    parser.add_argument("--requests", type=int, default=320)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--backends", default="local,postgres")
    parser.add_argument("--questions", type=int, default=152, help="the first N labelled questions as queries")
    args = parser.parse_args(argv)
    from rag.pg.index import PgIndex
    from rag.pg.server import init_primary

    _, _, sentences, vectors, questions, _ = bench_inputs()
    questions = questions[: args.questions]
    result: dict = {"passages": args.passages, "requests": args.requests, "concurrency": args.concurrency,
                    "queries": len(questions), "load_average_start": load_average()}
    with tempfile.TemporaryDirectory(prefix="rag-pgtp-") as name:
        tmp = Path(name)
        questions_file = tmp / "questions.json"
        questions_file.write_text(json.dumps(questions))
        if "local" in args.backends:
            local = local_database(tmp / "index", sentences, vectors, args.passages)
            result["local"] = _measure(local, {}, 1, questions, questions_file, args, tmp)
        if "postgres" in args.backends:
            server = init_primary()
            try:
                url = bulk_database(server, sentences, vectors, args.passages)
                result["postgres"] = {}
                for n in (int(x) for x in args.replicas.split(",")):
                    result["postgres"][str(n)] = _measure(url, {"RAG_INDEX_URL": url}, n, questions, questions_file,
                                                          args, tmp)
                    time.sleep(1)
                check = PgIndex(url, None, None)
                result["postgres"]["check_after"] = check.check()
                check.close()
            finally:
                server.remove()
    return finish(result, args.out)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

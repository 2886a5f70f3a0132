"""The HTTP stack's own cost per request: `/v1/ask` and `/healthz` over loopback, with the service's work stubbed out.

    python -m evals.bench.http_overhead [--requests 1500] [--out FILE.json]

A child process serves the real app (middleware, validation, logging, uvicorn as `rag serve` runs it) over an empty
index whose `ask` returns a fixed answer at once; this process times the round trips with httpx, as
`ask_vs_search` does. What is left is what a cached search and a new question's ask both pay on top of their work.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .query import free_port, percentile
from .report import emit

QUESTION = "How do I install a package?"


def serve(port: int, index_dir: Path) -> None:
    """The child: `rag serve`'s app and uvicorn settings, the service's answer stubbed."""
    import uvicorn

    from api.app import create_app
    from api.logs import configure_logging
    from rag.config import Settings
    from rag.records import Answer, Citation
    from rag.service import RagService

    configure_logging()
    settings = Settings.from_env(index_dir=index_dir, host="127.0.0.1", port=port)
    service = RagService(settings)
    answer = Answer(QUESTION, "Run apt-get install with the package's name. [1]", False,
                    [Citation(1, "doc-1", "guide.html", "Guide", 10, 200, "x" * 190, 0.61234)], 0.6123,
                    timings_ms={"embed_query": 4.0, "answer": 3.0, "total": 8.0})
    service.ask = lambda question, top_k=None, doc_ids=None: answer  # type: ignore[method-assign]
    uvicorn.run(create_app(settings, service), host="127.0.0.1", port=port, log_level="warning", log_config=None,
                access_log=False)


def measure(requests: int) -> dict:
    import httpx

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as index_dir, tempfile.TemporaryFile() as log:
        child = subprocess.Popen([sys.executable, "-m", "evals.bench.http_overhead", "--serve", str(port), index_dir],
                                 stdout=log, stderr=subprocess.STDOUT,
                                 env={**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"})
        try:
            deadline = time.monotonic() + 300
            while True:
                if child.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"the server did not start:\n{log.read().decode(errors='replace')[-2000:]}")
                try:
                    if httpx.get(url + "/readyz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.1)
            ask, health = [], []
            with httpx.Client(base_url=url, timeout=30) as client:
                for i in range(requests + 100):  # the first 100 warm up
                    t = time.perf_counter()
                    client.post("/v1/ask", json={"question": QUESTION}).raise_for_status()
                    t1 = time.perf_counter()
                    client.get("/healthz").raise_for_status()
                    t2 = time.perf_counter()
                    if i >= 100:
                        ask.append((t1 - t) * 1000)
                        health.append((t2 - t1) * 1000)
        finally:
            child.terminate()
            child.wait(timeout=30)
    return {"requests": requests, "load_average": [round(x, 2) for x in os.getloadavg()],
            "ask_stubbed_ms": {"p50": percentile(ask, 50), "p95": percentile(ask, 95)},
            "healthz_ms": {"p50": percentile(health, 50), "p95": percentile(health, 95)}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.bench.http_overhead", description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--serve", nargs=2, metavar=("PORT", "INDEX_DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(int(args.serve[0]), Path(args.serve[1]))
        return 0
    result = measure(args.requests)
    return emit(result, args.out)


if __name__ == "__main__":
    sys.exit(main())

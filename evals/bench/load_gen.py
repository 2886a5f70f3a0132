"""A load generator in its own process: N requests at a fixed concurrency, spread round-robin over API replicas.

Counts every outcome (status codes, transport errors), so errors under concurrency are reported, never hidden.
Usage: python -m evals.bench.load_gen QUESTIONS.json --urls URL[,URL...] --endpoint search|ask
       [--concurrency 16] [--requests 320]   (prints one JSON object)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np


async def _run(urls: list[str], endpoint: str, questions: list[str], concurrency: int, requests: int) -> dict:
    import httpx

    key = "query" if endpoint == "search" else "question"
    outcomes: Counter[str] = Counter()
    ms: list[float] = []
    next_i = 0

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal next_i
        while next_i < requests:
            i, next_i = next_i, next_i + 1
            url = f"{urls[i % len(urls)]}/v1/{endpoint}"
            t = time.perf_counter()
            try:
                response = await client.post(url, json={key: questions[i % len(questions)]}, timeout=120)
                outcomes[str(response.status_code)] += 1
                if response.status_code == 200:
                    ms.append((time.perf_counter() - t) * 1000)
            except httpx.HTTPError as exc:
                outcomes[type(exc).__name__] += 1

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        wall = time.perf_counter() - started
    ok = outcomes.get("200", 0)
    return {"endpoint": endpoint, "replicas": len(urls), "concurrency": concurrency, "requests": requests,
            "ok": ok, "errors": requests - ok, "outcomes": dict(outcomes), "wall_s": round(wall, 2),
            "requests_per_s": round(ok / wall, 2),
            "p50_ms": round(float(np.percentile(ms, 50)), 1) if ms else None,
            "p95_ms": round(float(np.percentile(ms, 95)), 1) if ms else None}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.bench.load_gen")
    parser.add_argument("questions", type=Path, help="a JSON list of query strings")
    parser.add_argument("--urls", required=True)
    parser.add_argument("--endpoint", choices=["search", "ask"], required=True)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--requests", type=int, default=320)
    args = parser.parse_args(argv)
    questions = json.loads(args.questions.read_text())
    result = asyncio.run(_run(args.urls.split(","), args.endpoint, questions, args.concurrency, args.requests))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

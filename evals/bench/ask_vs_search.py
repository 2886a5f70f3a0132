"""A new question's /v1/ask against /v1/search of the same question when cached, over HTTP on one running server.

    python -m evals.bench.ask_vs_search INDEX_DIR QUESTIONS.jsonl [QUESTIONS.jsonl ...] [--out FILE.json]

Each question is asked once (its first sight: nothing about it is cached), then searched twice; the second search
(its query vector cached) is the reference. Issue #10's target: ask p50 at most 2x that search p50, on an index of
at least 2,500 passages.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from .query import Server, _post, percentile
from .report import emit


def measure(index_dir: Path, questions: list[str]) -> dict:
    import httpx

    load_before = os.getloadavg()[0]  # the machine is shared: the load says how far to trust the figures
    with tempfile.NamedTemporaryFile(suffix=".log", delete=False) as log:
        server = Server(index_dir, {}, Path(log.name))
    ask_ms, search_ms, stages = [], [], {}
    try:
        with httpx.Client() as client:
            _post(client, f"{server.url}/v1/search", {"query": "warm-up request"})
            ready = _post(client, f"{server.url}/v1/ask", {"question": "warm-up question"})[1]
            for question in questions:
                elapsed, body = _post(client, f"{server.url}/v1/ask", {"question": question})
                ask_ms.append(elapsed)
                for stage, ms in body["timings_ms"].items():
                    stages.setdefault(stage, []).append(float(ms))
                _post(client, f"{server.url}/v1/search", {"query": question})
                search_ms.append(_post(client, f"{server.url}/v1/search", {"query": question})[0])
            passages = httpx.get(f"{server.url}/readyz", timeout=10).json()
    finally:
        server.stop()
    del ready
    ask_p50, search_p50 = percentile(ask_ms, 50), percentile(search_ms, 50)
    return {
        "questions": len(questions),
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "index": str(index_dir),
        "readyz": passages,
        "ask_new_ms": {"p50": ask_p50, "p95": percentile(ask_ms, 95)},
        "search_cached_ms": {"p50": search_p50, "p95": percentile(search_ms, 95)},
        "ratio_p50": round(ask_p50 / search_p50, 2) if search_p50 else None,
        "ask_stages_p50_ms": {stage: percentile(values, 50) for stage, values in sorted(stages.items())},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.bench.ask_vs_search", description=__doc__.split("\n\n")[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("questions", nargs="+", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    questions = [json.loads(line)["question"] for f in args.questions
                 for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    result = measure(args.index, questions)
    return emit(result, args.out)


if __name__ == "__main__":
    sys.exit(main())

"""One document uploaded to a running server over a large index: time, and the server's memory before, at peak and after.

    python -m evals.bench.write_at_scale corpora/bench-work/synthetic-1000000 [out.json]

The index folder is copied to a scratch folder beside it first, so the kept benchmark index is not changed.
"""

from __future__ import annotations

import json
import shutil
import sys
import threading
import time
from pathlib import Path

from .query import Server

DOCUMENT = b"The lighthouse keeper's cat is named Biscuit. It sleeps on the lamp room stairs."


def measure(index_dir: Path) -> dict:
    import httpx

    scratch = index_dir.with_name(index_dir.name + "-write-scratch")
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(index_dir, scratch)
    server = Server(scratch, {}, scratch / "serve.log")
    try:
        out: dict = {"index": str(index_dir), "ready_s": round(server.ready_s, 2)}
        httpx.post(f"{server.url}/v1/search", json={"query": "warm-up request"}, timeout=120).raise_for_status()
        out["before_mb"] = server.memory_mb()["rss_mb"]
        peak = [0.0]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], server.memory_mb()["rss_mb"])
                time.sleep(0.05)

        sampler = threading.Thread(target=sample)
        sampler.start()
        started = time.perf_counter()
        response = httpx.post(f"{server.url}/v1/documents", files={"file": ("note.txt", DOCUMENT, "text/plain")},
                              timeout=600)
        out["upload_s"] = round(time.perf_counter() - started, 2)
        out["upload_status"] = response.status_code
        answer = httpx.post(f"{server.url}/v1/ask", json={"question": "What is the lighthouse keeper's cat called?"},
                            timeout=120).json()
        done.set()
        sampler.join()
        out["answer"] = answer.get("answer", "")
        out["peak_during_write_mb"] = peak[0]
        out["after_mb"] = server.memory_mb()["rss_mb"]
        return out
    finally:
        server.stop()
        shutil.rmtree(scratch, ignore_errors=True)


def main(argv: list[str]) -> int:
    result = measure(Path(argv[0]))
    text = json.dumps(result, indent=2)
    print(text)
    if len(argv) > 1:
        Path(argv[1]).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

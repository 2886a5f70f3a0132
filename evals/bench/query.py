"""Query benchmark over HTTP: `rag serve` start-up to ready, /v1/search and /v1/ask latency by stage, throughput."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from .corpus import ROOT

# Stages whose time is the model's: embedding the query, embedding sentences not seen before.
MODEL_STAGES = ("embed_query", "sentence_embed")
STAGES = ("embed_query", "dense_search", "keyword_search", "fusion", "sentence_rescore", "sentence_embed", "answer")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: Sequence[float], q: float) -> float:
    return round(float(np.percentile(values, q)), 2) if len(values) else float("nan")


class Server:
    """`python -m rag.cli serve` of this checkout in a child process; always stopped by `stop()`."""

    def __init__(self, index_dir: Path, env: dict[str, str], log_file: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = open(log_file, "w")  # noqa: SIM115 - closed in stop()
        started = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "rag.cli", "serve", "--index", str(index_dir), "--host", "127.0.0.1",
             "--port", str(self.port)],
            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1",
                           "TRANSFORMERS_OFFLINE": "1", **env},
            stdout=self._log, stderr=subprocess.STDOUT)
        self.ready_s = self._wait_ready(started)

    def _wait_ready(self, started: float, timeout_s: float = 600) -> float:
        import httpx

        while time.perf_counter() - started < timeout_s:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited with {self.proc.returncode}; see {self._log.name}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return time.perf_counter() - started
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"the server was not ready within {timeout_s} s")

    def memory_mb(self) -> dict[str, float]:
        """Resident and peak resident memory of the server process (Linux /proc)."""
        fields = {}
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = round(int(value.split()[0]) / 1024, 1)
        return {"rss_mb": fields.get("VmRSS", float("nan")), "peak_rss_mb": fields.get("VmHWM", float("nan"))}

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


def _post(client, url: str, body: dict) -> tuple[float, dict]:  # noqa: ANN001 - an httpx.Client
    t = time.perf_counter()
    response = client.post(url, json=body, timeout=300)
    elapsed = (time.perf_counter() - t) * 1000
    response.raise_for_status()
    return elapsed, response.json()


def latency(server: Server, endpoint: str, queries: Sequence[str]) -> dict:
    """Sequential requests, one query each: client latency and the server's own stage timings."""
    import httpx

    key = "query" if endpoint == "search" else "question"
    client_ms: list[float] = []
    stages: dict[str, list[float]] = {s: [] for s in (*STAGES, "total")}
    non_model: list[float] = []
    with httpx.Client() as client:
        _post(client, f"{server.url}/v1/{endpoint}", {key: "warm-up request"})
        for q in queries:
            elapsed, body = _post(client, f"{server.url}/v1/{endpoint}", {key: q})
            timings = body["timings_ms"]
            server_total = timings.get("total", sum(v for k, v in timings.items() if k != "sentence_embed"))
            client_ms.append(elapsed)
            for s in STAGES:
                stages[s].append(float(timings.get(s, 0.0)))
            stages["total"].append(server_total)
            non_model.append(server_total - sum(float(timings.get(s, 0.0)) for s in MODEL_STAGES))
    return {
        "requests": len(queries),
        "client_ms": {"p50": percentile(client_ms, 50), "p95": percentile(client_ms, 95)},
        "stages_ms": {s: {"p50": percentile(v, 50), "p95": percentile(v, 95)} for s, v in stages.items()},
        "non_model_ms": {"p50": percentile(non_model, 50), "p95": percentile(non_model, 95)},
    }


def throughput(server: Server, endpoint: str, queries: Sequence[str], concurrency: int) -> dict:
    import httpx

    key = "query" if endpoint == "search" else "question"
    with httpx.Client(limits=httpx.Limits(max_connections=concurrency)) as client:
        started = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            times = list(pool.map(lambda q: _post(client, f"{server.url}/v1/{endpoint}", {key: q})[0], queries))
        wall = time.perf_counter() - started
    return {"concurrency": concurrency, "requests": len(queries), "requests_per_s": round(len(queries) / wall, 2),
            "client_ms_p50": percentile(times, 50), "client_ms_p95": percentile(times, 95)}

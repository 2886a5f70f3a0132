"""Load and memory: the API on loopback under rising concurrency while documents are added and removed.

Zero errors besides deliberate 429/503, no lost documents, and the figures (requests, p50/p95 latency,
RSS) printed in the test output. Durations are short and fixed so CI stays fast; RAG_LOAD_SECONDS
lengthens each step for a real measurement.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
import time
from pathlib import Path

import httpx
import psutil
import pytest

from api.app import create_app
from api.live_server import live_server
from rag.load import load_bytes

ROOT = Path(__file__).resolve().parents[2]
STEP_SECONDS = float(os.environ.get("RAG_LOAD_SECONDS", "4"))
CONCURRENCY = (1, 4, 16)
DELIBERATE = {429, 503}
QUESTIONS = [json.loads(line)["question"] for line in (ROOT / "evals/questions/seeds.jsonl").read_text().splitlines()
             if line.strip()]

pytestmark = pytest.mark.slow


def rss_mb() -> float:
    return psutil.Process().memory_info().rss / 2**20


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


class DocumentChurn:
    """Adds and removes documents through the library while the load runs; remembers what must be there."""

    def __init__(self, service) -> None:  # noqa: ANN001
        self.service = service
        self.present: dict[str, str] = {}  # doc id -> its marker word
        self.removed: set[str] = set()
        self.errors: list[str] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.count = 0

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                n = self.count
                self.count += 1
                marker = f"loadmarker{n}x"
                text = (f"Bulletin {n}\n\nThe harbour office issued bulletin {marker} about the ferry timetable. "
                        f"Passengers for route {n} should arrive early.\n")
                doc = load_bytes(text.encode(), f"bulletin-{n}.txt", source=f"load/bulletin-{n}.txt")
                self.service.ingest_documents([doc])
                self.present[doc.id] = marker
                if n % 3 == 2:  # remove an older one now and then
                    victim = sorted(self.present)[0]
                    self.service.remove(victim)
                    del self.present[victim]
                    self.removed.add(victim)
            except Exception as exc:  # noqa: BLE001 - reported by the test
                self.errors.append(repr(exc))
            self.stop.wait(0.2)


def body_for(path: str, question: str) -> dict:
    if path == "/v1/search":
        return {"query": question, "top_k": 3}
    if path == "/v1/chat/completions":
        return {"model": "rag-cited", "messages": [{"role": "user", "content": question}]}
    return {"question": question}


async def drive(url: str, concurrency: int, seconds: float, paths: list[str]) -> dict:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors: list[str] = []
    deadline = time.monotonic() + seconds

    async def worker(w: int) -> None:
        async with httpx.AsyncClient(base_url=url, timeout=60) as client:
            i = 0
            while time.monotonic() < deadline:
                path = paths[(w + i) % len(paths)]
                question = QUESTIONS[(w * 7 + i) % len(QUESTIONS)]
                body = body_for(path, question)
                started = time.perf_counter()
                try:
                    response = await client.post(path, json=body)
                except httpx.HTTPError as exc:
                    errors.append(f"{path}: {exc!r}")
                    continue
                finally:
                    i += 1
                latencies.append(time.perf_counter() - started)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                if response.status_code != 200 and response.status_code not in DELIBERATE:
                    errors.append(f"{path}: {response.status_code} {response.text[:200]}")

    await asyncio.gather(*[worker(w) for w in range(concurrency)])
    return {"latencies": latencies, "statuses": statuses, "errors": errors}


def test_rising_load_while_documents_change(make_service, seed_index_dir: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    service = make_service(copy_seed_from=seed_index_dir, work_slots=2, work_queue=24)
    app = create_app(service.settings, service)
    paths = ["/v1/ask", "/v1/search", "/v1/chat/completions"]
    lines = []
    rss_before = rss_mb()
    with live_server(app) as url:
        for path in paths:  # the first request of each kind pays for lazy set-up; not measured
            assert httpx.post(f"{url}{path}", json=body_for(path, QUESTIONS[1]), timeout=60).status_code == 200
        churn = DocumentChurn(service)
        churn.thread.start()
        total_requests, total_errors = 0, []
        for concurrency in CONCURRENCY:
            result = asyncio.run(drive(url, concurrency, STEP_SECONDS, paths))
            lat = result["latencies"]
            total_requests += len(lat)
            total_errors += result["errors"]
            lines.append(f"concurrency {concurrency:2d}: {len(lat):4d} requests in {STEP_SECONDS:g} s, "
                         f"p50 {percentile(lat, 0.5) * 1000:6.1f} ms, p95 {percentile(lat, 0.95) * 1000:6.1f} ms, "
                         f"statuses {dict(sorted(result['statuses'].items()))}, errors {len(result['errors'])}")
        churn.stop.set()
        churn.thread.join(timeout=60)
        # No lost documents: every added one is there and findable, every removed one is gone.
        store = service.index.store
        service.index.refresh()
        missing = [d for d in churn.present if store.document(d) is None]
        resurrected = [d for d in churn.removed if store.document(d) is not None]
        newest = max(churn.present, key=lambda d: int(churn.present[d][len("loadmarker"):-1]))
        found = httpx.post(f"{url}/v1/search", json={"query": churn.present[newest], "top_k": 1}, timeout=60).json()
        assert service.index.check() == []
    rss_after = rss_mb()
    with capsys.disabled():
        print(f"\nload test over {', '.join(paths)} ({total_requests} requests; documents added "
              f"{churn.count}, removed {len(churn.removed)}):")
        for line in lines:
            print("  " + line)
        print(f"  RSS {rss_before:.0f} MB before, {rss_after:.0f} MB after")
    assert total_errors == [] and churn.errors == []
    assert missing == [] and resurrected == []
    assert found["hits"][0]["doc_id"] == newest
    assert total_requests > 0 and churn.count >= 3


def test_memory_stays_flat_over_many_requests(make_service, seed_index_dir: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    from fastapi.testclient import TestClient

    service = make_service(copy_seed_from=seed_index_dir)
    with TestClient(create_app(service.settings, service)) as client:
        def run(n: int, offset: int) -> None:
            for i in range(n):
                question = f"{QUESTIONS[i % len(QUESTIONS)]} {offset + i}"  # new text: caches fill as in real use
                path, body = (("/v1/ask", {"question": question}) if i % 2 else
                              ("/v1/search", {"query": question, "top_k": 5}))
                assert client.post(path, json=body).status_code == 200

        run(100, 0)  # warm: allocator pools, caches, lazy imports
        before = rss_mb()
        run(400, 1000)
        after = rss_mb()
    with capsys.disabled():
        print(f"\nmemory: RSS {before:.1f} MB after 100 warm-up requests, {after:.1f} MB after 400 more "
              f"(+{after - before:.1f} MB)")
    # The query cache holds at most 1024 vectors (1.5 MB); 400 requests that leaked even 40 KB each would
    # show as 16 MB.
    assert after - before < 16

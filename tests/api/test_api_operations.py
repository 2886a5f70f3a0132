"""Operations: readiness, request ids, JSON access logs, Prometheus metrics, CORS, and backpressure
(bounded work pool with 503 + Retry-After, per-request timeout, work freed when a client disconnects)."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import httpx
import numpy as np
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.live_server import live_server
from api.logs import JsonFormatter
from rag.service import RagService

QUESTION = "Which Japanese foreign minister took part in these talks?"


class SlowEmbedder:
    """The real embedder, slowed down, so a handful of requests is enough to fill the work pool."""

    def __init__(self, inner, delay_s: float) -> None:  # noqa: ANN001
        self.inner, self.delay_s, self.name = inner, delay_s, inner.name

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def warm_up(self) -> None:
        self.inner.warm_up()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        time.sleep(self.delay_s)
        return self.inner.encode(texts)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return self.inner.count_tokens(texts)


@pytest.fixture
def slow_service(embedder, seed_index_dir: Path):
    def build(delay_s: float, **settings) -> RagService:
        service = RagService(seed_service_settings(seed_index_dir, **settings), embedder=SlowEmbedder(embedder, delay_s))
        service.warm_up(create=False)
        built.append(service)
        return service

    built: list[RagService] = []
    yield build
    for service in built:
        service.close()


def seed_service_settings(index_dir: Path, **overrides):
    from rag.config import Settings

    return Settings(index_dir=index_dir, **overrides)


def test_readyz_is_503_until_the_model_and_index_are_loaded(embedder, seed_index_dir: Path) -> None:
    service = RagService(seed_service_settings(seed_index_dir), embedder=embedder)
    app = create_app(service.settings, service)
    client = TestClient(app)  # no lifespan yet: nothing loaded
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["status"] == "starting"
    assert client.get("/healthz").status_code == 200  # alive all the same
    with TestClient(app) as started:
        ready = started.get("/readyz")
        assert ready.status_code == 200 and ready.json()["status"] == "ready"
        assert ready.json()["documents"] == service.index.manifest.documents
    service.close()


def test_request_ids_are_honoured_or_generated_and_logged(seed_service, caplog: pytest.LogCaptureFixture) -> None:
    with TestClient(create_app(seed_service.settings, seed_service)) as client, \
            caplog.at_level(logging.INFO, logger="api.access"):
        given = client.post("/v1/search", json={"query": "border"}, headers={"X-Request-ID": "trace-42.a"})
        assert given.headers["x-request-id"] == "trace-42.a"
        fresh = client.get("/healthz")
        assert len(fresh.headers["x-request-id"]) == 32
        forged = client.get("/healthz", headers={"X-Request-ID": "bad id\nlevel=error"})
        assert forged.headers["x-request-id"] != "bad id\nlevel=error" and len(forged.headers["x-request-id"]) == 32
        failed = client.post("/v1/ask", json={"question": " "}, headers={"X-Request-ID": "trace-43"})
        assert failed.status_code == 422 and failed.headers["x-request-id"] == "trace-43"
    lines = [json.loads(JsonFormatter().format(r)) for r in caplog.records if r.name == "api.access"]
    by_id = {line["request_id"]: line for line in lines}
    assert by_id["trace-42.a"]["route"] == "/v1/search" and by_id["trace-42.a"]["status"] == 200
    assert by_id["trace-43"]["status"] == 422 and by_id["trace-43"]["duration_ms"] >= 0


def test_metrics_count_requests_and_time_routes_and_stages(seed_service) -> None:
    with TestClient(create_app(seed_service.settings, seed_service)) as client:
        for _ in range(3):
            assert client.post("/v1/ask", json={"question": QUESTION}).status_code == 200
        client.post("/v1/ask", json={"question": ""})
        response = client.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert 'rag_http_requests_total{method="POST",route="/v1/ask",status="200"} 3.0' in text
    assert 'rag_http_requests_total{method="POST",route="/v1/ask",status="422"} 1.0' in text
    assert 'rag_http_request_duration_seconds_count{method="POST",route="/v1/ask"} 4.0' in text
    for stage in ("embed_query", "dense_search", "keyword_search", "answer", "total"):
        assert f'rag_stage_duration_seconds_count{{route="/v1/ask",stage="{stage}"}} 3.0' in text
    assert f"rag_index_documents {float(seed_service.index.manifest.documents)}" in text
    assert f"rag_index_passages {float(seed_service.index.manifest.passages)}" in text


def test_cors_is_closed_by_default_and_opens_to_configured_origins(make_service, seed_index_dir: Path) -> None:
    preflight = {"Origin": "https://app.example", "Access-Control-Request-Method": "POST"}
    closed = make_service(copy_seed_from=seed_index_dir)
    with TestClient(create_app(closed.settings, closed)) as client:
        assert "access-control-allow-origin" not in client.options("/v1/ask", headers=preflight).headers
        assert "access-control-allow-origin" not in client.get("/healthz", headers=preflight).headers
    opened = make_service(index_dir=closed.settings.index_dir, cors_origins=("https://app.example",))
    with TestClient(create_app(opened.settings, opened)) as client:
        response = client.options("/v1/ask", headers=preflight)
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == "https://app.example"
        other = client.options("/v1/ask", headers={**preflight, "Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


async def _burst(app, n: int, path: str = "/v1/ask") -> list[httpx.Response]:  # noqa: ANN001
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test", timeout=60) as client:
        return await asyncio.gather(*[
            client.post(path, json={"question": f"{QUESTION} ({i})"}) for i in range(n)])


def test_past_the_queue_limit_requests_get_503_with_retry_after(slow_service) -> None:
    service = slow_service(0.3, work_slots=1, work_queue=2)
    app = create_app(service.settings, service)

    async def burst_and_probe() -> tuple[list[httpx.Response], list[int]]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test", timeout=60) as client:
            burst = asyncio.ensure_future(_burst(app, 12))
            await asyncio.sleep(0.1)  # the pool is full now; operations endpoints still answer at once
            probes = [(await client.get(p)).status_code for p in ("/healthz", "/readyz", "/metrics")]
            return await burst, probes

    responses, probes = asyncio.run(burst_and_probe())
    assert probes == [200, 200, 200]
    statuses = sorted(r.status_code for r in responses)
    assert set(statuses) == {200, 503}, statuses
    assert statuses.count(200) >= 3  # the one running and the two queued are served
    for r in responses:
        if r.status_code == 503:
            assert r.headers["retry-after"] == "1" and "busy" in r.json()["detail"]
    limiter = app.state.limiter
    assert (limiter.running, limiter.waiting) == (0, 0) and limiter.rejected == statuses.count(503)
    again = asyncio.run(_burst(app, 1))  # healthy afterwards
    assert again[0].status_code == 200


def test_a_request_past_its_timeout_gets_504_and_its_slot_is_freed_when_the_work_ends(slow_service) -> None:
    service = slow_service(1.5, work_slots=1, request_timeout_s=0.4)
    app = create_app(service.settings, service)

    async def scenario() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test", timeout=60) as client:
            started = time.monotonic()
            response = await client.post("/v1/ask", json={"question": QUESTION + " slow"})
            assert response.status_code == 504 and "longer than 0.4 s" in response.json()["detail"]
            assert time.monotonic() - started < 1.4  # answered before the work itself could finish
            assert app.state.limiter.running == 1  # the thread still runs: its slot is still taken
            for _ in range(100):
                if app.state.limiter.running == 0:
                    break
                await asyncio.sleep(0.05)
            assert app.state.limiter.running == 0

    asyncio.run(scenario())


def test_a_client_that_disconnects_mid_stream_frees_its_work(make_service, seed_index_dir: Path) -> None:
    from fastapi.responses import StreamingResponse

    service = make_service(copy_seed_from=seed_index_dir, work_slots=1)
    app = create_app(service.settings, service)
    produced: list[int] = []
    stopped = threading.Event()

    async def slow_stream():  # stands in for a streamed chat answer
        try:
            for i in range(200):
                produced.append(i)
                yield f"data: chunk {i}\n\n".encode()
                await asyncio.sleep(0.05)
        finally:
            stopped.set()

    app.add_api_route("/v1/test-stream", lambda: StreamingResponse(slow_stream(), media_type="text/event-stream"),
                      include_in_schema=False)
    with live_server(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        with client.stream("GET", "/v1/test-stream") as response:
            assert response.status_code == 200
            next(response.iter_bytes())
        assert stopped.wait(10), "the stream kept running after the client left"
        count = len(produced)
        time.sleep(0.3)
        assert len(produced) == count < 200
        for _ in range(100):
            if app.state.limiter.running == 0:
                break
            time.sleep(0.05)
        assert app.state.limiter.running == 0
        assert client.post("/v1/search", json={"query": "border"}).status_code == 200  # the slot is free again


def test_a_busy_index_answers_503_with_retry_after(seed_service) -> None:
    from rag.errors import IndexBusyError

    app = create_app(seed_service.settings, seed_service)

    def write() -> None:  # stands in for any write endpoint meeting another process's lock
        raise IndexBusyError("the index at x is busy: another process is writing to it")

    app.add_api_route("/v1/test-write", write, methods=["POST"], include_in_schema=False)
    with TestClient(app) as client:
        response = client.post("/v1/test-write")
    assert response.status_code == 503 and response.headers["retry-after"] == "1"
    assert "busy" in response.json()["error"]["message"]

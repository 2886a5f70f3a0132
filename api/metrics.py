"""Prometheus metrics of one app: request counts and latencies by route, pipeline stage latencies, index size.

Each app gets its own registry (several apps can live in one test process). Stage latencies come from
the `timings_ms` that the library reports in ask/search responses (see api/middleware.py).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from rag.errors import IndexUnavailableError
from rag.service import RagService

from .limits import WorkLimiter

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class _StateCollector(Collector):
    """Gauges read at scrape time: the generation being served and the work pool's state."""

    def __init__(self, service: RagService, limiter: WorkLimiter) -> None:
        self.service = service
        self.limiter = limiter

    def collect(self) -> Iterator[GaugeMetricFamily]:
        manifest = None
        if self.service.is_warm:
            with contextlib.suppress(IndexUnavailableError):  # a scrape still reports the rest; /readyz says why
                manifest = self.service.index.state()
        if manifest is not None:
            for name, value, text in (
                ("rag_index_documents", manifest.documents, "Documents in the index generation being served."),
                ("rag_index_passages", manifest.passages, "Passages in the index generation being served."),
                ("rag_index_generation", manifest.generation, "The index generation being served."),
            ):
                yield GaugeMetricFamily(name, text, value=value)
        yield GaugeMetricFamily("rag_work_running", "Requests holding a work slot.", value=self.limiter.running)
        yield GaugeMetricFamily("rag_work_waiting", "Requests waiting for a work slot.", value=self.limiter.waiting)
        yield GaugeMetricFamily("rag_work_slots", "Work slots (requests run at once).", value=self.limiter.slots)
        yield GaugeMetricFamily("rag_work_rejected", "Requests turned away with 503 so far.",
                                value=self.limiter.rejected)
        yield GaugeMetricFamily("rag_work_timed_out", "Requests that ran out of time so far.",
                                value=self.limiter.timed_out)


class Metrics:
    def __init__(self, service: RagService, limiter: WorkLimiter) -> None:
        disable_created_metrics()  # the *_created series only add noise to a scrape
        self.registry = CollectorRegistry()
        self.requests = Counter("rag_http_requests", "HTTP requests by route and status.",
                                ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram("rag_http_request_duration_seconds", "HTTP request latency by route.",
                                 ["method", "route"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.stages = Histogram("rag_stage_duration_seconds", "Latency of pipeline stages (from timings_ms).",
                                ["route", "stage"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.registry.register(_StateCollector(service, limiter))

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def observe_stages(self, route: str, timings_ms: dict) -> None:
        for stage, ms in timings_ms.items():
            if isinstance(ms, int | float) and not isinstance(ms, bool):
                self.stages.labels(route, str(stage)[:40]).observe(float(ms) / 1000.0)

    def render(self) -> bytes:
        return generate_latest(self.registry)

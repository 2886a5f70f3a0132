"""The HTTP-overhead benchmark: a stubbed server in a child process answers, and the round trips are timed."""

from __future__ import annotations

from evals.bench import http_overhead


def test_the_stubbed_server_answers_and_each_round_trip_is_timed() -> None:
    result = http_overhead.measure(20)
    assert result["requests"] == 20
    for name in ("ask_stubbed_ms", "healthz_ms"):
        assert 0 < result[name]["p50"] <= result[name]["p95"]

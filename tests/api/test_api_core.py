"""The core HTTP API: ask and search over the seed index, and 4xx (never 500) for bad requests."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tests.conftest import SEED_FILE


@pytest.fixture(scope="module")
def client(seed_service) -> Iterator[TestClient]:
    with TestClient(create_app(service=seed_service)) as test_client:
        yield test_client


def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_ask_quotes_the_answer_with_an_exact_span(client):
    body = client.post("/v1/ask", json={"question": "How long did the ministers meet?"}).json()
    assert body["abstained"] is False
    assert "approximately 50 minutes" in body["answer"]
    assert body["short_answer"] == "approximately 50 minutes" and body["answer"].startswith("approximately 50 minutes — ")
    text = SEED_FILE.read_text(encoding="utf-8")
    for citation in body["citations"]:
        assert text[citation["start"] : citation["end"]] == citation["text"]
        assert {"doc_id", "source", "title", "score"} <= citation.keys()
    assert {"embed_query", "dense_search", "keyword_search", "answer", "total"} <= body["timings_ms"].keys()


def test_ask_abstains_on_questions_the_documents_do_not_answer(client):
    body = client.post("/v1/ask", json={"question": "What is the recipe for apple pie?"}).json()
    assert body["abstained"] is True and body["citations"] == [] and body["short_answer"] is None


def test_search_returns_ranked_passages_with_spans(client):
    body = client.post("/v1/search", json={"query": "Security Council reform", "top_k": 2}).json()
    assert len(body["hits"]) == 2
    assert body["hits"][0]["score"] >= body["hits"][1]["score"]
    text = SEED_FILE.read_text(encoding="utf-8")
    assert all(text[h["start"] : h["end"]] == h["text"] for h in body["hits"])
    assert "Security Council" in body["hits"][0]["text"]
    timings = body["timings_ms"]  # the wall time, which is at least each stage (they may overlap)
    assert timings["total"] >= max(timings["dense_search"], timings["keyword_search"], timings["fusion"])


@pytest.mark.parametrize(("path", "payload"), [("/v1/ask", {"question": "How long did the ministers meet?"}),
                                               ("/v1/search", {"query": "border demarcation"})])
def test_ask_and_search_make_one_worker_thread_round_trip(client, monkeypatch, path, payload):
    # The work runs in a worker thread; resolving the service and validating the response need none (each round
    # trip costs about 0.1-0.2 ms of a request on two busy cores).
    import anyio.to_thread

    calls: list[str] = []
    run_sync = anyio.to_thread.run_sync

    async def counted(func, *args, **kwargs):  # noqa: ANN001, ANN202 - anyio's own signature
        calls.append(getattr(func, "__qualname__", repr(func)))
        return await run_sync(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    assert client.post(path, json=payload).status_code == 200
    assert len(calls) == 1, calls


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("/v1/ask", {}),
        ("/v1/ask", {"question": ""}),
        ("/v1/ask", {"question": "   "}),
        ("/v1/ask", {"question": 42}),
        ("/v1/ask", {"question": "ok", "top_k": 0}),
        ("/v1/ask", {"question": "ok", "top_k": "many"}),
        ("/v1/ask", {"question": "x" * 3000}),
        ("/v1/search", {"query": "ok", "top_k": 500}),
        ("/v1/search", {"query": ["a list"]}),
    ],
)
def test_bad_requests_get_a_4xx_with_a_message(client, path, payload):
    response = client.post(path, json=payload)
    assert 400 <= response.status_code < 500
    assert response.json()["error"]["message"]


def test_invalid_json_is_a_4xx_not_a_500(client):
    response = client.post("/v1/ask", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert "invalid request" in response.json()["error"]["message"]


def test_unknown_document_filter_is_404(client):
    response = client.post("/v1/ask", json={"question": "Who met?", "doc_ids": ["nope"]})
    assert response.status_code == 404
    assert "nope" in response.json()["error"]["message"]

"""`/v1/models` and `/v1/chat/completions` in-process: wire format, citations, streaming, OpenAI-style errors."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from api.app import create_app

QUESTION = "How long did the ministers meet?"


@pytest.fixture(scope="module")
def client(seed_service):
    with TestClient(create_app(seed_service.settings, seed_service)) as c:
        yield c


def _chat(client, **body):
    return client.post("/v1/chat/completions",
                       json={"model": "rag-cited", "messages": [{"role": "user", "content": QUESTION}], **body})


def _events(response) -> list[dict | str]:
    out: list[dict | str] = []
    for block in response.text.split("\n\n"):
        if block.startswith("data: "):
            data = block[len("data: "):]
            out.append(data if data == "[DONE]" else json.loads(data))
    return out


def test_models_lists_the_answering_modes(client):
    body = client.get("/v1/models").json()
    assert body["object"] == "list"
    assert [m["id"] for m in body["data"]] == ["rag-cited", "rag-cited-extractive"]
    assert client.get("/v1/models/rag-cited").json()["id"] == "rag-cited"
    assert client.get("/v1/models/gpt-4").status_code == 404


def test_a_completion_quotes_its_sources_inline_and_as_data(client, seed_service):
    response = _chat(client, temperature=0.3, user="someone", unknown_field={"x": 1})  # unknown fields ignored
    assert response.status_code == 200
    body = response.json()
    assert body["object"] == "chat.completion" and body["id"].startswith("chatcmpl-")
    choice = body["choices"][0]
    assert choice["finish_reason"] == "stop" and choice["message"]["role"] == "assistant"
    content = choice["message"]["content"]
    assert "50 minutes" in content and "[1]" in content
    answer, sources = content.split("\n\nSources:\n")
    citations = body["citations"]
    assert citations and body["rag"]["mode"] == "extractive" and body["rag"]["fallback_reason"] is None
    short = body["rag"]["short_answer"]  # the phrase the answer leads with
    assert "50 minutes" in short and answer.startswith(f"{short} — ")
    for c in citations:
        assert seed_service.index.store.document_text(c["doc_id"])[c["start"]:c["end"]] == c["text"]
        assert f"[{c['number']}]" in answer
        assert f"[{c['number']}] \"" in sources and c["title"] in sources
    usage = body["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"] > 0


def test_a_stream_sends_chunks_then_citations_then_done(client):
    whole = _chat(client).json()
    response = _chat(client, stream=True, stream_options={"include_usage": True})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
    events = _events(response)
    assert events[-1] == "[DONE]"
    chunks = events[:-1]
    assert all(e["object"] == "chat.completion.chunk" for e in chunks)
    assert len({e["id"] for e in chunks}) == 1
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    content = "".join(e["choices"][0]["delta"].get("content", "") for e in chunks if e["choices"])
    assert content == whole["choices"][0]["message"]["content"]
    final = [e for e in chunks if e["choices"] and e["choices"][0]["finish_reason"] == "stop"]
    assert len(final) == 1 and final[0]["citations"] == whole["citations"]
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["completion_tokens"] > 0


def test_a_stream_without_usage_option_has_no_usage_chunk(client):
    chunks = _events(_chat(client, stream=True))[:-1]
    assert all(e["choices"] and "usage" not in e for e in chunks)


def test_a_follow_up_is_answered_in_context(client):
    messages = [{"role": "user", "content": "What kind of subcommittee did Ivanov propose convening?"},
                {"role": "assistant", "content": "A subcommittee on border demarcation [1]."},
                {"role": "user", "content": [{"type": "text", "text": "And when will that happen?"}]}]
    body = client.post("/v1/chat/completions", json={"model": "rag-cited", "messages": messages}).json()
    assert "mid-October" in body["choices"][0]["message"]["content"]
    alone = client.post("/v1/chat/completions", json={"model": "rag-cited", "messages": messages[-1:]}).json()
    assert alone["rag"]["abstained"] and not alone["citations"]


def test_an_abstention_has_no_sources(client):
    body = client.post("/v1/chat/completions", json={"model": "rag-cited-extractive", "messages": [
        {"role": "user", "content": "What is the recipe for sourdough bread?"}]}).json()
    assert body["rag"]["abstained"] and body["citations"] == []
    assert "Sources" not in body["choices"][0]["message"]["content"]


@pytest.mark.parametrize("body, status, param", [
    ({"model": "gpt-4", "messages": [{"role": "user", "content": "hi"}]}, 404, "model"),
    ({"model": "rag-cited", "messages": []}, 400, "messages"),
    ({"messages": [{"role": "user", "content": "hi"}]}, 400, "model"),
    ({"model": "rag-cited", "messages": [{"role": "assistant", "content": "hi"}]}, 400, None),
    ({"model": "rag-cited", "messages": [{"role": "user", "content": "   "}]}, 400, None),
    ({"model": "rag-cited", "messages": [{"role": "user", "content": "x" * 3000}]}, 400, None),
    ({"model": "rag-cited", "messages": [{"role": "user", "content": "hi"}], "n": 2}, 400, "n"),
    ({"model": "rag-cited", "messages": [{"role": "user", "content": "hi"}], "doc_ids": ["nope"]}, 404, None),
    ({"model": "rag-cited", "stream": True, "messages": [{"role": "user"}]}, 400, None),
])
def test_invalid_requests_get_openai_error_objects(client, body, status, param):
    response = client.post("/v1/chat/completions", json=body)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["message"] and error["type"] == "invalid_request_error"
    if param:
        assert error["param"] == param


def test_a_body_that_is_not_json_is_a_bad_request(client):
    response = client.post("/v1/chat/completions", content=b"{oops", headers={"content-type": "application/json"})
    assert response.status_code == 400 and response.json()["error"]["type"] == "invalid_request_error"


def test_a_body_that_is_not_text_is_a_bad_request_in_the_openai_shape(client):
    response = client.post("/v1/chat/completions", content=b"\x0f\xff\xfe", headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json() == {"error": {"message": "invalid request: There was an error parsing the body",
                                         "type": "invalid_request_error", "param": None, "code": None}}


def test_a_busy_index_is_a_503_with_retry_after(client, seed_service, monkeypatch):
    from rag.errors import IndexBusyError

    async def busy(*args, **kwargs):
        raise IndexBusyError("the index at x is busy: another process is writing to it")
        yield  # an async generator, like the real one

    monkeypatch.setattr(seed_service, "chat_stream", busy)
    response = _chat(client)
    assert response.status_code == 503 and response.headers["retry-after"] == "1"
    assert "busy" in response.json()["error"]["message"]


@pytest.mark.parametrize("question", [QUESTION, "Who represented Russia at the meeting?",
                                      "What became of the Russian offer of support for the flooding?",
                                      "Which Japanese foreign minister took part in these talks?"])
def test_extractive_chat_and_ask_read_the_same_passages_and_answer_alike(client, question):
    # top_k 1: only one passage is shown, but both read the same wider set of candidates for the answer.
    ask = client.post("/v1/ask", json={"question": question, "top_k": 1}).json()
    chat = client.post("/v1/chat/completions", json={
        "model": "rag-cited-extractive", "messages": [{"role": "user", "content": question}], "top_k": 1}).json()
    assert chat["choices"][0]["message"]["content"].split("\n\nSources:\n")[0] == ask["answer"]
    spans = [(c["doc_id"], c["start"], c["end"], c["text"]) for c in chat["citations"]]
    assert spans == [(c["doc_id"], c["start"], c["end"], c["text"]) for c in ask["citations"]] and spans


def test_extractive_chat_shows_top_k_passages_though_it_reads_more(seed_service):
    import asyncio

    from rag.conversation import Message

    generation = asyncio.run(seed_service.chat([Message("user", QUESTION)], top_k=1, use_llm=False))
    assert len(generation.passages) == 1 and "50 minutes" in generation.answer.text

"""The official `openai` SDK, unmodified, against the app served by uvicorn on a loopback port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from api.app import create_app
from api.live_server import live_server
from rag.config import Settings
from rag.service import RagService

openai = pytest.importorskip("openai")
QUESTION = "How long did the ministers meet?"


def _serve(seed_index_dir, embedder, **settings) -> Iterator[str]:
    service = RagService(Settings(index_dir=seed_index_dir, **settings), embedder=embedder)
    service.warm_up(create=False)
    try:
        with live_server(create_app(service.settings, service)) as url:
            yield f"{url}/v1"
    finally:
        service.close()


@pytest.fixture(scope="module")
def sdk(seed_index_dir, embedder):
    for url in _serve(seed_index_dir, embedder):
        yield openai.OpenAI(base_url=url, api_key="unused", max_retries=0, timeout=60)


@pytest.fixture(scope="module")
def llm_sdk(seed_index_dir, embedder, llm_base_url):
    for url in _serve(seed_index_dir, embedder, llm_base_url=llm_base_url, llm_max_passages=2,
                      llm_max_tokens=40, llm_timeout_s=120.0):
        yield openai.OpenAI(base_url=url, api_key="unused", max_retries=0, timeout=300)


def test_sdk_lists_models(sdk):
    assert [m.id for m in sdk.models.list()] == ["rag-cited", "rag-cited-extractive"]


def test_sdk_gets_a_grounded_answer_with_citations(sdk, seed_service):
    completion = sdk.chat.completions.create(model="rag-cited", messages=[{"role": "user", "content": QUESTION}])
    content = completion.choices[0].message.content
    assert "50 minutes" in content and "[1]" in content and "\n\nSources:\n[1] \"" in content
    assert completion.usage.total_tokens > 0
    citations = completion.model_extra["citations"]
    assert citations
    for c in citations:
        assert seed_service.index.store.document_text(c["doc_id"])[c["start"]:c["end"]] == c["text"]


def test_sdk_streams_the_same_answer_with_citations_on_the_last_chunk(sdk):
    whole = sdk.chat.completions.create(model="rag-cited", messages=[{"role": "user", "content": QUESTION}])
    stream = sdk.chat.completions.create(model="rag-cited", messages=[{"role": "user", "content": QUESTION}],
                                         stream=True, stream_options={"include_usage": True})
    chunks = list(stream)
    content = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert content == whole.choices[0].message.content
    final = [c for c in chunks if c.choices and c.choices[0].finish_reason == "stop"]
    assert len(final) == 1 and final[0].model_extra["citations"] == whole.model_extra["citations"]
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens > 0


def test_sdk_follow_up_with_history(sdk):
    completion = sdk.chat.completions.create(model="rag-cited-extractive", messages=[
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": "What kind of subcommittee did Ivanov propose convening?"},
        {"role": "assistant", "content": "A subcommittee on border demarcation [1]."},
        {"role": "user", "content": "And when will that happen?"}], extra_body={"top_k": 3, "not_a_field": 1})
    assert "mid-October" in completion.choices[0].message.content


def test_sdk_raises_its_own_errors_for_bad_requests(sdk):
    with pytest.raises(openai.NotFoundError):
        sdk.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": QUESTION}])
    with pytest.raises(openai.BadRequestError, match="last message"):
        sdk.chat.completions.create(model="rag-cited", messages=[{"role": "assistant", "content": QUESTION}])


def test_sdk_streams_llm_tokens_from_the_real_local_model(llm_sdk):
    stream = llm_sdk.chat.completions.create(model="rag-cited", stream=True, messages=[
        {"role": "user", "content": "Where would the subcommittee on border demarcation meet? "
                                    "Quote the passage with its number in brackets."}])
    chunks = list(stream)
    pieces = [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content]
    assert len(pieces) > 3, "the LLM's tokens should arrive as separate chunks"
    final = chunks[-1]
    assert final.choices[0].finish_reason == "stop"
    rag = final.model_extra["rag"]
    assert rag["mode"] in ("llm", "extractive")
    assert rag["mode"] == "llm" or rag["fallback_reason"]
    assert final.model_extra["citations"]

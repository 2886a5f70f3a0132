"""The question's vector: a question typed without its question mark is embedded as the same question with one."""

from __future__ import annotations

import numpy as np

from rag.retrieve import Retriever


class _RecordingEmbedder:
    dimension = 3

    def __init__(self) -> None:
        self.texts: list[str] = []

    def encode(self, texts):
        self.texts.extend(texts)
        return np.ones((len(texts), 3), dtype=np.float32)


def _embedded(*queries: str) -> list[str]:
    embedder = _RecordingEmbedder()
    retriever = Retriever(index=object(), embedder=embedder)
    for query in queries:
        retriever.embed_query(query)
    return embedder.texts


def test_a_question_without_its_mark_is_embedded_with_it_once():
    assert _embedded("how long did the meeting last", "how long did the meeting last?") == \
        ["how long did the meeting last?"]  # the second is the first, from the cache
    assert _embedded("on which dates did Putin visit Japan ") == ["on which dates did Putin visit Japan?"]


def test_keywords_and_statements_are_embedded_as_typed():
    assert _embedded("kono ivanov meeting length", "Tell me about the flooding") == \
        ["kono ivanov meeting length", "Tell me about the flooding"]

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


_HISTORY = "\n\n".join(
    f"## Revision {n}\n\nRevision {n} of the field rules was released on {day} March 199{n} after a long review "
    f"by the committee, which published its notes on the {topic} rules and released them to the members."
    for n, (day, topic) in enumerate((("3", "fence"), ("9", "gate"), ("12", "ditch"), ("20", "hedge"), ("25", "wall"),
                                      ("28", "path"), ("30", "field"), ("31", "barn")), start=1))
_STANDARD = ("# Field Standard\n\nThe Field Workgroup\n\nVersion 3.0\n\nPublication date April 2, 2015\n\n"
             "This standard sets the rules for fences, gates and ditches.\n\n" + _HISTORY)


def test_asked_about_a_document_itself_its_first_passage_is_read(make_service, tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "field-standard.md").write_text(_STANDARD, encoding="utf-8")
    service = make_service()
    service.ingest_paths([tmp_path / "docs"])
    question = "When was FS 3.0 published?"  # the title's initials and the verb of its making
    read = service.retriever.search(question, 3)
    assert any(h.passage.ordinal == 0 for h in read)
    answer = service.ask(question, top_k=3)
    assert answer.short_answer == "April 2, 2015", answer.text
    # a question about the revisions is not about the document: its first passage is not added
    read = service.retriever.search("When was revision 5 of the field rules released?", 3)
    assert all(h.passage.ordinal != 0 for h in read)

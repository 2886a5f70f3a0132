"""Helpers of the answer tests: a passage built from its sentences, and a service over one small page."""

from __future__ import annotations

from collections.abc import Iterator

from rag.records import Hit, Passage, ScoredSentence


def hit_of(*parts: tuple[str, str, float], doc: str = "d") -> Hit:
    """A passage of (text before, sentence, similarity) parts: the text before shows the layout (" ", "\\n", "\\n\\n")."""
    text, scored = "", []
    for before, sentence, similarity in parts:
        text += before if text else ""
        scored.append(ScoredSentence(len(text), len(text) + len(sentence), sentence, similarity))
        text += sentence
    return Hit(Passage(doc, 0, len(text), text, 0), 1.0, sentences=scored)


def overlaps(question: str, *sentences: str) -> dict[str, float]:
    """The `overlap` feature the answerer gives each sentence of a one-paragraph passage, by sentence text."""
    from rag.answer import AnswerConfig, ExtractiveAnswerer

    hit = hit_of(*((" " if i else "", text, 0.5) for i, text in enumerate(sentences)))
    return {c.sentence.text: c.features["overlap"]
            for c in ExtractiveAnswerer(AnswerConfig(threshold=0.0)).score_sentences(question, [hit])}


def page_service(embedder, tmp_path_factory, page: str, name: str) -> Iterator[object]:
    """A service whose index holds the one HTML `page` (for a module-scoped fixture to yield from)."""
    from rag.config import Settings
    from rag.load import load_bytes
    from rag.service import RagService

    service = RagService(Settings(index_dir=tmp_path_factory.mktemp(f"{name}-index")), embedder=embedder)
    service.warm_up()
    service.ingest_documents([load_bytes(page.encode(), f"{name}.html")])
    yield service
    service.close()


def answered(service, question: str):
    """The answer to a question the page answers: not abstained, every citation an exact span."""
    answer = service.ask(question)
    assert not answer.abstained, question
    for c in answer.citations:
        assert service.document(c.doc_id)[1][c.start : c.end] == c.text
    return answer

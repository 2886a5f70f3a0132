"""Questions about a document's outline: a topic by its position, how many topics there are."""

from __future__ import annotations

import pytest

from rag.answer_outline import OutlineQuestion, asked_outline, outline_answer, topics
from rag.records import Passage


@pytest.mark.parametrize(("question", "asked"), [
    ("What was the second topic of the meeting?", OutlineQuestion(2)),
    ("What was the first subject discussed?", OutlineQuestion(1)),
    ("What was the last item on the agenda?", OutlineQuestion(-1)),
    ("What is the 3rd topic?", OutlineQuestion(3)),
    ("How many topics were discussed?", OutlineQuestion(None)),
    ("How many numbered topics does the outline cover?", OutlineQuestion(None)),
    ("How many sections does the report have?", OutlineQuestion(None)),
    # a section or a chapter of something else than the document asked about
    ("What does the second section of a control file hold?", None),
    ("How many chapters does the manual have?", None),
    ("What was the second request Ivanov made?", None),
])
def test_what_an_outline_question_asks(question, asked):
    assert asked_outline(question) == asked


_TITLE = "Outline of the Meeting"


def _document() -> tuple[str, list[Passage]]:
    parts = [(_TITLE, f"{_TITLE}\n\n15 September\n\n"),
             (f"{_TITLE} > 1. Appraisal of the visit", "1. Appraisal of the visit\n\nThe visit was a success. "),
             (f"{_TITLE} > 1. Appraisal of the visit", "An issue remained.\n\n"),
             (f"{_TITLE} > 2. Reform of the United Nations", "2. Reform of the United Nations\n\nKono spoke.\n\n"),
             (f"{_TITLE} > 3. Leaks of documents", "3. Leaks of documents\n\nKono regretted it.")]
    text, passages = "", []
    for ordinal, (context, body) in enumerate(parts):
        passages.append(Passage("d", len(text), len(text) + len(body), body, ordinal, context))
        text += body
    return text, passages


def test_the_topics_are_the_sections_under_the_title_in_the_order_of_the_text():
    text, passages = _document()
    found = topics(list(reversed(passages)))
    assert [t.heading for t in found] == ["1. Appraisal of the visit", "2. Reform of the United Nations",
                                          "3. Leaks of documents"]
    assert all(text[t.start : t.end] == t.text == t.heading for t in found)


def test_a_topic_by_its_position_is_its_heading_quoted():
    text, passages = _document()
    answer = outline_answer("What was the second topic?", OutlineQuestion(2), passages, "m.txt", _TITLE)
    assert answer.short_answer == "Reform of the United Nations"
    assert [c.text for c in answer.citations] == ["2. Reform of the United Nations"]
    last = outline_answer("And the last one?", OutlineQuestion(-1), passages, "m.txt", _TITLE)
    assert last.citations[0].text == "3. Leaks of documents"
    for c in answer.citations + last.citations:
        assert text[c.start : c.end] == c.text


def test_how_many_topics_counts_them_and_cites_each_heading():
    text, passages = _document()
    answer = outline_answer("How many topics were discussed?", OutlineQuestion(None), passages, "m.txt", _TITLE)
    assert answer.short_answer == "3" and len(answer.citations) == 3
    assert answer.text.startswith("3 — 1. Appraisal of the visit [1]")


def test_a_position_past_the_last_topic_abstains_and_a_document_without_topics_is_left_to_the_sentences():
    _, passages = _document()
    assert outline_answer("What was the fifth topic?", OutlineQuestion(5), passages, "m.txt", _TITLE).abstained
    flat = [Passage("d", 0, 20, "No headings at all.", 0, "")]
    assert outline_answer("How many topics?", OutlineQuestion(None), flat, "f.txt", "f") is None


def test_a_heading_the_text_spells_otherwise_ends_the_outline():
    _, passages = _document()
    renamed = [p if "Reform" not in p.context else Passage(p.doc_id, p.start, p.end, p.text, p.ordinal,
                                                           f"{_TITLE} > 2. Reform of the UN") for p in passages]
    assert [t.heading for t in topics(renamed)] == ["1. Appraisal of the visit"]


def test_the_seed_outline_answers_through_the_service(seed_service):
    answer = seed_service.ask("What was the second topic of the meeting?")
    assert answer.short_answer == "Reform of the United Nations"
    answer = seed_service.ask("How many topics were discussed?")
    assert answer.short_answer == "3"
    for c in answer.citations:
        assert seed_service.document(c.doc_id)[1][c.start : c.end] == c.text
    assert seed_service.ask("What was the fifth topic of the meeting?").abstained

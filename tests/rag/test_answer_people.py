"""A person named by part of their name: who they are, their full name, a part of it."""

from __future__ import annotations

import pytest

from rag.answer import AnswerConfig, ExtractiveAnswerer
from rag.answer_people import (
    AskedName,
    asked_name,
    fullest_name,
    introduction,
    name_part,
    names_of_people,
    without_part_frame,
)
from tests.rag.answer_pages import hit_of

_MEETING = ("For 50 minutes, Minister for Foreign Affairs Yohei Kono met with the Minister of Foreign Affairs of the "
            "Russian Federation Igor Sergeyevich Ivanov, on the occasion of the General Assembly.")


@pytest.mark.parametrize(("question", "asked"), [
    ("Who is Ivanov?", AskedName("who", ("ivanov",))),
    ("who is ivanov", AskedName("who", ("ivanov",))),
    ("Who was Foreign Minister Kono?", AskedName("who", ("kono",))),
    ("What is Ivanov's middle name?", AskedName("middle", ("ivanov",))),
    ("What is the first name of Kono?", AskedName("first", ("kono",))),
    ("What's Igor Ivanov's surname?", AskedName("last", ("igor", "ivanov"))),
    ("What is the full name of Putin?", AskedName("full", ("putin",))),
    ("What is the Russian foreign minister's given name?", AskedName("first", (), "the Russian foreign minister")),
    # a description, not a name: who holds the role is for the name questions' own rules
    ("Who is the Russian foreign minister?", None),
    ("What is the name of the function that parses dates?", None),
])
def test_the_person_and_the_part_of_the_name_asked(question, asked):
    assert asked_name(question) == asked


def test_a_part_of_a_described_persons_name_is_asked_as_the_whole_name():
    assert without_part_frame("What is the Russian foreign minister's first name?") == \
        "What is the full name of the Russian foreign minister?"
    assert without_part_frame("What is Ivanov's first name?") == "What is Ivanov's first name?"  # named: kept
    assert without_part_frame("Who is Ivanov?") == "Who is Ivanov?"


def test_names_of_people_drop_the_titles_and_bodies_before_them():
    assert [name for _, _, name in names_of_people(_MEETING)] == ["Yohei Kono", "Igor Sergeyevich Ivanov"]
    start, end, name = list(names_of_people(_MEETING))[1]
    assert _MEETING[start:end] == name
    # a possessive is not part of the name, and a body is no person
    assert [n for _, _, n in names_of_people("President Vladimir Putin's visit to the United Nations")] == \
        ["Vladimir Putin"]


def test_the_fullest_name_holds_the_asked_words_in_order():
    texts = ["Foreign Minister Ivanov noted it.", _MEETING]
    assert fullest_name(("ivanov",), texts) == "Igor Sergeyevich Ivanov"
    assert fullest_name(("igor", "ivanov"), texts) == "Igor Sergeyevich Ivanov"
    assert fullest_name(("ivanov", "igor"), texts) is None  # not in that order
    assert fullest_name(("putin",), texts) is None
    # words typed in lower case that are no one's name find no one ("Who is responsible for the release?")
    assert fullest_name(("responsible", "for", "the", "release"), texts) is None


@pytest.mark.parametrize(("part", "answer"), [
    ("full", "Igor Sergeyevich Ivanov"), ("first", "Igor"), ("middle", "Sergeyevich"), ("last", "Ivanov"),
])
def test_a_part_of_a_full_name(part, answer):
    assert name_part("Igor Sergeyevich Ivanov", part) == answer


def test_a_name_of_two_words_has_no_middle_name():
    assert name_part("Yohei Kono", "middle") is None
    assert name_part("Kono", "first") is None


def test_the_introduction_is_the_office_written_before_the_name():
    assert introduction(_MEETING, "Igor Sergeyevich Ivanov") == \
        "the Minister of Foreign Affairs of the Russian Federation Igor Sergeyevich Ivanov"
    assert introduction(_MEETING, "Yohei Kono") == "Minister for Foreign Affairs Yohei Kono"
    # the run starts at the office, not at the capitalised word of a heading in front of it
    assert introduction("1. Appraisal of President Vladimir Putin's visit", "Vladimir Putin") == \
        "President Vladimir Putin"
    assert introduction("The release was made by Guido van Rossum.", "Guido van Rossum") is None


def _meeting_and_statements():
    statements = hit_of(("", "2. Statements by Foreign Minister Ivanov in response to the above:", 0.7),
                        ("\n\n", "Foreign Minister Ivanov noted that the Russian side had been satisfied.", 0.6),
                        doc="statements")
    return [statements, hit_of(("", _MEETING, 0.35), doc="meeting")]


@pytest.mark.parametrize(("question", "short"), [
    ("Who is Ivanov?", "the Minister of Foreign Affairs of the Russian Federation Igor Sergeyevich Ivanov"),
    ("What is Ivanov's full name?", "Igor Sergeyevich Ivanov"),
    ("What is Ivanov's middle name?", "Sergeyevich"),
    ("What is the first name of Kono?", "Yohei"),
])
def test_the_sentence_that_introduces_the_person_answers(question, short):
    # The heading and the sentence that name Ivanov resemble the question more; the introduction answers it.
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer(question, _meeting_and_statements())
    assert answer.short_answer == short, answer.text
    assert answer.citations[0].doc_id == "meeting"
    assert answer.question == question


def test_a_part_of_the_name_the_documents_do_not_give_abstains():
    answerer = ExtractiveAnswerer(AnswerConfig(threshold=0.3))
    assert answerer.answer("What is Kono's middle name?", _meeting_and_statements()).abstained
    assert not answerer.answer("What is Kono's first name?", _meeting_and_statements()).abstained


def test_a_part_of_a_described_persons_name(seed_service):
    for question, short in (("What is the first name of the Russian foreign minister?", "Igor"),
                            ("What is the Russian foreign minister's surname?", "Ivanov"),
                            ("Who is Kono?", "Minister for Foreign Affairs Yohei Kono"),
                            ("What is Putin's first name?", "Vladimir")):
        answer = seed_service.ask(question)
        assert answer.short_answer == short, (question, answer.text)
        for c in answer.citations:
            assert seed_service.document(c.doc_id)[1][c.start : c.end] == c.text


def test_a_who_question_about_no_ones_name_keeps_the_answer_the_quote_gives(seed_service):
    # "the author of this document" is no person's name: the line under the title answers, as for "Who wrote it?"
    assert asked_name("who is the author of this document") is None
    answer = seed_service.ask("Who is the author of this document?")
    assert answer.short_answer == "Ministry of Foreign Affairs", answer.text

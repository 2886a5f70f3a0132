"""Signals past a sentence's own words: the heading of its section, and the sentence it leans on."""

from __future__ import annotations

import pytest

from rag.answer import AnswerConfig, ExtractiveAnswerer
from rag.answer_signals import (
    asked_speaker,
    asked_thing_text,
    asks_about_document,
    described_thing,
    describes,
    front_matter,
    heading_overlap,
    section_heading,
    speakers,
)
from rag.answer_weights import HAND_WEIGHTS, SentenceWeights
from rag.records import Hit, Passage, ScoredSentence
from rag.terms import content_stems
from tests.rag.answer_pages import hit_of


def _hit(*sentences: tuple[str, float], context: str = "", doc: str = "d", sep: str = " ") -> Hit:
    text, scored = "", []
    for sentence, similarity in sentences:
        start = len(text) + (len(sep) if text else 0)
        text = f"{text}{sep}{sentence}" if text else sentence
        scored.append(ScoredSentence(start, len(text), sentence, similarity))
    return Hit(Passage(doc, 0, len(text), text, 0, context=context), 1.0, sentences=scored)


def test_the_section_heading_is_the_innermost_part_of_the_context():
    assert section_heading("Timers > Class: Timeout > timeout.unref()") == "timeout.unref()"
    assert section_heading("Only a title") == "Only a title"
    assert section_heading("") == ""


def test_heading_overlap_is_the_share_of_question_words_in_the_sentences_own_section():
    terms = content_stems("What does timeout.unref() do?")
    assert heading_overlap(terms, "Timers > Class: Timeout > `timeout.unref()`") == pytest.approx(1.0)
    # The chapter above names the class, the section another method: half the question's words.
    assert heading_overlap(terms, "Timers > Class: Timeout > `timeout.ref()`") == pytest.approx(0.5)
    assert heading_overlap(frozenset(), "Timers") == 0.0


def test_a_sentence_under_the_asked_entrys_heading_beats_one_under_its_neighbours():
    question = "What does the flush method do?"
    # Both sections are in a chapter that names the method (the word overlap counts the whole chain alike); only
    # the innermost heading tells them apart.
    neighbour = _hit(("Buffers are written out when the stream closes.", 0.60), context="Flushing > close()", doc="a")
    asked = _hit(("Writes out every buffered record at once.", 0.58), context="Flushing > flush()", doc="b")
    scored = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).score_sentences(question, [neighbour, asked])
    assert scored[0].sentence.text.startswith("Writes out")
    assert scored[0].features["heading_overlap"] == pytest.approx(0.5) and scored[1].features["heading_overlap"] == 0.0
    # Without the signal the neighbour's higher similarity wins: the heading is what decides.
    blind = SentenceWeights({**HAND_WEIGHTS, "heading_overlap": 0.0})
    scored = ExtractiveAnswerer(AnswerConfig(threshold=0.0, weights=blind)).score_sentences(question, [neighbour, asked])
    assert scored[0].sentence.text.startswith("Buffers")


def test_a_sentence_that_leans_on_a_matching_one_carries_its_similarity():
    hit = _hit(("The function seq() generates sequences of numbers.", 0.70), ("It has five arguments.", 0.45),
               ("Sequences are vectors too.", 0.50))
    scored = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).score_sentences("How many arguments does seq() have?",
                                                                             [hit])
    by_text = {c.sentence.text: c.features for c in scored}
    assert by_text["It has five arguments."]["continues_match"] == pytest.approx(0.70)
    assert "continues_match" not in by_text["Sequences are vectors too."]  # stands on its own
    assert "continues_match" not in by_text["The function seq() generates sequences of numbers."]  # the first


def test_a_sentence_cut_by_a_line_break_leans_on_its_first_half_but_not_across_a_paragraph():
    line_cut = _hit(("If you need it, set them up to use the", 0.6), ("relay which is easy to set up.", 0.4), sep="\n")
    paragraph = _hit(("Set them up to use the relay.", 0.6), ("relay which is easy to set up.", 0.4), sep="\n\n")
    answerer = ExtractiveAnswerer(AnswerConfig(threshold=0.0))
    cut = {c.sentence.text: c.features for c in answerer.score_sentences("Which relay is easy?", [line_cut])}
    apart = {c.sentence.text: c.features for c in answerer.score_sentences("Which relay is easy?", [paragraph])}
    assert cut["relay which is easy to set up."]["continues_match"] == pytest.approx(0.6)
    assert "continues_match" not in apart["relay which is easy to set up."]


def test_a_sentence_does_not_lean_on_a_heading_above_it_nor_across_a_blank_line():
    heading = _hit(("# pathkit — path helpers", 0.7), ("The pathkit module joins paths.", 0.6), sep="\n")
    new_paragraph = _hit(("This script checks the files.", 0.7), ("The scripts are kept up to date.", 0.6), sep="\n\n")
    same_paragraph = _hit(("This script checks the files.", 0.7), ("The scripts are kept up to date.", 0.6))
    answerer = ExtractiveAnswerer(AnswerConfig(threshold=0.0))

    def features(hit: Hit, question: str) -> dict[str, float]:
        return next(c.features for c in answerer.score_sentences(question, [hit]) if c.position == 1)

    assert "continues_match" not in features(heading, "What does pathkit.join do?")
    assert "continues_match" not in features(new_paragraph, "Where are the scripts kept?")
    assert features(same_paragraph, "Where are the scripts kept?")["continues_match"] == pytest.approx(0.7)


def test_the_person_whose_words_a_question_asks_for():
    assert asked_speaker("What did Ivanov say about the leak incident?") == "ivanov"
    assert asked_speaker("Which agreement did Kono describe as the top priority?") == "kono"
    assert asked_speaker("What does CliRunner use for input?") is None  # no word of speech
    assert asked_speaker("What did the ministers say?") is None  # nobody named
    # a reaction, or the words named by what they are
    assert asked_speaker("How did Ivanov react to the leak?") == "ivanov"
    assert asked_speaker("What was Ivanov's response to Kono's remarks?") == "ivanov"
    assert asked_speaker("What was Putin's visit like?") is None  # a visit is no one's words


def test_a_sentence_speaker_is_named_before_its_verb_or_carried_over_in_its_paragraph():
    hit = hit_of(("", "Foreign Minister Kono stated his deep regret.", 0.5), (" ", "He noted it was regrettable.", 0.5),
                 (" ", "However, it was noted that the issue remained.", 0.5),
                 ("\n\n", "Foreign Minister Ivanov stated that it should not matter.", 0.5),
                 ("\n\n", "The meeting ended at noon.", 0.5))
    assert speakers(hit.sentences, hit.between) == ["kono", "kono", "kono", "ivanov", None]


def test_asked_what_one_person_said_another_persons_words_do_not_answer():
    hit = hit_of(("", "Foreign Minister Kono stated his deep regret about the leak incident.", 0.45),
                 (" ", "He noted that the incident was even more regrettable so soon after the visit.", 0.47),
                 ("\n\n", "Foreign Minister Ivanov stated that this issue should not harm relations.", 0.44))
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer("What did Ivanov say about the leak incident?", [hit])
    assert answer.citations[0].text.startswith("Foreign Minister Ivanov stated"), answer.text


def _minutes():
    return hit_of(("", "Outline of the Pottery Guild Meeting", 0.30), ("\n\n", "3 March 2021", 0.20),
                  ("\n", "Pottery Guild Secretariat", 0.24),
                  ("\n\n", "The guild met for two hours and agreed on a new kiln schedule.", 0.45),
                  (" ", "The next meeting is in May.", 0.40))


def test_questions_about_the_documents_own_making_and_its_front_matter():
    assert asks_about_document("Which government body released this meeting summary?")
    assert asks_about_document("When was the outline published?")
    assert not asks_about_document("When was the kiln schedule agreed?")  # about what it says, not its making
    # its version, and the document named by its title or the title's initials
    assert asks_about_document("Which version of the Filesystem Hierarchy Standard is this?")
    titles = {"Filesystem Hierarchy Standard"}
    assert asks_about_document("When was FHS 3.0 published?", titles)
    assert not asks_about_document("When was FHS 3.0 published?")  # no document read by that name
    assert not asks_about_document("When was /usr/share published?", titles)
    hit = _minutes()
    assert front_matter(hit.sentences, hit.between, first_passage=True) == {1, 2}
    assert front_matter(hit.sentences, hit.between, first_passage=False) == set()


@pytest.mark.parametrize(("question", "line"), [("Who released this outline?", "Pottery Guild Secretariat"),
                                                 ("When was this outline issued?", "3 March 2021")])
def test_asked_who_made_the_document_or_when_its_line_under_the_title_answers(question, line):
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer(question, [_minutes()])
    assert answer.citations[0].text == line, answer.text
    assert answer.text.startswith(line)


@pytest.mark.parametrize(("question", "sentence", "described"), [
    ("What does the next statement do inside an R loop?", "The next statement can be used to skip one cycle.", True),
    # The same construct word with another keyword is about something else.
    ("What does the next statement do inside an R loop?", "The break statement can be used to end any loop.", False),
    ("What does the <<- operator do in R?", "The special assignment operator, <<-, is used to change a value.", True),
    ("What does the <<- operator do in R?", "In most contexts the = operator can be used as an alternative.", False),
    ("What is an R list?", "An R list is an object consisting of an ordered collection of objects.", True),
    # Opening with the thing is not enough: the sentence must go on to say what it does or is.
    ("What does timeout.unref() do?", "Calling timeout.unref() multiple times will have no effect.", False),
    ("Which class parses dates?", "The parser class is used to read dates.", False),  # not a "what does X do"
    # The thing in a phrase of the subject's is not what the sentence is about.
    ("What does the next statement do inside an R loop?", "The use of the next statement is to skip a cycle.", False),
])
def test_a_sentence_describes_the_asked_thing_when_it_opens_with_it_and_says_what_it_does(question, sentence, described):
    from rag.code_keywords import code_keywords

    thing = described_thing(asked_thing_text(question), code_keywords(question))
    assert (thing is not None and describes(sentence, thing)) is described


def test_the_sentence_describing_the_asked_thing_wins_over_a_neighbour_about_another():
    hit = hit_of(("", "The break statement can be used to terminate any loop, possibly abnormally.", 0.70),
                 (" ", "The next statement can be used to discontinue one particular cycle.", 0.62))
    answerer = ExtractiveAnswerer(AnswerConfig(threshold=0.0))
    best = answerer.candidates("What does the next statement do inside an R loop?", [hit])[0]
    assert best.sentence.text.startswith("The next statement"), best.features
    assert best.features.get("describes_asked") == 1.0

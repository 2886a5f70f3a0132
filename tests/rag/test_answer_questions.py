"""Questions in the documents (an FAQ's heading or `<dt>`, a question in a paragraph): the answer is what follows."""

from __future__ import annotations

import pytest

from rag.answer import AnswerConfig, ExtractiveAnswerer
from rag.answer_signals import answered_match, is_question_line, question_lines
from rag.answer_weights import HAND_WEIGHTS, SentenceWeights
from rag.records import Hit
from tests.rag.answer_pages import hit_of


def _asks(hit: Hit) -> set[int]:
    return question_lines(hit.sentences, hit.between)


def test_a_sentence_ending_in_a_question_mark_asks():
    hit = hit_of(("", "Why does it fail with 'aborted'!?", 0.5), ("\n\n", "How do I reset it?", 0.5),
               (" ", "Run reset.", 0.5), (" ", 'Who said "why?"', 0.5), (" ", "It works.", 0.5))
    assert _asks(hit) == {0, 1, 3}


def test_an_faq_line_ending_in_an_exclamation_mark_asks_but_advice_in_a_paragraph_does_not():
    faq = hit_of(("", "Intro text.", 0.3), ("\n\n", "I get the error X and can't do anything else!", 0.7),
               ("\n", "You must roll back first.", 0.4))
    assert _asks(faq) == {1}
    advice = hit_of(("", "Stop the daemon first.", 0.3), (" ", "Never run it as root!", 0.7), ("\n", "It is unsafe.", 0.4))
    assert _asks(advice) == set()  # a "!" inside a paragraph
    heading = hit_of(("", "Intro text.", 0.3), ("\n\n", "Welcome aboard!", 0.7), ("\n\n", "This guide starts here.", 0.4))
    assert not is_question_line(heading.sentences, 1, heading.between)  # no answer on the line below


def test_the_sentences_after_a_question_to_the_end_of_its_answers_paragraph_inherit_its_match():
    hit = hit_of(("", "What is a preinst script?", 0.8), ("\n\n", "These files are run by dpkg.", 0.5),
               (" ", "They are part of the package.", 0.6), ("\n\n", "Another paragraph.", 0.4),
               (" ", "Why use them?", 0.6), (" ", "To stop daemons.", 0.3))
    assert answered_match(hit.sentences, hit.between, _asks(hit)) == {1: 0.8, 2: 0.8, 5: 0.6}


def test_an_answer_after_a_matching_faq_line_beats_a_sentence_that_only_resembles_the_question():
    question = "Every command fails with 'current transaction is aborted'. How do I recover the session?"
    faq = hit_of(("", "Use autocommit mode to avoid it.", 0.3),
               ("\n\n", "I receive the error current transaction is aborted and can't do anything else!", 0.62),
               ("\n", "There was a problem in the previous command to the database.", 0.43),
               (" ", "The database will not recover by itself: you must run a rollback() before new commands.", 0.41),
               doc="faq")
    other = hit_of(("", "The session is idle in a failed transaction block.", 0.54), doc="ref")
    answerer = ExtractiveAnswerer(AnswerConfig(threshold=0.0))
    scored = answerer.score_sentences(question, [faq, other])
    by_text = {c.sentence.text: c for c in scored}
    asking = by_text["I receive the error current transaction is aborted and can't do anything else!"]
    assert asking.features["asks"] == 1.0 and asking.features["similarity"] == asking.features["overlap"] == 0.0
    assert by_text["There was a problem in the previous command to the database."].features["answers_question"] == pytest.approx(0.19)
    assert scored[0].hit is faq and scored[0].position in (2, 3)
    answer = answerer.answer(question, [faq, other])
    assert "rollback()" in answer.text
    assert "can't do anything else" not in answer.citations[0].text  # the question is not quoted with its answer
    # Without the inherited match the sentence resembling the question wins.
    blind = SentenceWeights({**HAND_WEIGHTS, "answers_question": 0.0})
    scored = ExtractiveAnswerer(AnswerConfig(threshold=0.0, weights=blind)).score_sentences(question, [faq, other])
    assert scored[0].hit is other


def test_a_question_heading_is_never_the_quote_its_answer_is():
    question = "How many distributions are there?"
    hit = hit_of(("", "How many Debian distributions are there?", 0.9),
               ("\n\n", 'There are three major distributions: "stable", "testing" and "unstable".', 0.7))
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer(question, [hit])
    assert answer.citations[0].text.startswith("There are three")


def test_a_sentence_opening_an_faq_line_before_its_question_asks_and_lends_its_match_to_the_answer():
    faq = hit_of(("", "Common Issues", 0.2),
                 ("\n", "I've made a mistake in the last commit.", 0.8), (" ", "How do I change it?", 0.5),
                 ("\n", "Stage the fix and run git commit --amend.", 0.6), (" ", "It works.", 0.3))
    assert _asks(faq) == {1, 2}
    assert answered_match(faq.sentences, faq.between, _asks(faq)) == {3: 0.8, 4: 0.8}
    # A statement inside a paragraph that the text follows with a question of its own does not ask.
    prose = hit_of(("", "The build runs in a container.", 0.4), (" ", "It fails.", 0.5), (" ", "Why?", 0.4),
                   ("\n", "The cache is stale.", 0.5))
    assert _asks(prose) == {2}


def test_how_do_i_leads_with_the_command_the_same_answer_goes_on_to_give():
    faq = hit_of(("", "How do I change the password I saved in my credential manager?", 0.8),
                 ("\n\n", "Usually, if the password is invalid, Git will erase it and prompt for a new one.", 0.7),
                 (" ", "However, there are times when this does not happen.", 0.5), doc="faq")
    # The same answer goes on in the next passage read: a lead-in and its command.
    tail = "However, there are times when this does not happen. To erase credentials, use the following:\n\n" \
           "$ echo url=https://author@git.example.org | git credential reject\n"
    start = len(faq.passage.text) - len("However, there are times when this does not happen.")
    from rag.records import Hit, Passage, ScoredSentence

    cut = tail.index("To erase")
    command = tail.index("$ echo")
    sentences = [ScoredSentence(start, start + cut - 1, tail[: cut - 1], 0.5),
                 ScoredSentence(start + cut, start + command - 2, tail[cut : command - 2], 0.4),
                 ScoredSentence(start + command, start + len(tail) - 1, tail[command:-1], 0.3)]
    following = Hit(Passage("faq", start, start + len(tail), tail, 1), 0.9, sentences=sentences)
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer("How do I make Git erase a saved password?",
                                                                   [faq, following])
    assert answer.short_answer == "echo url=https://author@git.example.org | git credential reject", answer.text
    assert any(c.text.endswith("git credential reject") for c in answer.citations)
    # Another question's answer below is no way of doing this one.
    other = hit_of(("", "Git will erase an invalid password.", 0.7), ("\n\n", "How do I list remotes?", 0.3),
                   ("\n", "To list them, run:", 0.2), ("\n\n", "$ git remote -v", 0.2), doc="faq2")
    assert ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer(
        "How do I make Git erase a saved password?", [other]).short_answer is None

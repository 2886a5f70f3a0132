"""Irregular verb forms are read as their base, so "met" shares a word with "meeting"."""

from __future__ import annotations

from rag.terms import content_stems
from rag.word_forms import base_form


def test_irregular_forms_read_as_their_base():
    assert [base_form(w) for w in ("met", "held", "taken", "written", "overridden")] == \
        ["meet", "hold", "take", "write", "override"]


def test_forms_that_are_as_often_another_word_stay_as_they_are():
    # "the given URL", "the left column", "a bit", "found a company": not forms of give, leave, bite, find
    assert [base_form(w) for w in ("given", "left", "bit", "found", "bound", "meeting")] == \
        ["given", "left", "bit", "found", "bound", "meeting"]


def test_a_past_tense_shares_its_stem_with_the_question_word():
    assert content_stems("When did the meeting take place?") & content_stems("Kono met with Ivanov; it took an hour")\
        == content_stems("meeting take")


def test_a_verbs_noun_the_stemmer_cannot_join_to_it_is_read_as_the_verb():
    from rag.terms import content_stems

    assert content_stems("submission") == content_stems("submit")
    assert content_stems("descriptions") == content_stems("describe")
    assert content_stems("conclusion") == content_stems("conclude")
    assert content_stems("decision") == content_stems("decide")
    # a word that is only the ending is no verb's noun
    assert content_stems("mission") == frozenset({"mission"})

"""A question's word that the sentence says in other words counts for the sentence's overlap, at half weight."""

from __future__ import annotations

from rag import answer as answer_module
from rag.answer import AnswerConfig, ExtractiveAnswerer
from rag.paraphrases import paraphrase_stems
from rag.terms import content_stems
from tests.rag.answer_pages import hit_of


def _stem(word: str) -> str:
    (stem,) = content_stems(word)
    return stem


def test_words_of_one_meaning_are_related_both_ways():
    assert _stem("request") in paraphrase_stems(_stem("ask"))
    assert _stem("ask") in paraphrase_stems(_stem("requested"))
    assert _stem("gratitude") in paraphrase_stems(_stem("thank"))


def test_words_that_are_technical_terms_in_documentation_are_not_paired():
    assert not paraphrase_stems(_stem("state")) and not paraphrase_stems(_stem("note"))
    assert _stem("state") not in paraphrase_stems(_stem("remark"))


QUESTION = "What did the committee ask the council to do?"
MET = "The committee met the council in March."
REQUEST = "The committee renewed its request that the council publish the report."


def _overlaps() -> dict[str, float]:
    hit = hit_of(("", MET, 0.5), (" ", REQUEST, 0.5))
    candidates = ExtractiveAnswerer(AnswerConfig(threshold=0.3)).score_sentences(QUESTION, [hit])
    return {c.sentence.text: c.features["overlap"] for c in candidates}


def test_a_sentence_saying_the_asked_word_in_other_words_overlaps_more():
    overlaps = _overlaps()
    assert overlaps[REQUEST] > overlaps[MET]


def test_without_paraphrases_the_two_overlap_alike(monkeypatch):
    monkeypatch.setattr(answer_module, "paraphrase_stems", lambda stem: frozenset())
    overlaps = _overlaps()
    assert overlaps[REQUEST] == overlaps[MET]

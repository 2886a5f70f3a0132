"""A question's word that the sentence says in other words counts for the sentence's overlap, at half weight."""

from __future__ import annotations

from rag.paraphrases import paraphrase_stems
from rag.terms import content_stems


def _stem(word: str) -> str:
    (stem,) = content_stems(word)
    return stem


def test_words_of_one_meaning_are_related_both_ways():
    assert _stem("request") in paraphrase_stems(_stem("ask"))
    assert _stem("ask") in paraphrase_stems(_stem("requested"))
    assert _stem("gratitude") in paraphrase_stems(_stem("thank"))
    assert _stem("multiple") in paraphrase_stems(_stem("several"))


def test_words_that_are_technical_terms_in_documentation_are_not_paired():
    assert not paraphrase_stems(_stem("state")) and not paraphrase_stems(_stem("note"))
    assert _stem("state") not in paraphrase_stems(_stem("remark"))

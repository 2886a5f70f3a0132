"""Words a question may use for the text's own: "What did Ivanov ask Kono to do?" of "repeated his request that".

A user rarely repeats a document's wording: minutes and reports say "request", "expressed his gratitude", "the
desire to", and the question says "ask", "thank", "want". The groups below are words of one meaning in the senses
a question and a text share; a question's word whose group holds a word of the sentence counts for the sentence's
overlap, at half the weight of the word itself (rag/answer.py). They are the reporting verbs of minutes, news and
correspondence (asking, thanking, wanting, agreeing, refusing, proposing, saying, regretting) and a few of the
commonest everyday pairs. Words that are as often a technical term in documentation are left out: "state" (an
object's state), "note" ("Note:"), "add" (a function), "declare" (a variable).
"""

from __future__ import annotations

import functools

from .terms import content_stems

_GROUPS: tuple[tuple[str, ...], ...] = (
    ("ask", "request", "urge", "invite"),
    ("thank", "thanks", "gratitude", "grateful", "appreciation"),
    ("want", "desire", "wish"),
    ("refuse", "decline", "reject"),
    ("agree", "accept", "consent", "approve"),
    ("suggest", "propose", "proposal", "recommend"),
    ("say", "remark", "mention", "comment", "stress", "emphasize"),
    ("regret", "sorry", "apologize", "apology"),
    ("reply", "respond", "response"),
    ("talk", "discuss", "discussion"),
    ("help", "assist", "assistance", "aid"),
    ("happen", "occur"),
    ("begin", "start", "commence"),
    ("finish", "conclude"),
    ("decide", "determine", "settle"),
    ("die", "death", "dead"),
    ("country", "nation"),
    ("buy", "purchase"),
    ("show", "display"),
    ("delete", "remove", "erase"),
    ("change", "modify", "alter"),
    ("big", "large"),
    ("several", "multiple"),
    ("fast", "quick", "rapid"),
)


@functools.cache
def _related() -> dict[str, frozenset[str]]:
    related: dict[str, set[str]] = {}
    for group in _GROUPS:
        stems = [stem for word in group for stem in content_stems(word)]
        for stem in stems:
            related.setdefault(stem, set()).update(s for s in stems if s != stem)
    return {stem: frozenset(others) for stem, others in related.items()}


def paraphrase_stems(stem: str) -> frozenset[str]:
    """The stems of words that say what `stem`'s word says ("ask" -> "request", "urg", "invit")."""
    return _related().get(stem, frozenset())

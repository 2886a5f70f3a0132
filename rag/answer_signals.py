"""Signals of a candidate sentence that look past its own words: the section it sits in, the other sentences read.

Plain text properties, no model: the answerer (rag/answer.py) weighs them with the others (rag/answer_weights.py).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from .terms import content_stems


def section_heading(context: str) -> str:
    """The innermost heading of a passage's context ("Title > Chapter > Section" -> "Section"): the passage lies
    wholly in that section (rag/split.py never lets one cross a heading)."""
    return context.rsplit(" > ", 1)[-1].strip() if context else ""


def heading_overlap(terms: frozenset[str], context: str) -> float:
    """The share of the question's terms that the heading of the sentence's own section holds: a sentence under
    "`timeout.unref()`" is about what "What does timeout.unref() do?" asks, one under "`timeout.ref()`" less so."""
    if not terms:
        return 0.0
    return len(terms & content_stems(section_heading(context))) / len(terms)


def term_rarity(terms: frozenset[str], sentence_stems: Sequence[frozenset[str]]) -> dict[str, float]:
    """How rare each of the question's terms is among the sentences read (log (n+1)/(df+1)); terms no sentence
    holds are left out. Counted over the passages a question reads, not the corpus: what matters is which of
    its words tells the candidates apart."""
    n = len(sentence_stems)
    held = {t: sum(t in stems for stems in sentence_stems) for t in terms}
    return {t: math.log((n + 1) / (df + 1)) for t, df in held.items() if df}


def focus_match(rarity: dict[str, float], stems: frozenset[str]) -> float:
    """The rarity of the rarest question term the sentence holds, over that of the rarest any sentence holds: 1 for
    a sentence with the word that singles out the answer ("the greeting message stored in /etc/motd"), less for
    one that shares only words every passage has, however many of them."""
    top = max(rarity.values(), default=0.0)
    if top <= 0:
        return 0.0
    return max((r for t, r in rarity.items() if t in stems), default=0.0) / top

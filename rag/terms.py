"""Words to terms for answers: lowercase words and their Porter stems, as keyword search makes them, and irregular
verb forms read as their base ("met" as "meet": rag/word_forms.py), which keyword search does not do."""

from __future__ import annotations

import functools
import re

from .keyword import Analyzer
from .word_forms import base_form

_WORD = re.compile(r"\w+", re.UNICODE)


@functools.cache
def _analyzer() -> Analyzer:
    return Analyzer()


# Answers ask for the stems of the same question, phrases and sentences many times over: remembered, and shared
# as immutable sets so no caller can change what another is handed.
@functools.lru_cache(maxsize=8192)
def content_stems(text: str) -> frozenset[str]:
    """The stems of a text's content words (stopwords dropped), irregular verb forms as their base."""
    return frozenset(s for s in _analyzer().stems_of([base_form(w) for w in _WORD.findall(text.lower())]) if s)


def word_stems(text: str) -> set[str]:
    """The stems of all of a text's words, stopwords included (for overlap between a claim and a sentence)."""
    return set(_analyzer().stems([base_form(w) for w in _WORD.findall(text.lower())]))

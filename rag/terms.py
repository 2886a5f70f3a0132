"""Words to terms, one way for keyword search and for answers: lowercase words and their Porter stems."""

from __future__ import annotations

import functools
import re

from .keyword import Analyzer

_WORD = re.compile(r"\w+", re.UNICODE)


@functools.cache
def _analyzer() -> Analyzer:
    return Analyzer()


# Answers ask for the stems of the same question, phrases and sentences many times over: remembered, and shared
# as immutable sets so no caller can change what another is handed.
@functools.lru_cache(maxsize=8192)
def content_stems(text: str) -> frozenset[str]:
    """The stems of a text's content words (stopwords dropped), as keyword search indexes them."""
    return frozenset(_analyzer().terms(text))


def word_stems(text: str) -> set[str]:
    """The stems of all of a text's words, stopwords included (for overlap between a claim and a sentence)."""
    return set(_analyzer().stems(_WORD.findall(text.lower())))

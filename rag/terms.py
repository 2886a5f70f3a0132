"""Words to terms, one way for keyword search and for answers: lowercase words and their Porter stems."""

from __future__ import annotations

import functools
import re

from .keyword import Analyzer

_WORD = re.compile(r"\w+", re.UNICODE)


@functools.cache
def _analyzer() -> Analyzer:
    return Analyzer()


def content_stems(text: str) -> set[str]:
    """The stems of a text's content words (stopwords dropped), as keyword search indexes them."""
    return set(_analyzer().terms(text))


def word_stems(text: str) -> set[str]:
    """The stems of all of a text's words, stopwords included (for overlap between a claim and a sentence)."""
    return set(_analyzer().stems(_WORD.findall(text.lower())))

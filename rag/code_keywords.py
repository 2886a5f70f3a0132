"""Stopwords that name code: "What does the with statement do?" asks about `with`, which word search drops.

A language's keywords are often ordinary small words ("with", "if", "for", "in", "is", "not", "and", "or", "as",
"from", "else"), dropped from a question's terms like any stopword; what is left ("statement") matches every
statement the documentation describes. A stopword followed by the kind of construct it names ("the with statement",
"the in operator", "a for loop") or written as code ("`with`") is kept as a term, and a sentence holds it where it
writes the keyword as code or with the same construct word ("The `with` statement ...", "{% with %}").
"""

from __future__ import annotations

import functools
import re

from .keyword import STOPWORDS

_CONSTRUCT = r"(?:statement|keyword|clause|operator|loop|block|tag|expression|test|construct)s?"
_NAMED = re.compile(r"\b([a-z]+)[\s-]+" + _CONSTRUCT + r"\b|[`'\"]([a-z]+)[`'\"]", re.I)


def code_keywords(question: str) -> frozenset[str]:
    """The stopwords the question names as code, lowercased ("with" of "the with statement", "`in`")."""
    return frozenset(w.lower() for m in _NAMED.finditer(question) for w in m.groups()
                     if w and w.lower() in STOPWORDS)


@functools.lru_cache(maxsize=4096)
def _written_as_code(keyword: str) -> re.Pattern[str]:
    k = re.escape(keyword)
    return re.compile(rf"`{k}`|\b{k}[\s-]+{_CONSTRUCT}\b|\{{%-?\s*{k}\b", re.I)


def names_keyword(text: str, keyword: str) -> bool:
    """Whether the text writes the keyword as code: in backquotes, before a construct word, as a template tag."""
    return _written_as_code(keyword).search(text) is not None

"""Signals of a candidate sentence that look past its own words: the section it sits in.

Plain text properties, no model: the answerer (rag/answer.py) weighs them with the others (rag/answer_weights.py).
"""

from __future__ import annotations

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

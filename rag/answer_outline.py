"""Questions about a document's outline: "What was the second topic of the meeting?", "How many topics were
discussed?"

No sentence says "the second topic was ...": the answer is the document's structure. The loader gives each passage
its section path (`context`: "Title > 2. Reform of the United Nations"); a document's topics are the sections right
under its title, in the order the text has them. The answer quotes the heading lines themselves, so every citation
stays an exact span; a heading the text does not spell as its context does is no answer, and the question goes to
the sentence answerer instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .answer import NO_ANSWER
from .records import Answer, Citation, Passage

_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
             "ninth": 9, "tenth": 10, "last": -1, "final": -1}
_ORDINAL = r"(?P<n>" + "|".join(_ORDINALS) + r"|\d{1,2}(?:st|nd|rd|th))"
# Words that name a part of a document's outline whatever else the question says, and words that do only when the
# question is about the document or its discussion ("the second section" of a function's docs is not asked here).
_TOPIC = r"topics?|subjects?|agenda\s+items?|items?\s+on\s+the\s+agenda"
# ("chapter" is left out: a manual's chapters are often a file each, and a file is what the outline is read from)
_PART = r"sections?|headings?"
_ASKED_ORDINAL = re.compile(rf"\b{_ORDINAL}\s+(?:(?:main|major|numbered|top-level)\s+)?(?P<noun>{_TOPIC}|{_PART})\b",
                            re.I)
_ASKED_COUNT = re.compile(rf"\bhow\s+many\s+(?:(?:main|major|numbered|different|separate|top-level)\s+)?"
                          rf"(?P<noun>{_TOPIC}|{_PART})\b", re.I)
_ABOUT_DOCUMENT = re.compile(r"\b(?:outline|document|meeting|talks|report|summary|minutes|agenda|discussed|"
                             r"covered|addressed)\b", re.I)
_LEADING_NUMBER = re.compile(r"^\s*(?:\d{1,3}(?:\.\d{1,3})*[.)]|[IVXivx]{1,5}[.)])\s+")
# The most passages of one document read for its outline: a longer document's sections are too many to count here.
MAX_OUTLINE_PASSAGES = 5000


@dataclass(frozen=True)
class OutlineQuestion:
    """`ordinal`: the position asked for (1-based; -1 the last), None when the number of topics is asked."""

    ordinal: int | None


def asked_outline(question: str) -> OutlineQuestion | None:
    """Whether the question asks for a topic by its position or for how many there are; None otherwise."""
    for pattern in (_ASKED_ORDINAL, _ASKED_COUNT):
        found = pattern.search(question)
        if found is None:
            continue
        if re.fullmatch(_PART, found.group("noun"), re.I) and not _ABOUT_DOCUMENT.search(question):
            return None
        if pattern is _ASKED_COUNT:
            return OutlineQuestion(None)
        n = found.group("n").lower()
        return OutlineQuestion(_ORDINALS[n] if n in _ORDINALS else int(re.match(r"\d+", n).group()))
    return None


@dataclass(frozen=True)
class Topic:
    """A section right under the document's title: its heading, and the exact span of its heading line."""

    heading: str
    start: int
    end: int
    text: str


def topics(passages: Sequence[Passage]) -> list[Topic]:
    """The document's top sections in order, from its passages' section paths: those under the title when every
    path starts with it. A heading that cannot be found in the text as its path spells it ends the list (what
    follows could not be numbered right)."""
    ordered = sorted(passages, key=lambda p: p.start)
    paths = [[part.strip() for part in p.context.split(" > ")] if p.context else [] for p in ordered]
    firsts = {path[0] for path in paths if path}
    level = 1 if len(firsts) == 1 and any(len(path) > 1 for path in paths) else 0
    found: list[Topic] = []
    seen: set[str] = set()
    for passage, path in zip(ordered, paths, strict=True):
        if len(path) <= level or path[level] in seen:
            continue
        heading = path[level]
        seen.add(heading)
        at = passage.text.find(heading)
        if at < 0:
            break
        start = passage.start + at
        found.append(Topic(heading, start, start + len(heading), heading))
    return found


def outline_answer(question: str, asked: OutlineQuestion, passages: Sequence[Passage], source: str,
                   title: str) -> Answer | None:
    """The answer the document's outline gives: None when it has fewer than two topics; abstained when it has not
    the one asked ("the fifth topic" of three)."""
    found = topics(passages)
    if len(found) < 2 or not passages:
        return None
    doc = passages[0].doc_id
    if asked.ordinal is None:
        chosen, short = found, str(len(found))
    else:
        index = len(found) - 1 if asked.ordinal == -1 else asked.ordinal - 1
        if not 0 <= index < len(found):
            # "the fifth topic" of an outline of three: the document has none.
            return Answer(question, NO_ANSWER, abstained=True, citations=[], confidence=0.0)
        chosen = [found[index]]
        short = _LEADING_NUMBER.sub("", chosen[0].heading)
    citations = [Citation(n, doc, source, title, t.start, t.end, t.text, 1.0) for n, t in enumerate(chosen, start=1)]
    text = " ".join(f"{c.text} [{c.number}]" for c in citations)
    if short != text.split(" [", 1)[0]:
        text = f"{short} — {text}"
    # The outline states it: read from the document's structure, not guessed from a sentence's likeness.
    return Answer(question, text, abstained=False, citations=citations, confidence=1.0, short_answer=short)

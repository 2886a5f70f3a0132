"""Sentence boundaries as exact character spans of a text, for splitting and extractive answers."""

from __future__ import annotations

import re

from .structure import ends_line

# Words that end in a period without ending the sentence. Lowercased, without the final period.
_ABBREVIATIONS = frozenset(
    ["mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "e.g", "i.e", "cf", "al", "no", "nos", "fig", "figs", "vol", "ed", "eds", "inc", "ltd", "co", "corp", "dept", "gen", "gov", "sen", "rep", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx", "est", "a.m", "p.m", "u.s", "u.k", "ph.d", "resp", "viz", "ca", "mt", "ft", "lt", "col", "sgt", "capt", "cmdr", "adm", "rev", "hon"]
)
_LIST_MARKER = re.compile(r"\s*(?:[-*+•]\s|\d{1,3}[.)]\s|[a-zA-Z][.)]\s|\(\w{1,3}\)\s)")
_SENTENCE_END = re.compile(r"""[.!?]+['"”’)\]]*(?=\s)""")
_TERMINAL = re.compile(r"""[.!?:;]['"”’)\]]*\s*$""")
# A table row as the loaders render it ("cell | cell"), or a Markdown one ("| a | b |"): one sentence a row.
_TABLE_ROW = re.compile(r"\s\|\s|^\s*\|")
# A wrapped line is at least this long; shorter lines without end punctuation are headings or items.
_WRAP_WIDTH = 50


def _line_segments(text: str) -> list[tuple[int, int]]:
    """Cut text at blank lines and at line breaks that are not mere wrapping of a long line."""
    segments: list[tuple[int, int]] = []
    seg_start = 0
    pos = 0
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        line_end = pos + len(line)
        content = line.rstrip("\r\n")
        next_line = lines[i + 1] if i + 1 < len(lines) else ""
        # A passage may start mid-line (after the sentence that ended the one before): its first line's length says
        # nothing about wrapping, and a next line in lower case continues it.
        wide = len(content.strip()) >= _WRAP_WIDTH or (i == 0 and next_line[:1].islower())
        soft = (
            content.strip() != ""
            and not _TABLE_ROW.search(content)
            and next_line.strip() != ""
            and wide
            and not _TERMINAL.search(content)
            and not _LIST_MARKER.match(next_line)
            and not ends_line(content, next_line)
        )
        if not soft:
            segments.append((seg_start, line_end))
            seg_start = line_end
        pos = line_end
    if seg_start < len(text):
        segments.append((seg_start, len(text)))
    return segments


def _is_abbreviation(text: str, seg_start: int, dot: int) -> bool:
    word_start = dot
    while word_start > seg_start and not text[word_start - 1].isspace() and text[word_start - 1] not in "([":
        word_start -= 1
    word = text[word_start:dot].lower().rstrip(".")
    if not word:
        return False
    if word in _ABBREVIATIONS:
        return True
    # Initials ("J. Smith") and list numbers at the start of a segment ("1. Item") are not sentence ends.
    if len(word) == 1 and word.isalpha() and text[word_start].isupper():
        return True
    before = text[seg_start:word_start]
    return before.strip() == "" and re.fullmatch(r"\(?\w{1,3}\)?", word) is not None


def _sentences_in(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _SENTENCE_END.finditer(text, start, end):
        cut = match.end()
        if text[match.start()] == "." and _is_abbreviation(text, cursor, match.start()):
            continue
        rest = text[cut:end].lstrip()
        if rest and not (rest[0].isupper() or rest[0].isdigit() or rest[0] in "\"'“‘([-*•"):
            continue
        spans.append((cursor, cut))
        cursor = cut
    spans.append((cursor, end))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans `(s, e)` of the sentences in `text[start:end]`, in order, trimmed of whitespace.

    Together they cover every non-whitespace character of the range.
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for seg_start, seg_end in _line_segments(text[start:end]):
        for s, e in _sentences_in(text, start + seg_start, start + seg_end):
            trimmed = _trim(text, s, e)
            if trimmed:
                spans.append(trimmed)
    return spans

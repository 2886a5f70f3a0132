"""Section headings of a PDF: its outline (bookmarks) placed on the text, or else the lines set larger or bold.

An outline entry names a heading and the page it is on; the heading is the line of that page whose words end with
the entry's title (after any numbering, "1.10 " or "Appendix A "), so the section title is the heading as printed.
Without a usable outline, a line set clearly larger than the body text is a heading, its level the rank of its
size; a bold body-size line is one only when it is numbered like a subsection ("2.3.1 Mixed arithmetic").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rag.load.pdf_runs import Line

Heading = tuple[int, str, int]  # (start offset in the document text, title as printed, level)

MAX_OUTLINE_ENTRIES = 10_000
_MAX_LEVEL = 6
_HEADING_SIZE_RATIO = 1.12  # set at least this much larger than the body text
_MAX_HEADING_CHARS = 200
_MAX_HEADING_LINES = 3  # a heading wrapped over more lines than this is a paragraph in a large font
_MAX_NUMBERING_CHARS = 24  # "Appendix A ", "Chapter 12: ", "10.4.2 " before an outline title
_REPEATED_ON_PAGES = 3  # the same "heading" on this many pages is a running header
_RUNNING_HEADER_SHARE = 0.6  # one differing only in its numbers is when on this share of the pages
_NUMBERED = re.compile(r"\d+(?:\.\d+)+\.?\s+\S")
_DIGITS = re.compile(r"\d+")
_DOT_LEADER = re.compile(r"(?:\. ?){4}|\u2026|(?:\. ?){2,}\s*\d+$")  # "Arrays . . . . 20": an entry of a table of contents


@dataclass(frozen=True)
class PageLine:
    """A line of the document's text: its span, type and the index of the PDF page it is on."""

    line: Line  # in document offsets
    page: int


def outline_headings(reader: Any, text: str, lines: list[PageLine], body: float) -> list[Heading]:
    """Headings from the outline, or [] when it has none or fewer than half of its entries are found."""
    entries = _outline_entries(reader)
    if not entries:
        return []
    by_page: dict[int, list[int]] = {}
    for i, pl in enumerate(lines):
        by_page.setdefault(pl.page, []).append(i)
    found: list[Heading] = []
    cursor = 0  # headings come in document order: a later entry is never placed before an earlier one
    for title, page, level in entries:
        match = None
        for candidate_page in (page, page + 1):  # some generators point at the page before the heading
            match = _find_title(title, text, lines, by_page.get(candidate_page, []), cursor, body)
            if match:
                break
        if match:
            start, printed = match
            found.append((start, printed, level))
            cursor = start + 1
    return found if 2 * len(found) >= len(entries) else []


def _outline_entries(reader: Any) -> list[tuple[str, int, int]]:
    """(title, page index, level) of each outline entry with a page, in document order; [] if unreadable."""
    try:
        outline = reader.outline
    except Exception:  # a broken outline costs the headings, not the document
        return []
    entries: list[tuple[str, int, int]] = []
    stack: list[tuple[list[Any], int, int]] = [(outline, 0, 1)]
    while stack and len(entries) < MAX_OUTLINE_ENTRIES:
        items, i, level = stack.pop()
        if i >= len(items):
            continue
        stack.append((items, i + 1, level))
        item = items[i]
        if isinstance(item, list):  # the children of the entry before it
            if level < _MAX_LEVEL:
                stack.append((item, 0, level + 1))
            continue
        try:
            page = reader.get_destination_page_number(item)
            title = " ".join(str(item.title or "").split())
        except Exception:
            continue
        if title and page is not None and page >= 0:
            entries.append((title, page, level))
    return entries


def _find_title(
    title: str, text: str, lines: list[PageLine], on_page: list[int], cursor: int, body: float
) -> tuple[int, str] | None:
    """The start and printed words of the line (or two lines) on the page that ends with the title."""
    wanted = title.casefold()
    matches: list[tuple[bool, int, str]] = []
    for i in on_page:
        line = lines[i].line
        if line.start < cursor:
            continue
        words = " ".join(text[line.start : line.end].split())
        candidates = [(words, line)]
        following = lines[i + 1] if i + 1 < len(lines) else None
        if following and following.page == lines[i].page and _same_type(line, following.line):  # a wrapped title
            two = " ".join(text[line.start : lines[i + 1].line.end].split())
            candidates.append((two, lines[i + 1].line))
        for printed, last in candidates:
            prefix = printed.casefold().removesuffix(wanted)
            if prefix != printed.casefold() and len(prefix) <= _MAX_NUMBERING_CHARS and prefix[-1:] in ("", " "):
                styled = line.size >= _HEADING_SIZE_RATIO * body or line.bold >= 0.9 or last.bold >= 0.9
                matches.append((styled, line.start + _leading_space(text, line), printed))
                break
    if not matches:
        return None
    styled = [m for m in matches if m[0]]
    _, start, printed = (styled or matches)[0]
    return start, printed


def font_headings(text: str, lines: list[PageLine], body: float) -> list[Heading]:
    """Headings from type: lines set larger than the body (merged when wrapped), and numbered bold lines."""
    large: list[tuple[int, float, str, int]] = []  # (start, size, title, page)
    numbered: list[tuple[int, str, int]] = []
    i = 0
    while i < len(lines):
        pl = lines[i]
        line = pl.line
        if line.size >= _HEADING_SIZE_RATIO * body and line.uniform >= 0.8:
            j = i + 1
            while (
                j < len(lines)
                and j - i < _MAX_HEADING_LINES
                and lines[j].page == pl.page
                and _same_type(lines[j].line, line)
                and lines[j].line.uniform >= 0.8
            ):
                j += 1
            title = " ".join(text[line.start : lines[j - 1].line.end].split())
            if _title_like(title):
                large.append((line.start + _leading_space(text, line), line.size, title, pl.page))
            i = j
            continue
        title = " ".join(text[line.start : line.end].split())
        if line.bold >= 0.9 and _NUMBERED.match(title) and _title_like(title) and title[-1] not in ".,;:":
            numbered.append((line.start + _leading_space(text, line), title, pl.page))
        i += 1
    large = _without_running_headers(large, len({pl.page for pl in lines}))
    sizes = sorted({size for _, size, _, _ in large}, reverse=True)
    found = [(start, title, min(sizes.index(size) + 1, _MAX_LEVEL)) for start, size, title, _ in large]
    bold_level = min(len(sizes) + 1, _MAX_LEVEL)
    found.extend((start, title, bold_level) for start, title, _ in numbered)
    return sorted(found)


def _without_running_headers(
    large: list[tuple[int, float, str, int]], pages: int
) -> list[tuple[int, float, str, int]]:
    """Leave out lines that head pages, not sections: the same large line on several pages, or one that differs
    only in its numbers (a page number) on most pages. Chapter headings differ in number too, but are on few pages."""
    exact: dict[str, set[int]] = {}
    numbered: dict[str, set[int]] = {}
    for _, _, title, page in large:
        exact.setdefault(title, set()).add(page)
        numbered.setdefault(_DIGITS.sub("#", title), set()).add(page)
    most = max(_REPEATED_ON_PAGES, _RUNNING_HEADER_SHARE * pages)
    return [
        h for h in large
        if len(exact[h[2]]) < _REPEATED_ON_PAGES and len(numbered[_DIGITS.sub("#", h[2])]) < most
    ]


def _same_type(a: Line, b: Line) -> bool:
    return abs(a.size - b.size) < 0.2 and abs(a.bold - b.bold) < 0.5


def _title_like(title: str) -> bool:
    return (
        len(title) <= _MAX_HEADING_CHARS
        and sum(ch.isalpha() for ch in title) >= 2
        and not _DOT_LEADER.search(title)
    )


def _leading_space(text: str, line: Line) -> int:
    segment = text[line.start : line.end]
    return len(segment) - len(segment.lstrip())

"""Page furniture of a PDF: the running header or footer line of each page, left out of the text.

A printed page carries its number, often in a running header ("Chapter 1: Introduction and preliminaries 4").
Extracted as text, that line lands in the middle of a paragraph that runs over the page break, splitting its
sentence and adding words the passage is not about. A page's first or last line is furniture when it begins or
ends with a number that keeps step with the page index (number - index is the same on several pages, and on more
than any other difference: the printed page number) and is not set larger than the body text, or when the same line (numbers aside) heads or ends at least half of the pages. A page number on a line of its own next to the
edge line ("The Root Filesystem" + "5", the running title of a chapter) takes that line with it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from rag.load.pdf_runs import Line, body_size

_MIN_PAGES = 3  # a page-number pattern must hold on at least this many pages
_REPEATED_SHARE = 0.5  # a line without a page number is furniture when it is on this share of the pages
_MAX_FURNITURE_CHARS = 120  # longer first or last lines are text
_MAX_SIZE_RATIO = 1.05  # a line numbered in step but set larger than the body text is a heading
_ARABIC = re.compile(r"^(\d{1,4})\b|\b(\d{1,4})$")
_ROMAN = re.compile(r"[ivxlc]{1,7}|[IVXLC]{1,7}")  # front matter numbering; only a line that is just the numeral
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
_DIGITS = re.compile(r"\d+")
_BARE_NUMBER = re.compile(r"\d{1,4}|[ivxlc]{1,7}|[IVXLC]{1,7}")


@dataclass(frozen=True)
class Page:
    """One page's text (without its line break at either end) and its lines, in the page text's offsets."""

    index: int
    text: str
    lines: list[Line]


def without_furniture(pages: list[Page]) -> list[Page]:
    """The pages less their running header and footer lines; a page left without text is dropped."""
    edges = [(page, position) for page in pages if page.lines for position in (0, -1)]
    # A page number on a line of its own, second from the edge, under or over a running title ("The Root
    # Filesystem" + "5"): its line keeps step with the page index as an edge line's number does.
    inner = [(page, position) for page in pages if len(page.lines) > 2 for position in (1, -2)
             if _BARE_NUMBER.fullmatch(_line_text(page, position))]
    numbered = Counter(key for page, position in edges + inner if (key := _page_number_key(page, position)))
    in_step = {kind: offset for (kind, offset), _ in reversed(numbered.most_common())}  # the most common offset
    repeated = Counter(_shape(page, position) for page, position in edges)
    most = max(_MIN_PAGES, _REPEATED_SHARE * sum(1 for page in pages if page.lines))  # of the pages with text

    body = body_size(line for page in pages for line in page.lines)

    def numbered_in_step(page: Page, position: int) -> bool:
        key = _page_number_key(page, position)
        # A heading set larger than the body is no running header, though numbered in step ("2 Methods" heading
        # the second page of a report that starts a section on every page).
        return (key is not None and in_step[key[0]] == key[1] and numbered[key] >= _MIN_PAGES
                and page.lines[position].size <= _MAX_SIZE_RATIO * body)

    def furniture(page: Page, position: int) -> bool:
        if len(_line_text(page, position)) > _MAX_FURNITURE_CHARS:
            return False
        return numbered_in_step(page, position) or repeated[_shape(page, position)] >= most

    def titled_number(page: Page, title: int, number: int) -> bool:
        """A running title at the page's edge with the page number on the line next to it, set as body text."""
        return len(page.lines) > 2 and _BARE_NUMBER.fullmatch(_line_text(page, number)) is not None and \
            numbered_in_step(page, number) and len(_line_text(page, title)) <= _MAX_FURNITURE_CHARS and \
            page.lines[title].size <= _MAX_SIZE_RATIO * body

    cleaned: list[Page] = []
    for page in pages:
        if titled_number(page, 0, 1):
            page = _drop_first_line(_drop_first_line(page))
        if titled_number(page, -1, -2):
            page = _drop_last_line(_drop_last_line(page))
        if page.lines and furniture(page, 0):
            page = _drop_first_line(page)
        if page.lines and furniture(page, -1):
            page = _drop_last_line(page)
        if page.text:
            cleaned.append(page)
    return cleaned


def _line_text(page: Page, position: int) -> str:
    line = page.lines[position]
    return page.text[line.start : line.end].strip()


def _shape(page: Page, position: int) -> tuple[int, str]:
    """The line with its numbers blanked, and whether it heads or ends its page."""
    return position, _DIGITS.sub("#", " ".join(_line_text(page, position).split()))


def _page_number_key(page: Page, position: int) -> tuple[str, int] | None:
    """(numbering, printed number - page index) when the line starts or ends with a number; the header of one
    page and the footer of another count alike (page numbers may alternate between them)."""
    text = _line_text(page, position)
    match = _ARABIC.search(text)
    if match:
        return "arabic", int(match.group(1) or match.group(2)) - page.index
    if _ROMAN.fullmatch(text):
        value = _roman_value(text.lower())
        return ("roman", value - page.index) if value else None
    return None


def _roman_value(numeral: str) -> int:
    values = [_ROMAN_VALUES[ch] for ch in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def _drop_first_line(page: Page) -> Page:
    cut = page.lines[1].start if len(page.lines) > 1 else len(page.text)
    shifted = [replace(line, start=line.start - cut, end=line.end - cut) for line in page.lines[1:]]
    return Page(page.index, page.text[cut:], shifted)


def _drop_last_line(page: Page) -> Page:
    text = page.text[: page.lines[-1].start].rstrip()
    return Page(page.index, text, [line for line in page.lines[:-1] if line.start < len(text)])

"""Markdown reader: the file text is the canonical text, as written but for its raw HTML (comments left out,
HTML blocks rendered: rag.load.markdown_html); sections from ATX and setext headings."""

from __future__ import annotations

import re

from rag.errors import DocumentLoadError
from rag.load.markdown_html import closes_fence, opening_fence, render
from rag.load.text import MAX_TITLE_CHARS, decode, first_line, sections_between
from rag.records import Section

_ATX = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r" {0,3}(=+|-+)[ \t]*$")
# Lines that start something other than a plain paragraph, so a "---" below them is a rule, not a heading.
_NOT_PARAGRAPH = re.compile(r" {0,3}(?:[-*+>|]|\d{1,9}[.)](?:[ \t]|$))")
_FRONT_MATTER_TITLE = re.compile(r"title:[ \t]*(.+?)[ \t]*$")


def parse(data: bytes, name: str) -> tuple[str, str, tuple[Section, ...]]:
    """Canonical text, title and sections of a Markdown file."""
    try:
        text = render(decode(data, name))
    except RecursionError as exc:
        raise DocumentLoadError(f"{name}: HTML in the Markdown is nested too deeply to read") from exc
    lines = _lines(text)
    body_from, front_title = _front_matter(lines)
    sections = _headings(text, lines[body_from:])
    if front_title:
        title = front_title
    elif sections:
        title = sections[0].title[:MAX_TITLE_CHARS]
    else:
        title = first_line(text[lines[body_from][0] :] if body_from < len(lines) else "", name)
    return text, title, sections


def _lines(text: str) -> list[tuple[int, str]]:
    """Each line with its start offset, line ending removed."""
    out: list[tuple[int, str]] = []
    offset = 0
    for raw in text.splitlines(keepends=True):
        out.append((offset, raw.rstrip("\r\n")))
        offset += len(raw)
    return out


def _front_matter(lines: list[tuple[int, str]]) -> tuple[int, str]:
    """Index of the first line after a YAML front-matter block (0 when none), and its `title:` if any."""
    if not lines or lines[0][1].rstrip() != "---":
        return 0, ""
    title = ""
    for index, (_, line) in enumerate(lines[1:], start=1):
        if line.rstrip() in ("---", "..."):
            return index + 1, title
        match = _FRONT_MATTER_TITLE.match(line)
        if match and not title:
            title = match.group(1).strip("\"'").strip()
    return 0, ""  # never closed: not front matter


def _headings(text: str, lines: list[tuple[int, str]]) -> tuple[Section, ...]:
    found: list[tuple[int, str, int]] = []
    fence = ""  # the opening fence while inside a fenced code block
    paragraph: list[tuple[int, str]] = []  # lines of the paragraph in progress, a setext candidate
    for start, line in lines:
        if fence:
            if closes_fence(line, fence):
                fence = ""
            continue
        fence = opening_fence(line)
        if fence:
            paragraph = []
            continue
        if not line.strip():
            paragraph = []
            continue
        atx = _ATX.match(line)
        if atx:
            if atx.group(2):
                found.append((start, atx.group(2).strip(), len(atx.group(1))))
            paragraph = []
            continue
        underline = _SETEXT.match(line)
        if underline:  # under a paragraph it is a setext heading; alone it is a thematic break
            if paragraph and not _NOT_PARAGRAPH.match(paragraph[0][1]):
                title = " ".join(part.strip() for _, part in paragraph)
                found.append((paragraph[0][0], title, 1 if underline.group(1)[0] == "=" else 2))
            paragraph = []
            continue
        if paragraph or not line.startswith(("    ", "\t")):  # an indented first line is a code block
            paragraph.append((start, line))
    return sections_between(found, len(text))

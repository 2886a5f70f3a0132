"""Plain-text reader: the decoded file is the canonical text, unchanged; headings guessed conservatively."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from rag.errors import DocumentLoadError
from rag.records import Section

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
MAX_TITLE_CHARS = 200
# Control characters other than tab, newline, carriage return, vertical tab and form feed.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_BINARY_SAMPLE_CHARS = 65536
_BINARY_CONTROL_RATIO = 0.1
_MAX_HEADING_CHARS = 100
_NUMBERING = re.compile(r"(\d+(?:\.\d+)*)\.?\s")
_BULLETS = ("- ", "* ", "+ ", "\u2022", ">", "|")

Block = tuple[str, int]  # a rendered block: (text, heading level; 0 for a non-heading block)


def decode(data: bytes, name: str) -> str:
    """Strict UTF-8 (a BOM is dropped), or UTF-16 when the data starts with its BOM; binary is refused.

    Strict, because a silently replaced byte would make a quoted citation differ from the file.
    """
    if data.startswith(_UTF16_BOMS):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DocumentLoadError(f"{name}: not valid UTF-16 text") from exc
    else:
        if b"\x00" in data:
            raise DocumentLoadError(f"{name}: looks like binary data")
        try:
            text = data.removeprefix(_UTF8_BOM).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DocumentLoadError(f"{name}: not valid UTF-8 text") from exc
    if _looks_binary(text):
        raise DocumentLoadError(f"{name}: looks like binary data")
    return text


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    sample = text[:_BINARY_SAMPLE_CHARS]
    return bool(sample) and len(_CONTROL.findall(sample)) > _BINARY_CONTROL_RATIO * len(sample)


def first_line(text: str, name: str) -> str:
    """The first non-empty line, stripped and capped; the file stem when there is none."""
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:MAX_TITLE_CHARS]
    return PurePosixPath(name).stem


def parse(data: bytes, name: str) -> tuple[str, str, tuple[Section, ...]]:
    """Canonical text, title and sections of a plain-text file."""
    text = decode(data, name)
    return text, first_line(text, name), find_headings(text)


def find_headings(text: str) -> tuple[Section, ...]:
    """Headings are one-line paragraphs that look like titles and are followed by a body paragraph.

    Requiring a following paragraph that is itself not heading-like keeps lists of short lines (poems,
    addresses, "Back to index" links) from turning into a run of empty sections.
    """
    blocks = _paragraphs(text)
    found: list[tuple[int, str, int]] = []
    for block, following in zip(blocks, [*blocks[1:], []], strict=False):
        if (following and _heading_like(block) and not _heading_like(following)) or _man_heading(block):
            start, line = block[0]
            found.append((start, line.strip(), _level(line.strip())))
    return sections_between(found, len(text))


def sections_between(headings: list[tuple[int, str, int]], text_length: int) -> tuple[Section, ...]:
    """Sections from (start, title, level) headings in order: each runs to the next heading or the end."""
    ends = [start for start, _, _ in headings[1:]] + [text_length]
    return tuple(
        Section(title=title, start=start, end=end, level=level)
        for (start, title, level), end in zip(headings, ends, strict=False)
    )


def assemble(blocks: list[Block]) -> tuple[str, tuple[Section, ...]]:
    """Join rendered blocks with blank lines; every heading opens a section that runs to the next heading."""
    parts: list[str] = []
    headings: list[tuple[int, str, int]] = []
    offset = 0
    for block, level in blocks:
        if parts:
            offset += 2
        if level:
            headings.append((offset, block, level))
        parts.append(block)
        offset += len(block)
    return "\n\n".join(parts), sections_between(headings, offset)


def _paragraphs(text: str) -> list[list[tuple[int, str]]]:
    """Runs of non-blank lines, each line with its start offset (line endings removed)."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    offset = 0
    for raw in text.splitlines(keepends=True):
        line = raw.rstrip("\r\n")
        if line.strip():
            current.append((offset, line))
        elif current:
            blocks.append(current)
            current = []
        offset += len(raw)
    if current:
        blocks.append(current)
    return blocks


def _heading_like(block: list[tuple[int, str]]) -> bool:
    if len(block) != 1:
        return False
    line = block[0][1]
    title = line.strip()
    if line[0].isspace() or len(title) >= _MAX_HEADING_CHARS or title.startswith(_BULLETS):
        return False
    if not any(ch.isalpha() for ch in title):
        return False
    return title.rstrip("\"'\u201d\u2019)]")[-1:] not in (".", ",", ";", ":", "!", "?", "")


def _man_heading(block: list[tuple[int, str]]) -> bool:
    """A manual page's section name: an upper-case line at the margin with the section's lines indented under it
    ("OPTIONS" above "  -v, --verbose ...")."""
    if len(block) < 2 or not _heading_like(block[:1]) or not all(line[:1].isspace() for _, line in block[1:]):
        return False
    title = block[0][1].strip()
    return title.upper() == title and sum(ch.isalpha() for ch in title) >= 2


def _level(title: str) -> int:
    """Level from the numbering: "3.1.2 Title" is 3; anything else is 1."""
    match = _NUMBERING.match(title)
    return min(match.group(1).count(".") + 1, 6) if match else 1

"""The text runs of one PDF page: footnote reference markers dropped, each line with its type size and weight.

pypdf's `extract_text(visitor_text=...)` hands over every run of text it emits with the font and matrices it was
set in; the runs joined are exactly the page's extracted text. From them this module keeps what layout says and
plain text loses: which lines are set larger or bold (headings) and which digits are superscript footnote
markers glued to the word before them ("a file called .RData5"), which are left out of the text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from rag.load.text_edits import apply_edits, moved

# A footnote marker is set at most this fraction of the size of the text it follows.
_MARKER_SIZE_RATIO = 0.85
# Subscripts sit below the baseline; a marker is not lowered by more than this fraction of the text size.
# (pypdf does not report text rise, `Ts`, so a raised marker may also report the baseline of its word.)
_MARKER_MAX_DROP = 0.05
_MARKER = re.compile(r"\d{1,3}")
# What a footnote marker is glued to: the end of a word or of a phrase's punctuation, never a digit or a
# closing bracket (there a small raised digit is an exponent: "(a+b)2", "102").
_MARKER_AFTER = re.compile(r"(?:[^\W\d_]{2}|[^\W\d_][.,;:\"'\u201d\u2019])\Z")
# Fonts that name their weight: "Helvetica-Bold", "Arial,Black", "MinionPro-Semibold"; TeX's CMBX12, CMB10.
_BOLD_NAME = re.compile(r"bold|black|heavy|demi|^[a-z]{0,4}bx\d|^cmb\d", re.IGNORECASE)


@dataclass(frozen=True)
class Line:
    """One line of a page's text, in the page text's offsets (the line break excluded)."""

    start: int
    end: int
    size: float  # the type size most of its visible characters are set in; 0.0 when it has none
    uniform: float  # the share of its visible characters set in that size
    bold: float  # the share of its visible characters set in a bold font


def body_size(lines: Iterable[Line]) -> float:
    """The type size most of the lines' characters are set in (0.0 for no lines)."""
    chars: Counter[float] = Counter()
    for line in lines:
        chars[line.size] += line.end - line.start
    return chars.most_common(1)[0][0] if chars else 0.0


@dataclass(frozen=True)
class _Run:
    text: str
    size: float
    x: float
    y: float
    up: tuple[float, float]  # the text's upward direction, to measure a raised baseline in any rotation
    bold: bool


# A space glyph wider than this (thousandths of an em) is no word space: TeX's Cork-encoded fonts put a 500-wide
# visible-space glyph at code 32 and set word gaps as kerns of about 200.
_WIDE_SPACE = 400


def _forget_wide_spaces(page: Any) -> None:
    """Zero the width of an implausibly wide space glyph in the page's simple fonts, in memory only.

    pypdf takes a word gap set as a kern ("rather", -207, "than") for a space when it is wider than about half the
    font's space glyph. With a 500-wide glyph at code 32 the gaps of TeX-made PDFs never are, and their words run
    together ("ratherthanencryptionpurposes"); with no width pypdf falls back to a typical word space."""
    from pypdf.generic import ArrayObject, DictionaryObject, NumberObject

    resources = page.get("/Resources")
    fonts = resources.get_object().get("/Font") if resources is not None else None
    if fonts is None:
        return
    for reference in fonts.get_object().values():
        font = reference.get_object()
        if not isinstance(font, DictionaryObject) or "/Widths" not in font or "/FirstChar" not in font:
            continue
        widths = font["/Widths"].get_object()
        at = 32 - int(font["/FirstChar"])
        if isinstance(widths, ArrayObject) and 0 <= at < len(widths):
            width = widths[at].get_object()
            if isinstance(width, int | float) and width > _WIDE_SPACE:
                widths[at] = NumberObject(0)


def page_runs(page: Any) -> list[_Run]:
    """The runs pypdf emits for one page, in order, with their effective size, baseline origin and weight."""
    runs: list[_Run] = []
    _forget_wide_spaces(page)

    def visit(text: str, cm: list[float], tm: list[float], font: Any, font_size: float) -> None:
        if not text:
            return
        # The effective matrix is tm x cm; its second row is the glyphs' upward vector, scaled.
        a, b, c, d, e, f = tm
        ca, cb, cc, cd, ce, cf = cm
        up_x, up_y = c * ca + d * cc, c * cb + d * cd
        x, y = e * ca + f * cc + ce, e * cb + f * cd + cf
        scale = (up_x * up_x + up_y * up_y) ** 0.5
        size = abs(font_size) * scale
        up = (up_x / scale, up_y / scale) if scale else (0.0, 1.0)
        runs.append(_Run(text, round(size, 1), x, y, up, _is_bold(_font_name(font))))

    page.extract_text(visitor_text=visit)
    return runs


def clean_page(runs: list[_Run]) -> tuple[str, list[Line]]:
    """The page's text without footnote markers, and its lines with their type."""
    kept = _drop_markers(runs)
    parts: list[str] = []
    lines: list[Line] = []
    offset = line_start = 0
    sizes: dict[float, int] = {}
    bold = 0
    for run in kept:
        pieces = run.text.split("\n")
        for i, piece in enumerate(pieces):
            if i:  # a line break closes the line
                lines.append(_line(line_start, offset, sizes, bold))
                offset += 1
                line_start, sizes, bold = offset, {}, 0
            visible = len(piece) - piece.count(" ") - piece.count("\t")
            if visible:
                sizes[run.size] = sizes.get(run.size, 0) + visible
                bold += visible if run.bold else 0
            offset += len(piece)
        parts.append(run.text)
    lines.append(_line(line_start, offset, sizes, bold))
    text = "".join(parts).rstrip()
    return _rejoin_wrapped_paths(text, [line for line in lines if line.start < len(text) and line.size])


# A path the layout wrapped after one of its slashes: "the crond PID file is named /run/" + "crond.pid".
_WRAPPED_PATH = re.compile(r"\S/\n(?=[\w<.$~{])")


def _lists_under(text: str, cut: int) -> bool:
    """The line after the break at `cut` starts with the path that ends the line before it, or with its parent: a
    listing of a directory and what is under it ("dists/stable/main/" + "dists/stable/main/binary-amd64/" +
    "dists/stable/main/binary-armel/"), not one path wrapped ("/run/" + "crond.pid")."""
    path = text[:cut].rsplit(None, 1)[-1]
    inner = path.rstrip("/")
    parent = inner.rsplit("/", 1)[0] + "/" if "/" in inner else ""
    if text.startswith(path, cut + 1) or len(parent) > 1 and text.startswith(parent, cut + 1):
        return True
    # ... or both lines hold a path alone ("dists/stable/main/binary-i386/" + "pool/"): a wrapped path has the words
    # of its sentence before it.
    line = text[text.rfind("\n", 0, cut) + 1 : cut]
    following = text[cut + 1 :].split("\n", 1)[0]
    return line == path and bool(following) and " " not in following.strip() and following.rstrip(".").endswith("/")


def _rejoin_wrapped_paths(text: str, lines: list[Line]) -> tuple[str, list[Line]]:
    """The text with a line break after a slash that ends a word removed (a path or "and/or" the layout wrapped),
    and the two lines made one."""
    cuts = [m.end() - 1 for m in _WRAPPED_PATH.finditer(text)  # the offsets of the line breaks removed
            if not _lists_under(text, m.end() - 1)]
    if not cuts:
        return text, lines
    text, shifts = apply_edits(text, [(cut, cut + 1, "") for cut in cuts])
    removed = set(cuts)
    merged: list[Line] = []
    for line in lines:
        continues = line.start - 1 in removed  # the line after a removed break continues the one before it
        line = replace(line, start=moved(line.start, shifts), end=moved(line.end, shifts))
        if merged and continues:
            merged[-1] = replace(merged[-1], end=line.end)
        else:
            merged.append(line)
    return text, merged


def _line(start: int, end: int, sizes: dict[float, int], bold: int) -> Line:
    total = sum(sizes.values())
    if not total:
        return Line(start, end, 0.0, 0.0, 0.0)
    size, count = max(sizes.items(), key=lambda item: item[1])
    return Line(start, end, size, count / total, bold / total)


def _drop_markers(runs: list[_Run]) -> list[_Run]:
    """The runs less the footnote markers: small digits glued to the word before, not lowered, not followed
    by more of the word."""
    kept: list[_Run] = []
    tail = ""  # the last characters emitted, to see what a candidate marker is glued to
    ref: _Run | None = None  # the last run with visible text: the size and baseline a marker is measured against
    for i, run in enumerate(runs):
        if ref is not None and _is_marker(run, ref, tail, _next_char(runs, i + 1)):
            continue
        kept.append(run)
        tail = (tail + run.text)[-3:]
        if run.text.strip():
            ref = run
    return kept


def _is_marker(run: _Run, ref: _Run, tail: str, following: str) -> bool:
    if not _MARKER.fullmatch(run.text) or run.size >= _MARKER_SIZE_RATIO * ref.size:
        return False
    if not _MARKER_AFTER.search(tail) or (following and (following.isalnum() or following == "_")):
        return False
    rise = (run.x - ref.x) * ref.up[0] + (run.y - ref.y) * ref.up[1]
    return rise >= -_MARKER_MAX_DROP * ref.size


def _next_char(runs: list[_Run], start: int) -> str:
    for run in runs[start : start + 8]:  # empty runs between glyph runs are few; farther is not "right after"
        if run.text:
            return run.text[0]
    return ""


def _font_name(font: Any) -> str:
    try:
        return str(font.get("/BaseFont", "")) if font else ""
    except Exception:  # a malformed font dictionary only costs the weight
        return ""


@lru_cache(maxsize=256)
def _is_bold(name: str) -> bool:
    return bool(_BOLD_NAME.search(name.rpartition("+")[2].lstrip("/")))

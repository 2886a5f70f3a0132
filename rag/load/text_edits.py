"""Edits to a loader's text, and the offsets they move: a loader that rewrites part of the text it extracted (a
line break taken out, a table's cells set apart) keeps the offsets of its lines and headings true with `moved`."""

from __future__ import annotations

import bisect
from dataclasses import dataclass


@dataclass(frozen=True)
class Shifts:
    """Where the edits were (their starts, in order) and how much longer the text is past each (running total)."""

    starts: list[int]
    totals: list[int]


def apply_edits(text: str, edits: list[tuple[int, int, str]]) -> tuple[str, Shifts]:
    """The text with each (start, end, replacement) edit made (in order, none overlapping), and the shifts that move
    an offset of the text before the edits past them."""
    parts: list[str] = []
    shifts = Shifts([], [])
    at = total = 0
    for start, end, replacement in edits:
        parts.append(text[at:start])
        parts.append(replacement)
        total += len(replacement) - (end - start)
        shifts.starts.append(start)
        shifts.totals.append(total)
        at = end
    parts.append(text[at:])
    return "".join(parts), shifts


def moved(offset: int, shifts: Shifts) -> int:
    """An offset of the text before the edits, in the edited text (moved by the edits that start before it)."""
    before = bisect.bisect_left(shifts.starts, offset)
    return offset + (shifts.totals[before - 1] if before else 0)

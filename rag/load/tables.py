"""Rendering table rows as text lines that carry their column names, so a row read alone still makes sense."""

from __future__ import annotations

from collections.abc import Sequence


def clean_cell(text: str) -> str:
    """A cell's text on one line, whitespace collapsed."""
    return " ".join(text.split())


def header_and_rows(rows: Sequence[Sequence[str]]) -> tuple[list[str], list[list[str]]]:
    """The first row with any text is the header; rows without text are left out."""
    cleaned = [[clean_cell(cell) for cell in row] for row in rows]
    kept = [row for row in cleaned if any(row)]
    return (kept[0], kept[1:]) if kept else ([], [])


def row_line(header: Sequence[str], row: Sequence[str]) -> str:
    """ "name: value; name: value" for the row's non-empty cells; a cell past the header (or under an empty
    header cell) shows its value alone."""
    parts = []
    for column, value in enumerate(row):
        if not value:
            continue
        label = header[column] if column < len(header) else ""
        parts.append(f"{label}: {value}" if label else value)
    return "; ".join(parts)


def header_line(header: Sequence[str]) -> str:
    """The header row itself, cells joined by " | " as the HTML loader renders a table row."""
    cells = list(header)
    while cells and not cells[-1]:
        cells.pop()
    return " | ".join(cells)


def table_lines(rows: Sequence[Sequence[str]]) -> list[str]:
    """The header row, then each further row with its column names; a lone row is shown as a plain row."""
    header, body = header_and_rows(rows)
    if not header:
        return []
    lines = [header_line(header)]
    lines.extend(line for line in (row_line(header, row) for row in body) if line)
    return lines

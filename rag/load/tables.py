"""Rendering tables as text: rows of cells joined by " | " (HTML, Word, PowerPoint), or, for CSV files whose
header row is far from most rows, lines that carry their column names ("city: Oslo; age: 31")."""

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


def pipe_row(cells: Sequence[str]) -> str:
    """Cells joined by " | ", trailing empty cells dropped; an empty first cell (a corner, an icon) shows as a
    leading "|", keeping the columns apart."""
    cells = list(cells)
    while cells and not cells[-1]:
        cells.pop()
    return " | ".join(cells).strip()


def table_lines(rows: Sequence[Sequence[str]]) -> list[str]:
    """One line per row with text, the header row first, as the HTML reader renders a table."""
    return [line for line in (pipe_row([clean_cell(cell) for cell in row]) for row in rows) if line]

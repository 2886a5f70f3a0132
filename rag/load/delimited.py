"""CSV/TSV reader: the header row, then one line per row that names each value's column ("city: Oslo; ...").

A row carries its header so a passage or a quoted row read alone still says what its numbers are. The
header row is the table's structure: it opens the one section, so it reaches every passage's context.
"""

from __future__ import annotations

import csv
import io
from pathlib import PurePosixPath

from rag.errors import DocumentLoadError
from rag.load.tables import header_and_rows, pipe_row, row_line
from rag.load.text import MAX_TITLE_CHARS, decode
from rag.records import Section

_DELIMITERS = ",;\t|"
_SNIFF_CHARS = 64 * 1024


def parse(data: bytes, name: str) -> tuple[str, str, tuple[Section, ...]]:
    """Canonical text, title (the file stem: a CSV has no title) and the header's section."""
    text = decode(data, name)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), _dialect(text, name)))
    except csv.Error as exc:
        raise DocumentLoadError(f"{name}: not a readable CSV file: {exc}") from exc
    header, body = header_and_rows(rows)
    head = pipe_row(header)
    # Rows are blank-line separated so that each row is a sentence of its own for splitting and quoting.
    canonical = "\n\n".join([head, *(line for line in (row_line(header, row) for row in body) if line)]) if head else ""
    sections = (Section(title=head[:MAX_TITLE_CHARS], start=0, end=len(canonical), level=1),) if head else ()
    return canonical, PurePosixPath(name).stem[:MAX_TITLE_CHARS], sections


def _dialect(text: str, name: str) -> type[csv.Dialect] | csv.Dialect:
    if name.lower().endswith(".tsv"):
        return csv.excel_tab
    try:
        return csv.Sniffer().sniff(text[:_SNIFF_CHARS], delimiters=_DELIMITERS)
    except csv.Error:  # one column, or too irregular to tell: the standard comma dialect
        return csv.excel

"""Word (.docx) reader: the body's paragraphs and tables in order, as blank-line separated blocks.

Paragraphs styled "Title" or "Heading N" are headings and open sections; a table is one block, a line per row
(header row first, cells joined by " | "), as the HTML reader renders one. Headers, footers and comments are page chrome, left out.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from rag.errors import MissingDependencyError
from rag.load.archive import read_office
from rag.load.tables import table_lines
from rag.load.text import MAX_TITLE_CHARS, Block, assemble
from rag.records import Section

if TYPE_CHECKING:
    import docx.document
    from docx.table import Table

KIND = "Word document"
_HEADING_STYLE = re.compile(r"heading\s*(\d)$", re.IGNORECASE)
_MAX_LEVEL = 6


def parse(data: bytes, name: str) -> tuple[str, str, tuple[Section, ...]]:
    """Canonical text, title and sections of a Word document."""
    try:
        import docx
    except ImportError as exc:
        raise MissingDependencyError("reading .docx files needs python-docx: pip install python-docx") from exc
    blocks, core_title = read_office(data, name, KIND, lambda stream: _read(docx.Document(stream)))
    text, sections = assemble(blocks)
    title = core_title or next((block for block, level in blocks if level == 1), "") or PurePosixPath(name).stem
    return text, title[:MAX_TITLE_CHARS], sections


def _read(document: docx.document.Document) -> tuple[list[Block], str]:
    """The body's blocks in order, and the title of the document's properties."""
    from docx.table import Table

    blocks: list[Block] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            table = "\n".join(table_lines(_rows(item)))
            if table:
                blocks.append((table, 0))
            continue
        text = " ".join(item.text.split())
        if text:
            style = (item.style.name if item.style is not None else "") or ""
            blocks.append((f"- {text}" if style.startswith("List Bullet") else text, _heading_level(style)))
    return blocks, " ".join((document.core_properties.title or "").split())


def _heading_level(style: str) -> int:
    if style == "Title":
        return 1
    match = _HEADING_STYLE.match(style.strip())
    return min(int(match.group(1)), _MAX_LEVEL) if match and int(match.group(1)) > 0 else 0


def _rows(table: Table) -> list[list[str]]:
    """Cell texts row by row; a cell merged across columns, which python-docx repeats, is kept once."""
    rows = []
    for row in table.rows:
        cells = row.cells
        rows.append([cell.text for i, cell in enumerate(cells) if i == 0 or cell._tc is not cells[i - 1]._tc])
    return rows

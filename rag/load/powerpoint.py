"""PowerPoint (.pptx) reader: one section per slide, titled by the slide's title, speaker notes included.

A slide renders as its title (a heading; "Slide N" when it has none), then the text of its other shapes in
the deck's order (groups opened, tables a row a line as in HTML), then "Notes: " and the speaker notes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from rag.errors import MissingDependencyError
from rag.load.archive import read_office
from rag.load.tables import table_lines
from rag.load.text import MAX_TITLE_CHARS, Block, assemble
from rag.records import Section

if TYPE_CHECKING:
    import pptx.presentation
    from pptx.shapes.base import BaseShape
    from pptx.slide import Slide

KIND = "PowerPoint presentation"


def parse(data: bytes, name: str) -> tuple[str, str, tuple[Section, ...]]:
    """Canonical text, title and sections (one per slide) of a presentation."""
    try:
        import pptx
    except ImportError as exc:
        raise MissingDependencyError("reading .pptx files needs python-pptx: pip install python-pptx") from exc
    blocks, core_title, first_title = read_office(data, name, KIND, lambda stream: _read(pptx.Presentation(stream)))
    text, sections = assemble(blocks)
    title = core_title or first_title or PurePosixPath(name).stem
    return text, title[:MAX_TITLE_CHARS], sections


def _read(deck: pptx.presentation.Presentation) -> tuple[list[Block], str, str]:
    """The slides' blocks, the title of the deck's properties and the first slide title."""
    blocks: list[Block] = []
    first_title = ""
    for number, slide in enumerate(deck.slides, start=1):
        slide_blocks = _slide_blocks(slide)
        title = _one_line(slide.shapes.title.text_frame.text) if _has_title(slide) else ""
        first_title = first_title or title
        if slide_blocks or title:
            blocks.append((title or f"Slide {number}", 1))
            blocks.extend((block, 0) for block in slide_blocks)
    return blocks, _one_line(deck.core_properties.title or ""), first_title


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _has_title(slide: Slide) -> bool:
    shape = slide.shapes.title
    return shape is not None and shape.has_text_frame and bool(shape.text_frame.text.strip())


def _slide_blocks(slide: Slide) -> list[str]:
    title_id = slide.shapes.title.shape_id if slide.shapes.title is not None else None
    blocks = []
    for shape in _shapes(slide.shapes):
        if shape.shape_id == title_id:
            continue
        if getattr(shape, "has_table", False) and shape.has_table:
            rows = [[cell.text for cell in row.cells] for row in shape.table.rows]
            block = "\n".join(table_lines(rows))
        elif shape.has_text_frame:
            block = "\n".join(line for line in (_one_line(p.text) for p in shape.text_frame.paragraphs) if line)
        else:
            continue
        if block:
            blocks.append(block)
    if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
        notes = [_one_line(p.text) for p in slide.notes_slide.notes_text_frame.paragraphs]
        notes = [line for line in notes if line]
        if notes:
            blocks.append("Notes: " + "\n".join(notes))
    return blocks


def _shapes(shapes: Iterable[BaseShape]) -> Iterator[BaseShape]:
    """Shapes in the slide's order, the members of a group in place of the group."""
    for shape in shapes:
        if hasattr(shape, "shapes"):  # a group shape
            yield from _shapes(shape.shapes)
        else:
            yield shape

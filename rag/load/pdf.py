"""PDF reader: the pages' extracted text, joined by blank lines, is the canonical text; headings become sections.

Footnote reference markers set as small digits after a word are left out of the text (`pdf_runs`); headings come
from the outline when it has one, else from type size and weight (`pdf_headings`).
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from rag.errors import DocumentLoadError, MissingDependencyError
from rag.load.pdf_furniture import Page, without_furniture
from rag.load.pdf_headings import PageLine, font_headings, outline_headings
from rag.load.pdf_runs import body_size, clean_page, page_runs
from rag.load.pdf_tables import table_edits
from rag.load.text import MAX_TITLE_CHARS, first_line, sections_between
from rag.load.text_edits import apply_edits, moved
from rag.records import Section

if TYPE_CHECKING:
    from pypdf import PdfReader

# A small file can inflate to gigabytes of text; these bound what one upload may cost.
MAX_PAGES = 10_000
MAX_CHARS = 50_000_000
_CLOSED = re.compile(r"""[.!?:;]['"\u201d\u2019)\]]*$""")


def parse(data: bytes, name: str) -> tuple[str, str, tuple[Section, ...]]:
    """Canonical text, title and sections of a PDF; pages without text are left out."""
    try:
        from pypdf import PdfReader
        from pypdf.errors import DependencyError
    except ImportError as exc:
        raise MissingDependencyError("reading PDF files needs pypdf: pip install pypdf") from exc
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _opens_without_password(reader):
            raise DocumentLoadError(f"{name}: PDF is encrypted")
        if len(reader.pages) > MAX_PAGES:
            raise DocumentLoadError(f"{name}: PDF has {len(reader.pages)} pages, more than {MAX_PAGES}")
        read: list[Page] = []
        size = 0
        for number, page in enumerate(reader.pages):
            page_text, page_lines = clean_page(page_runs(page))
            size += len(page_text) + 2
            if size > MAX_CHARS:
                raise DocumentLoadError(f"{name}: PDF text is longer than {MAX_CHARS} characters")
            read.append(Page(number, page_text, page_lines))
        parts: list[str] = []
        lines: list[PageLine] = []
        size = 0
        for page in without_furniture(read):
            if parts:
                parts.append(_page_break(parts[-1], page.text))
                size += len(parts[-1])
            lines.extend(PageLine(replace(line, start=line.start + size, end=line.end + size), page.index) for line in page.lines)
            parts.append(page.text)
            size += len(page.text)
        metadata_title = _metadata_title(reader)
        text, lines = _with_tables("".join(parts), lines)
        body = body_size(pl.line for pl in lines)
        headings = outline_headings(reader, text, lines, body) or font_headings(text, lines, body)
    except (DocumentLoadError, MissingDependencyError):
        raise
    except DependencyError as exc:  # AES encryption needs the `cryptography` package
        raise MissingDependencyError(f"{name}: {exc}; install it with: pip install cryptography") from exc
    except Exception as exc:  # pypdf signals malformed input with many exception types
        raise DocumentLoadError(f"{name}: not a readable PDF: {exc}") from exc
    title = metadata_title or (first_line(text, name) if text.strip() else PurePosixPath(name).stem)
    sections = sections_between([(start, t[:MAX_TITLE_CHARS], level) for start, t, level in headings], len(text))
    return text, title[:MAX_TITLE_CHARS], sections


def _with_tables(text: str, lines: list[PageLine]) -> tuple[str, list[PageLine]]:
    """The text with its two-column tables rendered as rows of cells (`pdf_tables`), its lines moved to match."""
    edits = table_edits(text)
    if not edits:
        return text, lines
    text, shifts = apply_edits(text, edits)
    return text, [PageLine(replace(pl.line, start=moved(pl.line.start, shifts), end=moved(pl.line.end, shifts)), pl.page)
                  for pl in lines]


def _page_break(before: str, after: str) -> str:
    """A blank line between pages, or a line break where a sentence runs on over the page break (so that it
    stays one sentence): the page ends without closing punctuation and the next one starts in lower case."""
    return "\n" if after[:1].islower() and not _CLOSED.search(before) else "\n\n"


def _opens_without_password(reader: PdfReader) -> bool:
    """Many PDFs are encrypted only to set permissions, with an empty user password: those open."""
    from pypdf.errors import DependencyError

    try:
        return bool(reader.decrypt(""))
    except DependencyError:
        raise
    except Exception:
        return False


def _metadata_title(reader: PdfReader) -> str:
    try:
        title = reader.metadata.title if reader.metadata else None
    except Exception:  # a broken info dictionary must not make a readable PDF unreadable
        return ""
    return " ".join(str(title).split()) if title else ""

"""Builders of small real .docx, .pptx and .epub files (with python-docx, python-pptx and zipfile) for tests."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence


def make_docx(blocks: Sequence[tuple[str, object]], title: str = "") -> bytes:
    """A Word file from ("heading N" | "title" | "para" | "bullet", text) and ("table", rows) blocks."""
    import docx

    document = docx.Document()
    document.core_properties.title = title
    for kind, content in blocks:
        if kind == "table":
            rows = list(content)  # type: ignore[call-overload]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
        elif kind == "title":
            document.add_paragraph(str(content), style="Title")
        elif kind == "bullet":
            document.add_paragraph(str(content), style="List Bullet")
        elif kind.startswith("heading"):
            document.add_heading(str(content), level=int(kind.split()[1]))
        else:
            document.add_paragraph(str(content))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_pptx(slides: Sequence[dict], title: str = "") -> bytes:
    """A deck; each slide a dict with optional "title", "body" (lines), "table" (rows) and "notes"."""
    import pptx
    from pptx.util import Inches

    deck = pptx.Presentation()
    deck.core_properties.title = title
    for spec in slides:
        slide = deck.slides.add_slide(deck.slide_layouts[5 if "title" in spec else 6])  # title only / blank
        if "title" in spec:
            slide.shapes.title.text = spec["title"]
        if "body" in spec:
            box = slide.shapes.add_textbox(Inches(1), Inches(2), Inches(6), Inches(2))
            box.text_frame.text = "\n".join(spec["body"])
        if "table" in spec:
            rows = spec["table"]
            table = slide.shapes.add_table(len(rows), len(rows[0]), Inches(1), Inches(4), Inches(6), Inches(2)).table
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
        if "notes" in spec:
            slide.notes_slide.notes_text_frame.text = spec["notes"]
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


CONTAINER = (
    '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
    '<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>'
    "</container>"
)


def make_epub(chapters: Sequence[str], title: str = "", spine: Sequence[int] | None = None,
              extra: dict[str, str] | None = None) -> bytes:
    """An EPUB 3 book whose chapter i is an XHTML page with body `chapters[i]`, read in `spine` order."""
    items = "".join(f'<item id="c{i}" href="text/ch%20{i}.xhtml" media-type="application/xhtml+xml"/>'
                    for i in range(len(chapters)))
    items += '<item id="css" href="style.css" media-type="text/css"/>'
    order = range(len(chapters)) if spine is None else spine
    refs = "".join(f'<itemref idref="c{i}"/>' for i in order) + '<itemref idref="css"/>'
    dc_title = f"<dc:title>{title}</dc:title>" if title else ""
    opf = ('<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0">'
           f'<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">{dc_title}</metadata>'
           f"<manifest>{items}</manifest><spine>{refs}</spine></package>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        book.writestr("META-INF/container.xml", CONTAINER)
        book.writestr("OEBPS/content.opf", opf)
        book.writestr("OEBPS/style.css", "body { color: black }")
        for i, body in enumerate(chapters):
            book.writestr(f"OEBPS/text/ch {i}.xhtml",
                          '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml">'
                          f"<head><title>Chapter {i}</title></head><body>{body}</body></html>")
        for part, content in (extra or {}).items():
            book.writestr(part, content)
    return buffer.getvalue()


def zip_of(parts: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for part, content in parts.items():
            archive.writestr(part, content)
    return buffer.getvalue()


def set_encrypted_flag(data: bytes) -> bytes:
    """The same zip with general-purpose flag bit 0 ("encrypted") set on every entry, in both headers."""
    out = bytearray(data)
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = out.find(signature)
        while at != -1:
            out[at + flag_offset] |= 0x01
            at = out.find(signature, at + 4)
    return bytes(out)


def zip_bomb(inflated_bytes: int, name: str = "word/document.xml") -> bytes:
    """A zip whose one entry inflates from about a thousandth of `inflated_bytes` to `inflated_bytes` zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive, \
            archive.open(name, "w", force_zip64=True) as entry:
        chunk = b"\0" * (1 << 20)
        for _ in range(inflated_bytes >> 20):
            entry.write(chunk)
    return buffer.getvalue()

"""PDF: page texts joined by blank lines; encrypted, corrupt and oversized files are refused with a reason."""

import io

import pytest

from rag.errors import DocumentLoadError
from rag.load import load_bytes, pdf


def make_pdf(pages: list[list[str]], title: str | None = None) -> bytes:
    """A minimal hand-written PDF: one Helvetica text line per string, a correct xref table."""

    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    page_ids = [4 + 2 * i for i in range(len(pages))]
    kids = " ".join(f"{pid} 0 R" for pid in page_ids)
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for pid, lines in zip(page_ids, pages, strict=True):
        shown = " T* ".join(f"({escape(line)}) Tj" for line in lines)
        stream = f"BT /F1 12 Tf 16 TL 72 720 Td {shown} ET".encode("latin-1")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {pid + 1} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    info = ""
    if title is not None:
        objects.append(f"<< /Title ({escape(title)}) >>".encode("latin-1"))
        info = f" /Info {len(objects)} 0 R"
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R{info} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def encrypt(data: bytes, user_password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_pages_are_joined_by_blank_lines_and_empty_pages_left_out() -> None:
    doc = load_bytes(make_pdf([["Hello world", "second line"], [], ["Page three"]]), "report.pdf")
    assert doc.text == "Hello world\nsecond line\n\nPage three"
    assert doc.media_type == "application/pdf"
    assert doc.title == "Hello world"


def test_metadata_title_wins_over_first_line() -> None:
    doc = load_bytes(make_pdf([["Body text"]], title="Annual Report"), "r.pdf")
    assert doc.title == "Annual Report"


def test_blank_metadata_title_falls_back_to_first_line() -> None:
    doc = load_bytes(make_pdf([["Body text"]], title="  "), "r.pdf")
    assert doc.title == "Body text"


def test_pdf_with_a_user_password_is_refused() -> None:
    with pytest.raises(DocumentLoadError, match=r"^locked\.pdf: PDF is encrypted$"):
        load_bytes(encrypt(make_pdf([["Secret"]]), "secret"), "locked.pdf")


def test_pdf_encrypted_with_an_empty_user_password_opens() -> None:
    doc = load_bytes(encrypt(make_pdf([["Readable anyway"]]), ""), "perm.pdf")
    assert doc.text == "Readable anyway"


@pytest.mark.parametrize(
    "data",
    [b"just some text, not a PDF", b"%PDF-1.4\n" + bytes(range(256)) * 8, make_pdf([["Hello"]])[:60]],
)
def test_corrupt_pdf_is_refused(data: bytes) -> None:
    with pytest.raises(DocumentLoadError, match=r"^bad\.pdf: not a readable PDF: "):
        load_bytes(data, "bad.pdf")


def test_pdf_without_text_is_empty() -> None:
    with pytest.raises(DocumentLoadError, match="is empty"):
        load_bytes(make_pdf([[]]), "scan.pdf")


def test_too_many_pages_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "MAX_PAGES", 1)
    with pytest.raises(DocumentLoadError, match="more than 1"):
        load_bytes(make_pdf([["a"], ["b"]]), "many.pdf")


def test_too_much_text_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "MAX_CHARS", 10)
    with pytest.raises(DocumentLoadError, match="longer than 10 characters"):
        load_bytes(make_pdf([["Hello world, this is long"]]), "bomb.pdf")

"""Hostile uploads are refused with a 4xx and leave the index as it was; names are sanitised; HTML stays text."""

from __future__ import annotations

import gzip
import io
import resource
import time
import zlib
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.uploads import safe_filename

LIMIT = 64 * 1024


def make_pdf(content: bytes = b"", deflated: bytes | None = None) -> bytes:
    """A one-page PDF whose page content stream is `content`, FlateDecode-compressed (or already `deflated`)."""
    stream = deflated if deflated is not None else zlib.compress(content, 9)
    flate = b"/Filter /FlateDecode "
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< " + flate + b"/Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def deflated_zeros(size: int) -> bytes:
    """A zlib stream of `size` zero bytes, built without holding them in memory."""
    packer, chunk = zlib.compressobj(9), b"\0" * (1 << 24)
    return b"".join(packer.compress(chunk) for _ in range(size >> 24)) + packer.flush()


def text_pdf(sentence: bytes) -> bytes:
    return make_pdf(b"BT /F1 12 Tf 72 700 Td (" + sentence + b") Tj ET")


@pytest.fixture
def service(make_service, seed_index_dir):
    return make_service(copy_seed_from=seed_index_dir, max_upload_bytes=LIMIT, upload_parse_timeout_s=3.0)


@pytest.fixture
def client(service) -> Iterator[TestClient]:
    with TestClient(create_app(service=service)) as test_client:
        yield test_client


def upload(client: TestClient, name: str, data: bytes):
    return client.post("/v1/documents", files={"file": (name, data)})


def assert_refused(response, status: int, *words: str) -> None:
    assert response.status_code == status, response.text
    message = response.json()["error"]["message"]
    for word in words:
        assert word in message, message


@pytest.fixture(autouse=True)
def index_is_unchanged_by_a_refusal(request, service):
    before = service.index.manifest
    yield
    if "accepted" not in request.node.name:
        assert service.index.manifest == before
        assert service.index.check() == []


def test_a_file_over_the_size_limit_is_413(client):
    assert_refused(upload(client, "big.txt", b"word " * (LIMIT // 5 + 100)), 413, str(LIMIT))
    assert_refused(client.post("/v1/documents", json={"text": "x" * (LIMIT + 1)}), 413)


def test_an_oversized_body_without_content_length_is_cut_off_at_the_limit(client):
    def chunks() -> Iterator[bytes]:
        for _ in range(50):  # 50 x 16 KiB, chunked: far past the limit, and no Content-Length to check first
            yield b"a" * 16384

    response = client.post("/v1/documents", content=chunks(), headers={"content-type": "application/json"})
    assert_refused(response, 413)


def test_binary_data_named_txt_is_refused(client):
    assert_refused(upload(client, "photo.txt", bytes(range(256)) * 8), 422, "binary")
    assert_refused(upload(client, "archive.txt", gzip.compress(b"hello " * 10000)), 422, "archive.txt")


def test_invalid_utf8_is_refused(client):
    assert_refused(upload(client, "latin.txt", "Café society met at noon.".encode("latin-1")), 422, "UTF-8")


def test_unsupported_types_and_bodies_are_415(client):
    assert_refused(upload(client, "tool.exe", b"MZ\x90\x00"), 415, "unsupported")
    assert_refused(upload(client, "noextension", b"plain words"), 415)
    assert_refused(client.post("/v1/documents", content=b"text", headers={"content-type": "text/plain"}), 415)
    assert_refused(client.post("/v1/documents", data={"title": "a form"}), 415)  # urlencoded
    assert_refused(client.post("/v1/documents", files={"title": (None, "no file")}), 422, "file")


def test_corrupt_and_encrypted_pdfs_are_refused(client):
    good = text_pdf(b"The ferry leaves at nine.")
    assert_refused(upload(client, "cut.pdf", good[: len(good) // 2]), 422, "cut.pdf")
    assert_refused(upload(client, "junk.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 20), 422)

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(good)))
    writer.encrypt("secret", algorithm="RC4-128")
    locked = io.BytesIO()
    writer.write(locked)
    assert_refused(upload(client, "locked.pdf", locked.getvalue()), 422, "encrypted")


def test_a_pdf_decompression_bomb_is_refused_without_exhausting_memory(client):
    bomb = make_pdf(deflated=deflated_zeros(1 << 28))  # 256 MiB of zeros inflate from about 260 KB
    own_peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    response = _upload_with_limit(client, "bomb.pdf", bomb, limit=len(bomb) + 1)
    assert_refused(response, 422, "bomb.pdf")
    # The parsing happened in a child process: this process did not grow by the inflated size.
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - own_peak_before
    assert grown_kib < 100_000


def test_a_pdf_that_costs_minutes_of_cpu_is_stopped_at_the_time_limit(client):
    # 200k text operators: pypdf needs minutes for this page; the upload's limit here is 3 s of CPU.
    heavy = make_pdf(b"BT /F1 12 Tf 72 700 Td " + b"(Hello world) Tj 0 -14 Td " * 200_000 + b" ET")
    assert len(heavy) < LIMIT
    started = time.monotonic()
    response = upload(client, "heavy.pdf", heavy)
    assert_refused(response, 422, "heavy.pdf")
    # On a busy machine the wall-clock limit can fire before the CPU limit; either is the time limit.
    message = response.json()["error"]["message"]
    assert "CPU" in message or "took longer" in message, message
    assert time.monotonic() - started < 30


def test_accepted_html_keeps_markup_as_text_and_drops_scripts(client):
    page = (b"<html><head><title>Lamp notice</title><script>window.pwned = 1</script></head><body>"
            b"<h1>Lamp notice</h1><p>Write &lt;script&gt;alert(1)&lt;/script&gt; on the lamp room door.</p>"
            b"<p>The lamp room opens at dusk every evening for the keepers.</p></body></html>")
    created = upload(client, "notice.html", page)
    assert created.status_code == 201, created.text
    text = client.get(f"/v1/documents/{created.json()['id']}").json()["text"]
    assert "<script>alert(1)</script>" in text  # the visible text, kept literally, for the page to escape
    assert "window.pwned" not in text  # the real script is not content


def test_accepted_pdf_with_text(client):
    created = upload(client, "ferry.pdf", text_pdf(b"The ferry to Ormsby leaves at nine every morning."))
    assert created.status_code == 201, created.text
    assert created.json()["media_type"] == "application/pdf"


@pytest.mark.parametrize(("given", "stored"), [
    ("../../etc/passwd.txt", "passwd.txt"),
    ("/etc/cron.d/evil.md", "evil.md"),
    ("C:\\Users\\x\\..\\report.txt", "report.txt"),
    (".hidden.txt", "hidden.txt"),
    ("a\x00b\x1f<c>|d.txt", "a_b_c_d.txt"),
    ("..", "upload"),
    ("", "upload"),
    ("  spaced   name .md", "spaced name.md"),
    ("x" * 300 + ".txt", "x" * 120 + ".txt"),
])
def test_file_names_are_sanitised(given, stored):
    assert safe_filename(given) == stored


def test_accepted_upload_with_a_traversal_name_is_stored_under_uploads(client):
    created = upload(client, "../../../tmp/escape.txt", b"Escape notes\n\nThe tunnel was sealed in 1952.\n")
    assert created.status_code == 201, created.text
    assert created.json()["source"] == "uploads/escape.txt"


def _upload_with_limit(client: TestClient, name: str, data: bytes, limit: int):
    """Uploads through an app whose size limit admits `data`, so the parser (not the size check) must refuse it."""
    service = client.app.state.service
    original = service.settings
    service.settings = original.with_overrides(max_upload_bytes=limit)
    try:
        return upload(client, name, data)
    finally:
        service.settings = original


def test_accepted_word_upload_keeps_its_headings(client):
    from tests.rag.load.office_files import make_docx

    data = make_docx([("heading 1", "Ferry timetable"), ("para", "The ferry to Ormsby leaves at nine every morning.")])
    created = upload(client, "ferry.docx", data)
    assert created.status_code == 201, created.text
    assert created.json()["media_type"].endswith("wordprocessingml.document")
    doc = client.get(f"/v1/documents/{created.json()['id']}").json()
    assert doc["text"] == "Ferry timetable\n\nThe ferry to Ormsby leaves at nine every morning."


@pytest.mark.parametrize("suffix", [".docx", ".pptx", ".epub"])
def test_a_zip_bomb_named_as_an_office_file_or_book_is_refused(client, suffix):
    from tests.rag.load.office_files import zip_bomb

    bomb = zip_bomb(256 * 1024**2)  # 256 MiB of zeros in about 256 KB
    own_peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert_refused(_upload_with_limit(client, f"bomb{suffix}", bomb, limit=len(bomb) + 1), 422, f"bomb{suffix}", "zip bomb")
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - own_peak_before < 100_000


@pytest.mark.parametrize("suffix", [".docx", ".pptx", ".epub"])
def test_corrupt_encrypted_and_mislabelled_zip_files_are_refused(client, suffix):
    from tests.rag.load.office_files import make_docx, make_epub, make_pptx, set_encrypted_flag

    makers = {".docx": lambda: make_docx([("para", "The lamp is lit at dusk.")]),
              ".pptx": lambda: make_pptx([{"title": "Lamp", "body": ["The lamp is lit at dusk."]}]),
              ".epub": lambda: make_epub(["<p>The lamp is lit at dusk.</p>"])}
    good = makers[suffix]()
    assert_refused(upload(client, f"cut{suffix}", good[: len(good) // 2]), 422, f"cut{suffix}", "not a readable")
    assert_refused(upload(client, f"locked{suffix}", set_encrypted_flag(good)), 422, f"locked{suffix}", "encrypted")
    other = makers[{".docx": ".pptx", ".pptx": ".epub", ".epub": ".docx"}[suffix]]()
    assert_refused(upload(client, f"other{suffix}", other), 422, f"other{suffix}", "not a readable")
    assert_refused(upload(client, f"text{suffix}", b"plain words, not a zip"), 422, f"text{suffix}")

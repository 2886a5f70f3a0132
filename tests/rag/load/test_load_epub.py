"""EPUB: chapters in spine order, each rendered by the HTML reader; headings are sections across the book."""

import pytest

from rag.errors import DocumentLoadError
from rag.load import load_bytes
from tests.rag.load.office_files import CONTAINER, make_epub, zip_of


def test_chapters_follow_the_spine_and_headings_become_sections() -> None:
    data = make_epub(["<h1>Arrival</h1><p>The ferry docked.</p>",
                      "<h1>Departure</h1><h2>At dawn</h2><p>We left <b>early</b>.</p><nav>skip me</nav>"],
                     title="The Lighthouse", spine=[1, 0])
    doc = load_bytes(data, "book.epub")
    assert doc.text == "Departure\n\nAt dawn\n\nWe left early.\n\nArrival\n\nThe ferry docked."
    assert doc.title == "The Lighthouse"
    assert doc.media_type == "application/epub+zip"
    assert [(s.title, s.level) for s in doc.sections] == [("Departure", 1), ("At dawn", 2), ("Arrival", 1)]
    for section, following in zip(doc.sections, [*doc.sections[1:], None], strict=True):
        assert doc.text[section.start : section.start + len(section.title)] == section.title
        assert section.end == (following.start if following else len(doc.text))


def test_title_falls_back_to_the_first_chapter_heading() -> None:
    assert load_bytes(make_epub(["<h1>Arrival</h1><p>x</p>"]), "b.epub").title == "Arrival"


def test_a_book_encrypted_with_drm_is_refused_but_obfuscated_fonts_are_not() -> None:
    drm = ('<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
           'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData>'
           '<enc:CipherData><enc:CipherReference URI="OEBPS/text/ch%200.xhtml"/></enc:CipherData>'
           "</enc:EncryptedData></encryption>")
    with pytest.raises(DocumentLoadError, match=r"^drm\.epub: EPUB book is encrypted"):
        load_bytes(make_epub(["<p>secret</p>"], extra={"META-INF/encryption.xml": drm}), "drm.epub")
    fonts = drm.replace("OEBPS/text/ch%200.xhtml", "OEBPS/fonts/a.otf")
    assert load_bytes(make_epub(["<p>open</p>"], extra={"META-INF/encryption.xml": fonts}), "f.epub").text == "open"


@pytest.mark.parametrize(("parts", "reason"), [
    ({"mimetype": b"application/epub+zip"}, "META-INF/container.xml is missing"),
    ({"META-INF/container.xml": CONTAINER.encode()}, "OEBPS/content.opf is missing"),
    ({"META-INF/container.xml": b"<container"}, "not valid XML"),
    ({"META-INF/container.xml": b'<!DOCTYPE x [<!ENTITY a "aaaa">]><container>&a;</container>'},
     "declares XML entities"),
])
def test_a_broken_package_is_refused_with_the_reason(parts: dict[str, bytes], reason: str) -> None:
    with pytest.raises(DocumentLoadError, match=r"^broken\.epub: .*" + reason):
        load_bytes(zip_of(parts), "broken.epub")


def test_a_book_without_readable_chapters_is_refused() -> None:
    with pytest.raises(DocumentLoadError, match="no chapters"):
        load_bytes(make_epub([]), "empty.epub")

"""Plain text: the decoded file is kept byte-for-byte as the canonical text; headings are found conservatively."""

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rag.errors import DocumentLoadError
from rag.load import load_bytes, load_path

SEED = Path(__file__).resolve().parents[3] / "seeds" / "000_fb07636c2cdaa24d.txt"


def test_canonical_text_is_the_file_unchanged_with_crlf_and_trailing_spaces() -> None:
    raw = "Title line  \r\n\r\nBody with  double  spaces.\r\n\tindented\r\n"
    doc = load_bytes(raw.encode(), "notes.txt")
    assert doc.text == raw
    assert doc.title == "Title line"
    assert doc.media_type == "text/plain"
    start = doc.text.index("double")
    assert doc.text[start : start + len("double  spaces")] == "double  spaces"


def test_utf8_bom_is_stripped_and_offsets_count_characters() -> None:
    doc = load_bytes("\ufeffcafé crème\n".encode(), "bom.txt")
    assert doc.text == "café crème\n"
    assert doc.text[5:10] == "crème"


def test_utf16_with_bom_is_decoded() -> None:
    doc = load_bytes("Hello UTF-16\nsecond line\n".encode("utf-16"), "wide.txt")
    assert doc.text == "Hello UTF-16\nsecond line\n"


def test_invalid_utf8_is_refused() -> None:
    with pytest.raises(DocumentLoadError, match=r"latin\.txt: not valid UTF-8 text"):
        load_bytes("café".encode("latin-1"), "latin.txt")


def test_nul_bytes_are_binary() -> None:
    with pytest.raises(DocumentLoadError, match="looks like binary data"):
        load_bytes(b"PK\x03\x04\x00\x00binary\x00", "archive.txt")


def test_mostly_control_characters_are_binary() -> None:
    with pytest.raises(DocumentLoadError, match="looks like binary data"):
        load_bytes(bytes(range(1, 9)) * 50 + b"some text", "blob.txt")


@pytest.mark.parametrize("data", [b"", b"   \n\t\n", "\ufeff".encode(), "\n".encode("utf-16")])
def test_empty_or_blank_file_is_refused(data: bytes) -> None:
    with pytest.raises(DocumentLoadError, match="is empty"):
        load_bytes(data, "blank.txt")


def test_title_is_first_nonempty_line_capped_at_200_chars() -> None:
    doc = load_bytes(("\n\n   " + "x" * 300 + "\nbody\n").encode(), "long.txt")
    assert doc.title == "x" * 200


def test_seed_headings_become_sections_that_tile_the_rest_of_the_text() -> None:
    doc = load_path(SEED)
    titles = [s.title for s in doc.sections]
    assert titles == [
        "1. Appraisal of President Vladimir Putin's visit to Japan",
        "2. Reform of the United Nations",
        "3. Leaks of secret documents by a Maritime Self-Defense Force official",
    ]
    for section, following in zip(doc.sections, doc.sections[1:], strict=False):
        assert section.end == following.start
    assert doc.sections[-1].end == len(doc.text)
    for section in doc.sections:
        assert doc.text[section.start : section.start + len(section.title)] == section.title
        assert section.level == 1


def test_lines_ending_like_sentences_or_lead_ins_are_not_headings() -> None:
    raw = (
        "Intro paragraph that is long enough to be body text for this test, really.\n\n"
        "The following applies:\n\n"
        "Body text of the statement follows here and it is a sentence.\n\n"
        "Short sentence.\n\n"
        "More body text that is clearly a paragraph of prose in the file.\n"
    )
    assert load_bytes(raw.encode(), "a.txt").sections == ()


def test_runs_of_short_lines_and_trailing_links_are_not_headings() -> None:
    raw = "Roses are red\n\nViolets are blue\n\nSugar is sweet\n\nAnd so are you\n\nBack to Index\n"
    assert load_bytes(raw.encode(), "poem.txt").sections == ()


def test_numbered_heading_depth_sets_level() -> None:
    raw = "2 Setup\n\nInstall it first.\n\n2.1 Requirements\n\nYou need Python.\n"
    doc = load_bytes(raw.encode(), "manual.txt")
    assert [(s.title, s.level, s.start) for s in doc.sections] == [
        ("2 Setup", 1, 0),
        ("2.1 Requirements", 2, raw.index("2.1")),
    ]
    assert doc.sections[0].end == raw.index("2.1")


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1).filter(str.strip))
def test_any_printable_text_round_trips_and_sections_lie_inside_it(raw: str) -> None:
    doc = load_bytes(raw.encode("utf-8"), "prop.txt")
    assert doc.text == raw
    for section in doc.sections:
        assert 0 <= section.start < section.end <= len(doc.text)
        assert doc.text[section.start :].startswith(section.title)

"""Word: paragraphs and tables in order, "Title"/"Heading N" styles as sections, tables a row a line as in HTML."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rag.errors import DocumentLoadError
from rag.load import load_bytes
from tests.rag.load.office_files import make_docx


def test_headings_paragraphs_lists_and_tables_render_in_order_with_sections() -> None:
    data = make_docx([
        ("title", "Workshop Handbook"),
        ("heading 1", "Safety"),
        ("para", "Wear   a helmet in the yard."),
        ("bullet", "Gloves for the lathe"),
        ("table", [["Tool", "Use"], ["Saw", "cutting boards"], ["Drill", ""]]),
        ("heading 2", "Storage"),
        ("para", "Keep tools dry."),
    ])
    doc = load_bytes(data, "handbook.docx")
    assert doc.text == (
        "Workshop Handbook\n\nSafety\n\nWear a helmet in the yard.\n\n- Gloves for the lathe\n\n"
        "Tool | Use\nSaw | cutting boards\nDrill\n\nStorage\n\nKeep tools dry."
    )
    assert doc.title == "Workshop Handbook"
    assert doc.media_type.endswith("wordprocessingml.document")
    assert [(s.title, s.level) for s in doc.sections] == [("Workshop Handbook", 1), ("Safety", 1), ("Storage", 2)]
    for section in doc.sections:
        assert doc.text[section.start : section.start + len(section.title)] == section.title
    assert doc.sections[-1].end == len(doc.text)


def test_core_title_wins_then_first_heading_then_stem() -> None:
    assert load_bytes(make_docx([("heading 1", "Intro"), ("para", "x")], title="Annual Report"), "a.docx").title \
        == "Annual Report"
    assert load_bytes(make_docx([("heading 1", "Intro"), ("para", "x")]), "a.docx").title == "Intro"
    assert load_bytes(make_docx([("para", "just text")]), "minutes-2026.docx").title == "minutes-2026"


def test_a_document_without_text_is_empty() -> None:
    with pytest.raises(DocumentLoadError, match="blank.docx is empty"):
        load_bytes(make_docx([]), "blank.docx")


def test_another_office_file_named_docx_is_refused_with_the_reason() -> None:
    from tests.rag.load.office_files import make_pptx

    with pytest.raises(DocumentLoadError, match=r"^slides\.docx: not a readable Word document: .*presentation"):
        load_bytes(make_pptx([{"title": "Hello"}]), "slides.docx")


_TEXT = st.text(alphabet="abc XY.", min_size=1, max_size=15).filter(lambda t: t.strip())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["heading 1", "heading 2", "heading 3", "para", "bullet"]), _TEXT),
                min_size=1, max_size=8))
def test_sections_point_at_their_headings_in_the_canonical_text(blocks: list[tuple[str, str]]) -> None:
    doc = load_bytes(make_docx(blocks), "prop.docx")
    headings = [" ".join(text.split()) for kind, text in blocks if kind.startswith("heading")]
    assert [s.title for s in doc.sections] == headings
    for section in doc.sections:
        assert doc.text[section.start : section.start + len(section.title)] == section.title
        assert section.start < section.end <= len(doc.text)
    assert "\n\n\n" not in doc.text

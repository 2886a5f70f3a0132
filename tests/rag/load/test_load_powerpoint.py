"""PowerPoint: one section per slide titled by the slide title ("Slide N" without one); notes included."""

import pytest

from rag.errors import DocumentLoadError
from rag.load import load_bytes
from tests.rag.load.office_files import make_docx, make_pptx


def test_each_slide_is_a_section_with_its_body_tables_and_notes() -> None:
    data = make_pptx([
        {"title": "Launch plan", "body": ["Ship in May", "Hire two  engineers"], "notes": "Mention the budget."},
        {"body": ["An untitled slide"], "table": [["Quarter", "Revenue"], ["Q1", "3M"]]},
        {},  # an empty slide adds nothing
        {"title": "Questions"},
    ])
    doc = load_bytes(data, "deck.pptx")
    assert doc.text == (
        "Launch plan\n\nShip in May\nHire two engineers\n\nNotes: Mention the budget.\n\n"
        "Slide 2\n\nAn untitled slide\n\nQuarter | Revenue\nQ1 | 3M\n\nQuestions"
    )
    assert [s.title for s in doc.sections] == ["Launch plan", "Slide 2", "Questions"]
    assert all(s.level == 1 for s in doc.sections)
    for section, following in zip(doc.sections, [*doc.sections[1:], None], strict=True):
        assert doc.text[section.start : section.start + len(section.title)] == section.title
        assert section.end == (following.start if following else len(doc.text))
    assert doc.title == "Launch plan"
    assert doc.media_type.endswith("presentationml.presentation")


def test_core_title_names_the_deck() -> None:
    assert load_bytes(make_pptx([{"title": "Intro"}], title="Quarterly review"), "q.pptx").title == "Quarterly review"


def test_a_word_file_named_pptx_is_refused() -> None:
    with pytest.raises(DocumentLoadError, match=r"^doc\.pptx: not a readable PowerPoint presentation: "):
        load_bytes(make_docx([("para", "hello")]), "doc.pptx")

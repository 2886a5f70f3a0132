"""Markdown: the file is the canonical text; ATX and setext headings become sections, code fences do not."""

from hypothesis import given
from hypothesis import strategies as st

from rag.load import load_bytes

GUIDE = """# Guide

Intro text.

## Install ##

Run it:

```sh
# not a heading
pip install thing
```

Setup
=====

Text under setext.

Options
-------

- a list item
---

#hashtag is not a heading
    # indented code is not a heading
"""


def sections_of(text: str) -> list[tuple[str, int, str]]:
    doc = load_bytes(text.encode(), "guide.md")
    return [(s.title, s.level, doc.text[s.start : s.end]) for s in doc.sections]


def test_markdown_text_is_unchanged() -> None:
    doc = load_bytes(GUIDE.encode(), "guide.md")
    assert doc.text == GUIDE
    assert doc.media_type == "text/markdown"


def test_atx_and_setext_headings_with_levels_and_spans() -> None:
    doc = load_bytes(GUIDE.encode(), "guide.md")
    assert [(s.title, s.level) for s in doc.sections] == [
        ("Guide", 1),
        ("Install", 2),
        ("Setup", 1),
        ("Options", 2),
    ]
    starts = [s.start for s in doc.sections]
    assert starts == [GUIDE.index("# Guide"), GUIDE.index("## Install"), GUIDE.index("Setup\n"), GUIDE.index("Options")]
    assert [s.end for s in doc.sections] == starts[1:] + [len(GUIDE)]
    assert "# not a heading" in doc.text[doc.sections[1].start : doc.sections[1].end]


def test_title_is_first_heading_else_first_line() -> None:
    assert load_bytes(GUIDE.encode(), "guide.md").title == "Guide"
    assert load_bytes(b"\nJust some notes\n\nmore\n", "notes.markdown").title == "Just some notes"


def test_front_matter_is_not_a_heading_and_gives_the_title() -> None:
    text = '---\ntitle: "Release notes"\ndate: 2024-01-01\n---\n\nBody\n---\n'
    doc = load_bytes(text.encode(), "notes.md")
    assert doc.title == "Release notes"
    assert [s.title for s in doc.sections] == ["Body"]


def test_unclosed_fence_hides_the_rest() -> None:
    text = "# Top\n\n~~~\n# inside\n"
    assert [title for title, _, _ in sections_of(text)] == ["Top"]


def test_multiline_setext_heading_starts_at_its_first_line() -> None:
    text = "intro\n\nA long\nheading\n---\nbody\n"
    assert sections_of(text) == [("A long heading", 2, "A long\nheading\n---\nbody\n")]


@given(st.lists(st.sampled_from(["# H", "## Sub", "text", "", "```", "---", "===", "- item"]), max_size=30))
def test_sections_are_ordered_and_lie_inside_the_text(lines: list[str]) -> None:
    text = "\n".join(lines) + "\nend\n"
    doc = load_bytes(text.encode(), "prop.md")
    assert doc.text == text
    previous_end = 0
    for section in doc.sections:
        assert previous_end <= section.start < section.end <= len(text)
        previous_end = section.end

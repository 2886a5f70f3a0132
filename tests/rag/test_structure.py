"""Layout roles read off lines: terms, descriptions, table headers, list lead-ins; and the splitters keeping them."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.load import load_bytes
from rag.records import Document
from rag.sentences import sentence_spans
from rag.split import SplitConfig, split_document, whitespace_token_counter
from rag.structure import (
    asked_cell,
    heading_entry,
    inline_term,
    layout,
    lead_in,
    markdown_header,
    row_cells,
    strong_term,
)
from rag.terms import content_stems


@dataclass(frozen=True)
class _S:
    start: int
    end: int
    text: str


def _sentences(text: str) -> tuple[list[_S], object]:
    spans = [_S(s, e, text[s:e]) for s, e in sentence_spans(text)]
    return spans, lambda a, b: text[spans[a].end : spans[b].start]


def _index(sentences: list[_S], prefix: str) -> int:
    return next(i for i, s in enumerate(sentences) if s.text.startswith(prefix))


def test_a_marked_up_term_describes_the_paragraph_a_blank_line_below():
    text = "## Terms\n\n**Normalisation**\n\nRemoving redundant separators. It makes paths compare equal.\n"
    sentences, gap = _sentences(text)
    found = layout(sentences, _index(sentences, "It makes"), gap)
    assert found is not None and found.term == "Normalisation"
    assert sentences[found.first].text == "**Normalisation**"  # the quote runs from the term to the sentence


def test_a_plain_short_line_a_blank_line_above_is_a_heading_not_a_term():
    text = "Installation\n\nRun the installer and follow the prompts.\n"
    sentences, gap = _sentences(text)
    assert layout(sentences, 1, gap) is None


def test_signatures_headings_code_spans_and_pandoc_terms():
    assert strong_term("### os.path.join(path, *paths)") == "os.path.join(path, *paths)"
    assert strong_term("jinja-filters.trim(value: str) → str") == "jinja-filters.trim(value: str) → str"
    assert strong_term("`basename`") == "basename"
    assert strong_term("-o FILE, --output=FILE") == "-o FILE, --output=FILE"
    assert strong_term("Installation") is None
    assert strong_term("The result (see below)") is None
    text = "Symbolic link\n\n: A file that points at another file.\n"
    sentences, gap = _sentences(text)
    found = layout(sentences, 1, gap)
    assert found is not None and found.term == "Symbolic link" and found.first == 0


def test_a_field_lists_code_name_before_its_colon_is_a_term_and_a_label_is_not():
    assert strong_term("coerce_list:") == "coerce_list"
    assert strong_term("‘ip_addr’:") == "ip_addr"
    assert strong_term("'tuple':") == "tuple"
    assert strong_term("Returns:") is None
    assert strong_term("Example:") is None
    text = "coerce_list:\nmatches any list. Wraps a single value into a list.\n"
    sentences, gap = _sentences(text)
    found = layout(sentences, 2, gap)  # the description's second sentence is the term's too
    assert found is not None and found.term == "coerce_list" and found.first == 0


def test_one_line_definitions_need_markup_an_option_or_a_run_of_them():
    assert inline_term("- `--follow`: resolve symbolic links first.") == "--follow"
    assert inline_term("  -v, --verbose    Print more.") == "-v, --verbose"
    assert inline_term("* `--quiet` — print nothing but errors.") == "--quiet"
    assert inline_term("Note: the cache is cleared on restart.") is None  # one such line is prose
    assert inline_term(":returns: the joined path, separators collapsed.") == "returns"  # a reST field
    glossary = "DOTFILE: a file whose name starts with a dot.\ninode  -  the record that keeps a file's owner.\n"
    sentences, gap = _sentences(glossary)
    assert [layout(sentences, i, gap).term for i in range(2)] == ["DOTFILE", "inode"]


def test_a_list_item_finds_its_lead_in_across_earlier_items():
    text = "The tool applies these rewrites:\n  * one\n  * two is\n    wrapped here\n  * three\n\nAfter the list.\n"
    sentences, gap = _sentences(text)
    assert lead_in(sentences, _index(sentences, "* three"), gap) == 0
    assert lead_in(sentences, _index(sentences, "After"), gap) is None


def test_markdown_and_rendered_table_rows():
    assert row_cells("| Windows  | backslash | UTF-16 |") == ["Windows", "backslash", "UTF-16"]
    assert row_cells("LRUCache | discards the least recently used") == ["LRUCache", "discards the least recently used"]
    assert row_cells("|---|:---:|") is None and row_cells("plain words") is None
    text = "| os | sep |\n|----|-----|\n| Linux | slash |\n| Windows | backslash |\n"
    sentences, gap = _sentences(text)
    assert markdown_header(sentences, 3, gap) == ["os", "sep"]
    assert markdown_header(sentences, 0, gap) is None  # the header row heads no row above it
    asked = content_stems("What is the separator on Windows?")
    assert asked_cell(["os", "separator"], ["Windows", "backslash"], asked) == "backslash"
    assert asked_cell(["os", "separator"], ["Linux", "slash"], content_stems("Which separator?")) is None


def test_a_long_signature_is_not_glued_to_the_description_below_it():
    signature = "werkzeug.utils.redirect(location, code=302, Response=None)"
    text = f"{signature}\nReturns a response object that redirects the client.\n"
    assert [text[s:e] for s, e in sentence_spans(text)][0] == signature
    pandoc = "A term long enough to pass for the start of a wrapped line\n: its description.\n"
    assert len(sentence_spans(pandoc)) == 2


def test_a_passage_boundary_keeps_a_list_with_its_lead_in():
    items = "".join(f"  * item {n} does one small thing\n" for n in range(3))
    text = "First a long paragraph of plain words that fills a passage well.\n" \
           f"Then the tool applies these rewrites:\n{items}"
    doc = Document(id="d", source="d.txt", title="T", text=text, content_hash="h")
    passages = split_document(doc, SplitConfig(max_tokens=30, overlap_tokens=0), whitespace_token_counter)
    holding = [p for p in passages if "item 2" in p.text]
    assert holding and all(p.text.startswith("Then the tool applies these rewrites:") for p in holding)
    assert all(p.text == text[p.start : p.end] for p in passages)


def test_a_passage_boundary_keeps_a_command_with_the_words_that_go_on_about_it():
    text = "First a long paragraph of plain words that fills a passage well enough.\nFinally,\n\n$ gitk\n\n" \
           "will show a nice graphical representation of the resulting history.\n"
    doc = Document(id="d", source="d.txt", title="T", text=text, content_hash="h")
    passages = split_document(doc, SplitConfig(max_tokens=16, overlap_tokens=0), whitespace_token_counter)
    holding = [p for p in passages if "will show" in p.text]
    assert holding and all("$ gitk" in p.text for p in holding)
    from rag.answer_phrases import command_line

    assert command_line("$ gitk") == "gitk"  # a program run bare at a prompt is a command
    assert command_line("gitk") is None  # ... a bare word without one is not


lines = st.sampled_from([
    "A plain sentence of prose.", "Lead-in to a list:", "  * an item", "- `--opt`: does a thing.",
    "**Term**", "`code`", "name(arg, other=1)", ": a Pandoc description.", "| a | b |", "|---|---|",
    "TERM: a glossary entry of words.", "  -v, --verbose    Print more.", "### heading(x)", "",
])


@settings(max_examples=150, deadline=None)
@given(parts=st.lists(lines, min_size=1, max_size=40), max_tokens=st.integers(8, 40), overlap=st.integers(0, 7))
def test_structured_documents_still_split_into_exact_ordered_passages(parts, max_tokens, overlap):
    text = "\n".join(parts) + "\n"
    if not text.strip():
        return
    doc = Document(id="d", source="d.md", title="T", text=text, content_hash="h")
    passages = split_document(doc, SplitConfig(max_tokens, overlap), whitespace_token_counter)
    for prev, p in zip(passages, passages[1:], strict=False):
        assert prev.start < p.start and prev.end < p.end
    for p in passages:
        assert p.text == text[p.start : p.end]
        sentences, gap = _sentences(p.text)
        for i in range(len(sentences)):
            found = layout(sentences, i, gap)
            assert found is None or 0 <= found.first <= i <= found.last < len(sentences)


def test_manual_page_section_names_are_headings_but_terms_above_indented_text_are_not():
    text = "NAME\n    tool - does things\n\nOPTIONS\n  -v  Print more.\n\ncolor_mode\n    When set, colours.\n"
    titles = [s.title for s in load_bytes(text.encode(), "tool.txt").sections]
    assert "NAME" in titles and "OPTIONS" in titles and "color_mode" not in titles


@pytest.mark.parametrize(("line", "entry"), [
    ("## `path.basename(path[, suffix])`", "path.basename(path[, suffix])"),
    ("### `-C condition`, `--conditions=condition`", "-C condition, --conditions=condition"),
    ("### Class: `EventEmitter`", "class EventEmitter"),
    ("### Event: `'close'`", "event 'close'"),
    ("## `os.EOL` ##", "os.EOL"),
    ("### `--max-old-space-size=SIZE` (in megabytes)", "--max-old-space-size=SIZE"),
    (".. function:: join(path, *paths)", "join(path, *paths)"),
    (".. py:class:: Kiln(size)", "class Kiln(size)"),
    ("## Windows vs. POSIX", None),  # a heading of prose names no entry
    ("## Using `path.win32`", None),  # ... nor one that only mentions code
    ("`path.sep`", None),  # a code span alone is no heading
])
def test_a_heading_that_is_code_names_an_api_entry(line, entry):
    assert heading_entry(line) == entry
    if entry:
        assert strong_term(line) == entry


def test_a_passage_that_starts_mid_line_keeps_its_first_sentence_whole():
    text = "It is exported to allow\napplication code to replace it. Next.\n"
    assert [text[s:e] for s, e in sentence_spans(text)] == ["It is exported to allow\napplication code to replace it.",
                                                          "Next."]

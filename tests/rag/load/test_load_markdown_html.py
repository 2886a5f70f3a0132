"""Raw HTML in Markdown: comments left out (metadata kept as its lines), HTML blocks rendered, code left alone."""

from rag.load import load_bytes
from rag.load.markdown_html import render

ENTRY = """## `kiln.fire(pieces)`

<!-- YAML
added: v2.1.0
changes:
  - version:
    - v3.0.0
    - v2.9.1
    pr-url: https://example.org/kiln/pull/12
    description: >-
      The `cone` option
      accepts fractions.
  - version: v2.5.0
    pr-url: https://example.org/kiln/pull/7
    description: Returns a promise.
-->

* `pieces` {Array}
"""


def test_a_metadata_comment_keeps_its_facts_and_shows_a_history_as_a_table() -> None:
    assert render(ENTRY) == """## `kiln.fire(pieces)`

added: v2.1.0
changes:
version | description
v3.0.0, v2.9.1 | The `cone` option accepts fractions.
v2.5.0 | Returns a promise.

* `pieces` {Array}
"""


def test_a_list_of_values_joins_its_key_and_link_lines_are_left_out() -> None:
    text = "<!-- YAML\nadded:\n  - v13.11.0\n  - v12.17.0\nsource: https://example.org/x\n-->\nBody.\n"
    assert render(text) == "added: v13.11.0, v12.17.0\nBody.\n"


def test_other_comments_show_nothing_and_take_their_blank_lines_with_them() -> None:
    text = "# Kiln\n\n<!--introduced_in=v2.0.0-->\n\n<!-- a note\nfor editors -->\n\nThe kiln fires clay.\n"
    assert render(text) == "# Kiln\n\nThe kiln fires clay.\n"


def test_an_html_table_is_rendered_one_row_a_line_as_the_html_reader_does() -> None:
    text = ("Signals:\n\n<table>\n  <tr><th>Constant</th><th>Description</th></tr>\n"
            "  <tr><td><code>SIGINT</code></td><td>Sent when a user presses\n    <kbd>Ctrl</kbd>+<kbd>C</kbd>.</td></tr>\n"
            "</table>\n\nAfter.\n")
    assert render(text) == "Signals:\n\nConstant | Description\nSIGINT | Sent when a user presses Ctrl+C.\n\nAfter.\n"


def test_an_anchor_alone_on_its_line_shows_nothing() -> None:
    assert render('Intro.\n\n<a id="old-name"></a>\n\n## Heading\n') == "Intro.\n\n## Heading\n"


def test_html_in_code_inline_comments_and_unclosed_comments_stay_as_written() -> None:
    text = ("```html\n<table><tr><td>x</td></tr></table>\n<!-- kept -->\n```\n\n"
            "Text with <!-- an inline --> comment.\n\n    <table>indented code</table>\n\n<!-- never closed\n")
    assert render(text) == text


def test_a_lone_tag_does_not_interrupt_a_paragraph() -> None:
    text = "A paragraph line\n<span>inline</span>\nmore.\n"
    assert render(text) == text


def test_the_loader_stores_the_rendering_and_sections_index_into_it() -> None:
    doc = load_bytes((b"# Kiln\n\n<!-- YAML\ndeprecated: v7.0.0\n-->\n\n## Cones\n\n<table><tr><td>06</td><td>bisque</td>"
                      b"</tr></table>\n"), "kiln.md")
    assert doc.text == "# Kiln\n\ndeprecated: v7.0.0\n\n## Cones\n\n06 | bisque\n"
    assert [(s.title, doc.text[s.start : s.end].split("\n", 1)[0]) for s in doc.sections] == [
        ("Kiln", "# Kiln"), ("Cones", "## Cones")]

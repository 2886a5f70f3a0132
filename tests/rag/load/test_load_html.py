"""HTML: content is rendered into blank-line separated blocks; chrome, scripts and hidden parts are dropped."""

import gzip
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rag.errors import DocumentLoadError
from rag.load import load_bytes


def render(html: str, name: str = "page.html") -> str:
    return load_bytes(html.encode(), name).text


def test_headings_and_paragraphs_are_blocks_with_sections() -> None:
    doc = load_bytes(
        b"<html><head><title> My  Page </title></head><body>"
        b"<h1>Intro</h1><p>First   para\n spans lines.</p><h2>Details</h2><p>Second.</p></body></html>",
        "page.html",
    )
    assert doc.text == "Intro\n\nFirst para spans lines.\n\nDetails\n\nSecond."
    assert doc.title == "My Page"
    assert doc.media_type == "text/html"
    assert [(s.title, s.level, s.start, s.end) for s in doc.sections] == [
        ("Intro", 1, 0, doc.text.index("Details")),
        ("Details", 2, doc.text.index("Details"), len(doc.text)),
    ]


def test_title_falls_back_to_first_h1_then_file_stem() -> None:
    assert load_bytes(b"<h2>Sub</h2><h1>Main</h1><p>x</p>", "a.html").title == "Main"
    assert load_bytes(b"<p>only text</p>", "release-notes.htm").title == "release-notes"


def test_scripts_styles_chrome_and_hidden_elements_are_dropped() -> None:
    html = """<html><head><style>p {color: red}</style></head><body>
    <header>Site banner</header><nav><a href="/">Home</a></nav>
    <div role="navigation">Jump to</div><div aria-hidden="true">icon</div>
    <script>var secret = 1;</script><noscript>enable js</noscript>
    <p>Kept <!-- a comment --> text.</p>
    <form><button>Go</button><input value="q"></form>
    <aside>Related links</aside><footer>Copyright</footer>
    <template><p>later</p></template><svg><text>chart</text></svg></body></html>"""
    assert render(html) == "Kept text."


def test_header_inside_article_is_content() -> None:
    html = "<body><header>Banner</header><article><header><h1>Post</h1></header><p>Body.</p></article></body>"
    assert render(html) == "Post\n\nBody."


def test_main_content_is_preferred_over_unmarked_sidebars() -> None:
    html = (
        "<body><div class='sidebar'>Links</div><main><h1>Article</h1>"
        "<p>The long body of the article that holds most of the text on this page.</p></main></body>"
    )
    assert render(html) == "Article\n\nThe long body of the article that holds most of the text on this page."


def test_small_main_does_not_hide_the_rest_of_the_body() -> None:
    html = "<body><main><p>tiny</p></main><div><p>" + "Most of the page lives outside main. " * 5 + "</p></div></body>"
    assert render(html).startswith("tiny\n\nMost of the page")


def test_entities_are_decoded_and_inline_whitespace_collapsed() -> None:
    html = "<p>Fish &amp; chips &lt;b&gt; caf&eacute; &#8212;&nbsp;done <b>bold</b><i>italic</i>   end</p>"
    assert render(html) == "Fish & chips <b> café — done bolditalic end"


def test_lists_nested_and_ordered() -> None:
    html = """<ul><li>One</li><li>Two<ul><li>Two A</li><li>Two B<ol><li>deep</li></ol></li></ul></li></ul>
    <ol start="3"><li><p>Three</p></li><li>Four</li></ol>"""
    assert render(html) == "- One\n- Two\n  - Two A\n  - Two B\n    1. deep\n\n3. Three\n4. Four"


def test_definition_list_keeps_each_term_with_its_description() -> None:
    html = """<dl>
      <dt><code>load_path(path)</code></dt><dd><p>Read one file.</p><p>Raises on errors.</p></dd>
      <dt>alias</dt><dt>other</dt><dd>Two terms, one description.</dd>
    </dl>"""
    assert render(html) == (
        "load_path(path)\nRead one file.\n\nRaises on errors.\n\nalias\nother\nTwo terms, one description."
    )


def test_table_rows_are_lines_with_header() -> None:
    html = """<p>Before.</p><table><caption>Sizes</caption>
      <thead><tr><th>name</th><th>size</th></tr></thead>
      <tbody><tr><td> grub </td><td>159</td></tr><tr><td>lilo</td><td></td></tr><tr><td></td></tr></tbody>
    </table><p>After.</p>"""
    assert render(html) == "Before.\n\nSizes\nname | size\ngrub | 159\nlilo\n\nAfter."


def test_layout_table_cells_render_as_blocks() -> None:
    html = "<table><tr><td><h2>Left</h2><p>a</p></td><td><pre>code</pre></td></tr></table>"
    doc = load_bytes(html.encode(), "layout.html")
    assert doc.text == "Left\n\na\n\ncode"
    assert [s.title for s in doc.sections] == ["Left"]


def test_pre_keeps_newlines_and_indentation() -> None:
    html = "<p>Run:</p><pre>\ndef f():\n    return 1\n\n\n\n# done   \n</pre><p>After</p>"
    assert render(html) == "Run:\n\ndef f():\n    return 1\n\n# done\n\nAfter"


def test_br_and_div_text_make_lines_and_blocks() -> None:
    html = "<div>loose div text<div>inner</div>tail<br>next line</div><blockquote>quoted</blockquote>"
    assert render(html) == "loose div text\n\ninner\n\ntail\nnext line\n\nquoted"


def test_page_with_no_content_is_empty() -> None:
    with pytest.raises(DocumentLoadError, match="is empty"):
        load_bytes(b"<html><head><title>T</title><script>x()</script></head><body> </body></html>", "e.html")


def test_declared_charset_is_honoured() -> None:
    html = '<html><head><meta charset="iso-8859-1"></head><body><p>caf\xe9</p></body></html>'
    assert render_bytes(html.encode("latin-1")) == "café"


def render_bytes(data: bytes) -> str:
    return load_bytes(data, "page.html").text


_WORDS = st.text(alphabet="ab &<>\n\t", min_size=1, max_size=12)
_TAGS = st.sampled_from(["p", "div", "h2", "li", "span", "pre", "td", "dt", "dd", "b"])


@given(st.lists(st.tuples(_TAGS, _WORDS), max_size=12))
def test_rendering_is_clean_and_sections_point_at_headings(parts: list[tuple[str, str]]) -> None:
    from html import escape

    body = "".join(f"<{tag}>{escape(words)}</{tag}>" for tag, words in parts)
    try:
        doc = load_bytes(f"<body>{body}<p>end</p></body>".encode(), "prop.html")
    except DocumentLoadError:
        pytest.fail("a page that ends in a paragraph is never empty")
    assert "\n\n\n" not in doc.text
    assert all(line == line.rstrip() for line in doc.text.split("\n"))
    for section in doc.sections:
        assert doc.text[section.start : section.start + len(section.title)] == section.title
        assert section.end <= len(doc.text)


_CORPUS = Path(__file__).resolve().parents[3] / "corpora" / "debian-reference"


def _debian_reference_chapter() -> Path | None:
    """Debian Reference (package debian-reference-en): `make corpus` puts it in corpora/ before the tests."""
    for directory in (os.environ.get("RAG_DEBIAN_REFERENCE_DIR"), str(_CORPUS), "/usr/share/debian-reference"):
        if directory:
            for name in ("ch03.en.html", "ch03.en.html.gz"):
                if (Path(directory) / name).is_file():
                    return Path(directory) / name
    return None


def test_debian_reference_chapter_renders_structure() -> None:
    path = _debian_reference_chapter()
    assert path is not None, "Debian Reference HTML is missing: run `make corpus`"
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    doc = load_bytes(data, "ch03.en.html")
    assert doc.title == "Chapter 3. The system initialization"
    assert doc.sections[0].title == "Chapter 3. The system initialization"
    assert any(s.title == "3.1.2. Stage 2: the boot loader" and s.level == 3 for s in doc.sections)
    assert "package | popcon | size | initrd | bootloader | description" in doc.text
    assert "menuentry 'Debian GNU/Linux' ... {\n        load_video\n" in doc.text
    assert "\n- bootup(7) describes the system bootup process" in doc.text
    assert "Prev" not in doc.text.split("\n\n")[0]
    assert "\n\n\n" not in doc.text


def test_sphinx_viewcode_links_do_not_end_a_signature() -> None:
    html = ('<dl class="py function"><dt class="sig sig-object py" id="toolz.itertoolz.last">'
            '<span class="sig-prename descclassname">toolz.itertoolz.</span><span class="sig-name descname">last</span>'
            '<span class="sig-paren">(</span><em>seq</em><span class="sig-paren">)</span>'
            '<a class="reference internal" href="_modules/toolz/itertoolz.html#last">'
            '<span class="viewcode-link"><span class="pre">[source]</span></span></a>'
            '<a class="headerlink" href="#toolz.itertoolz.last">¶</a></dt>'
            '<dd><p>The last element in a sequence</p></dd></dl>')
    text = render(html)
    assert "[source]" not in text
    assert text.splitlines()[0].strip() == "toolz.itertoolz.last(seq)"


def test_a_footnotes_number_is_no_term_of_its_note() -> None:
    html = ('<p>It offers immutability.<a class="footnote-reference brackets" href="#immutable" id="id4">4</a></p>'
            '<dl class="footnote brackets"><dt class="label" id="immutable"><span class="brackets">'
            '<a class="fn-backref" href="#id4">4</a></span></dt>'
            '<dd><p>attrs offers optional immutability through the frozen keyword.</p></dd></dl>'
            '<dl class="simple"><dt class="label">kind</dt><dd><p>An ordinary term keeps its label.</p></dd></dl>')
    text = render(html)
    assert "\n4\n" not in text and not text.endswith("4")
    assert "attrs offers optional immutability through the frozen keyword." in text
    assert "kind" in text

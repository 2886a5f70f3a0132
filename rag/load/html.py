"""HTML reader: renders the page's content, not its chrome, into blank-line separated text blocks.

The rendering is the canonical text. Blocks are the units a splitter should keep whole: a heading, a
paragraph, a list, a table (one row per line), a term with its definition, a preformatted block.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from rag.errors import DocumentLoadError, MissingDependencyError
from rag.load.tables import pipe_row
from rag.load.text import MAX_TITLE_CHARS, Block, assemble
from rag.records import Section

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag

_DROP_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "svg", "nav", "aside", "form", "button", "iframe",
        "head", "title", "meta", "link", "select", "textarea", "object", "embed", "canvas", "video", "audio",
    }
)  # fmt: skip
_DROP_ROLES = frozenset({"navigation", "banner", "contentinfo"})
# Navigation chrome of common documentation generators (DocBook, Sphinx) that carries no semantic tag. (Sphinx's
# viewcode links, "[source]" after a signature and "[docs]" in the source pages, would end the signature's line.)
_DROP_CLASSES = frozenset({"navheader", "navfooter", "navbar", "breadcrumb", "breadcrumbs", "headerlink",
                           "viewcode-link", "viewcode-back"})
# A page-level <header>/<footer> is a banner/contentinfo; inside these it belongs to the content.
_SECTIONING = ("article", "main", "section")
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_LISTS = frozenset({"ul", "ol", "menu", "dir"})
_BLOCKS = frozenset(
    {
        "address", "article", "blockquote", "body", "caption", "center", "dd", "details", "dialog", "div",
        "dt", "fieldset", "figcaption", "figure", "footer", "header", "hgroup", "html", "legend", "li",
        "main", "p", "section", "summary", "tbody", "td", "tfoot", "th", "thead", "tr",
    }
)  # fmt: skip
# A table holding any of these is page layout, not data: its cells are rendered as ordinary blocks.
_LAYOUT_MARKERS = ("table", "pre", "h1", "h2", "h3", "h4", "h5", "h6")
_MAIN_SHARE = 0.5

_FLUSH = object()  # marks the end of a block element in the render stack


def parse(data: bytes, name: str) -> tuple[str, str, tuple[Section, ...]]:
    """Canonical text, title and sections of an HTML page."""
    try:
        from bs4 import BeautifulSoup
    except ImportError as exc:
        raise MissingDependencyError("reading HTML needs beautifulsoup4: pip install beautifulsoup4") from exc
    soup = BeautifulSoup(data, "html.parser")
    title_tag = soup.find("title")
    page_title = " ".join(title_tag.get_text().split()) if title_tag else ""
    _drop_chrome(soup)
    try:
        blocks = _Renderer().render(_content_root(soup))
    except RecursionError as exc:
        raise DocumentLoadError(f"{name}: HTML is nested too deeply to read") from exc
    text, sections = assemble(blocks)
    if not page_title:
        h1 = next((block for block, level in blocks if level == 1), "")
        page_title = h1 or PurePosixPath(name).stem
    return text, page_title[:MAX_TITLE_CHARS], sections


def render_fragment(markup: str) -> list[Block]:
    """The blocks of an HTML fragment (raw HTML inside a Markdown file), rendered as a page's content is."""
    try:
        from bs4 import BeautifulSoup
    except ImportError as exc:
        raise MissingDependencyError("reading HTML needs beautifulsoup4: pip install beautifulsoup4") from exc
    soup = BeautifulSoup(markup, "html.parser")
    _drop_chrome(soup)
    return _Renderer().render(soup)


def _drop_chrome(soup: BeautifulSoup) -> None:
    """Remove chrome subtrees; iterative, so deeply nested pages cannot exhaust the stack."""
    from bs4 import Tag

    doomed: list[Tag] = []
    pending: list[Tag] = [soup]
    while pending:
        for child in pending.pop().contents:
            if isinstance(child, Tag):
                (doomed if _is_chrome(child) else pending).append(child)
    for tag in doomed:
        tag.decompose()


def _is_chrome(tag: Tag) -> bool:
    if tag.name in _DROP_TAGS:
        return True
    if tag.name in ("header", "footer") and tag.find_parent(_SECTIONING) is None:
        return True
    role = str(tag.get("role") or "").strip().lower()
    if role in _DROP_ROLES or str(tag.get("aria-hidden") or "").lower() == "true" or tag.has_attr("hidden"):
        return True
    classes = tag.get("class") or ()
    if tag.name == "dt" and "label" in classes and tag.parent is not None and \
            {"footnote", "citation"} & set(tag.parent.get("class") or ()):
        # A footnote's number (docutils writes it as the term of a <dl class="footnote">) is a link back to where
        # it is cited; left in, it reads as the term its note defines.
        return True
    return any(c in _DROP_CLASSES for c in classes)


def _content_root(soup: BeautifulSoup) -> Tag:
    """<main>, role=main or a lone <article> when it holds most of the text, else <body>."""
    body = soup.body or soup
    total = _text_size(body)
    for candidates in (soup.find_all("main"), soup.find_all(role="main"), soup.find_all("article")):
        if len(candidates) == 1:
            if _text_size(candidates[0]) >= _MAIN_SHARE * total:
                return candidates[0]
            break
    return body


def _text_size(tag: Tag) -> int:
    return sum(len(part) for part in tag.get_text().split())


class _Renderer:
    """Walks a tree, turning block elements into blocks and inline content into their lines.

    Lists, tables, definition lists and headings are rendered whole by a nested renderer.
    """

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._lines: list[list[str]] = [[]]  # inline text pieces; a <br> starts a new line

    def render(self, node: Tag) -> list[Block]:
        from bs4 import CData, NavigableString, Tag

        pending: list[object] = [*reversed(node.contents)]  # a stack: deep pages cannot exhaust recursion
        while pending:
            item = pending.pop()
            if item is _FLUSH:
                self._flush()
            elif type(item) is NavigableString or isinstance(item, CData):
                self._lines[-1].append(str(item))
            elif isinstance(item, Tag):  # comments, doctypes and processing instructions fall through
                pending.extend(self._visit(item))
        self._flush()
        return self.blocks

    def _visit(self, tag: Tag) -> list[object]:
        """Render what a tag renders as a whole; return what is still to walk, last first."""
        name = tag.name
        if name == "br":
            self._lines.append([])
        elif name in _HEADINGS:
            self._add(_inline(tag), _HEADINGS[name])
        elif name == "pre":
            self._add(_preformatted(tag))
        elif name in _LISTS:
            self._add("\n".join(_list_lines(tag, ordered=name == "ol")))
        elif name == "dl":
            self._flush()
            self.blocks.extend(_definition_blocks(tag))
        elif name == "table" and not _is_layout_table(tag):
            self._add("\n".join(_table_lines(tag)))
        elif name in _BLOCKS or name in ("table", "hr"):
            self._flush()
            return [_FLUSH, *reversed(tag.contents)]
        else:
            return list(reversed(tag.contents))
        return []

    def _add(self, text: str, level: int = 0) -> None:
        self._flush()
        if text:
            self.blocks.append((text, level))

    def _flush(self) -> None:
        lines = [" ".join("".join(pieces).split()) for pieces in self._lines]
        self._lines = [[]]
        text = "\n".join(line for line in lines if line)
        if text:
            self.blocks.append((text, 0))


def _inline(node: Tag) -> str:
    """All text of an element on one line, whitespace collapsed."""
    return " ".join(" ".join(text.split()) for text, _ in _Renderer().render(node))


def _block_lines(node: Tag) -> list[str]:
    """The rendering of an element's content as lines, without the blank lines between its blocks."""
    return [line for text, _ in _Renderer().render(node) for line in text.split("\n")]


def _preformatted(node: Tag) -> str:
    """Verbatim text: line breaks and indentation kept, trailing spaces and runs of blank lines dropped."""
    from bs4 import CData, NavigableString, Tag

    pieces = []
    for descendant in node.descendants:
        if isinstance(descendant, Tag):
            if descendant.name == "br":
                pieces.append("\n")
        elif type(descendant) is NavigableString or isinstance(descendant, CData):
            pieces.append(str(descendant))
    lines: list[str] = []
    for line in "".join(pieces).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = line.rstrip()
        if line or (lines and lines[-1]):
            lines.append(line)
    return "\n".join(lines).rstrip("\n")


def _list_lines(node: Tag, ordered: bool) -> list[str]:
    """One line per item, led by "- " or "1. "; its further lines and nested lists indented two spaces."""
    number = _int_attr(node, "start", 1)
    out: list[str] = []
    for item in node.find_all("li", recursive=False):
        number = _int_attr(item, "value", number)
        lines = _block_lines(item)
        if lines:
            out.append(f"{number}. {lines[0]}" if ordered else f"- {lines[0]}")
            out.extend(f"  {line}" if line else line for line in lines[1:])
        number += 1
    return out


def _int_attr(tag: Tag, attribute: str, default: int) -> int:
    try:
        return int(str(tag.get(attribute)).strip())
    except ValueError:
        return default


def _definition_blocks(node: Tag) -> list[Block]:
    """Each group of terms is one block with the first block of its definition, so they split together."""
    blocks: list[Block] = []
    group: list[Block] = []
    seen_definition = False
    for item in _definition_items(node):
        if item.name == "dt":
            term = _inline(item)
            if term and group and not seen_definition and not group[0][1]:
                group[0] = (f"{group[0][0]}\n{term}", 0)
            else:
                blocks.extend(group)
                group, seen_definition = ([(term, 0)] if term else []), False
            continue
        seen_definition = True
        rendered = _Renderer().render(item)
        if rendered and len(group) == 1 and not rendered[0][1]:
            group[0] = (f"{group[0][0]}\n{rendered[0][0]}", 0)
            rendered = rendered[1:]
        group.extend(rendered)
    blocks.extend(group)
    return blocks


def _definition_items(node: Tag) -> list[Tag]:
    """The <dt> and <dd> children of a <dl>, also where HTML5 wraps each group in a <div>."""
    items = []
    for child in node.find_all(True, recursive=False):
        if child.name in ("dt", "dd"):
            items.append(child)
        elif child.name == "div":
            items.extend(child.find_all(("dt", "dd"), recursive=False))
    return items


def _is_layout_table(table: Tag) -> bool:
    return str(table.get("role") or "").lower() in ("presentation", "none") or (table.find(_LAYOUT_MARKERS) is not None)


def _table_lines(table: Tag) -> list[str]:
    """The caption, then one line per row with its cells joined by " | "; empty rows left out."""
    lines = []
    caption = table.find("caption")
    if caption is not None and caption.find_parent("table") is table:
        lines.append(_inline(caption))
    for row in table.find_all("tr"):
        if row.find_parent("table") is not table:
            continue
        lines.append(pipe_row([_inline(cell) for cell in row.find_all(("td", "th"), recursive=False)]))
    return [line for line in lines if line]

"""Raw HTML inside Markdown, rendered as a Markdown viewer shows it: comments left out, HTML blocks as text.

CommonMark passes raw HTML through to the page, where a comment shows nothing and a `<table>` shows as a table.
Stored as written, the tags would be quoted in answers ("<td>Sent to ...</td>") and a comment's furniture
("<!-- source_link=lib/path.js -->") would read as content. So the canonical text of a Markdown file is the file
with each HTML block replaced by its rendering (the HTML reader's, a table one row a line), and each comment left
out, except a comment that holds metadata as YAML-like "key: value" lines (an API entry's history, "added:
v0.1.25"): a viewer hides it, but it states facts a reader asks about, so its lines are kept, less the link
addresses (a link's target is not its text). Everything else, Markdown syntax included, stays as written.
"""

from __future__ import annotations

import re

from rag.load.html import render_fragment

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)$")
_COMMENT_OPEN = re.compile(r" {0,3}<!--")
# CommonMark's HTML block kinds 1, 6 and 7: a verbatim element (ends at its closing tag), a block-level tag (ends at a
# blank line), any other lone complete tag (ends at a blank line; cannot interrupt a paragraph).
_VERBATIM = re.compile(r" {0,3}<(pre|script|style|textarea)(?:\s|>|$)", re.I)
_BLOCK_TAGS = (
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|dialog|dir|div|dl|"
    "dt|fieldset|figcaption|figure|footer|form|frame|frameset|h[1-6]|head|header|hr|html|iframe|legend|li|link|main|"
    "menu|menuitem|nav|noframes|ol|optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|thead|"
    "title|tr|track|ul"
)
_BLOCK = re.compile(rf" {{0,3}}</?(?:{_BLOCK_TAGS})(?:\s|/?>|$)", re.I)
_LONE_TAG = re.compile(r""" {0,3}(?:<[A-Za-z][\w-]*(?:\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?)*"""
                       r"""\s*/?>|</[A-Za-z][\w-]*\s*>)\s*$""")
# A metadata line: "key: value", "key:" opening a nested list, "- key: value" in a list of mappings.
_META_LINE = re.compile(r"\s*(?:-\s+)?[A-Za-z_][\w-]*:(?:\s|$)")
_LINK_VALUE = re.compile(r"\s*(?:-\s+)?[A-Za-z_][\w-]*:\s+<?[a-z][\w+.-]*://\S+>?\s*$")


def render(text: str) -> str:
    """The Markdown text with its comments and HTML blocks rendered; the rest unchanged."""
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    fence = ""  # the opening fence while inside a fenced code block
    in_paragraph = False
    i = 0
    while i < len(lines):
        line = lines[i].rstrip("\r\n")
        if fence:
            stripped = line.strip()
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                fence = ""
            out.append(lines[i])
            i += 1
            continue
        fence_match = _FENCE.match(line)
        if fence_match and not (fence_match.group(1)[0] == "`" and "`" in fence_match.group(2)):
            fence, in_paragraph = fence_match.group(1), False
            out.append(lines[i])
            i += 1
            continue
        end, rendering = _html_block(lines, i, in_paragraph)
        if end == i:
            out.append(lines[i])
            in_paragraph = bool(line.strip()) and not line.startswith(("    ", "\t"))
            i += 1
            continue
        if rendering:
            out.append(rendering + _ending(lines[end - 1]))
            in_paragraph = False
        else:
            # Nothing shows: the blank lines after it go too, so what was around it is as far apart as in a viewer.
            while end < len(lines) and not lines[end].strip() and (not out or not out[-1].strip()):
                end += 1
        i = end
    return "".join(out)


def _ending(line: str) -> str:
    """The line ending of `line` ("" for a last line without one)."""
    return line[len(line.rstrip("\r\n")) :]


def _html_block(lines: list[str], i: int, in_paragraph: bool) -> tuple[int, str]:
    """When an HTML block or comment starts at line i: the index of the line after it and its rendering ("" when
    nothing shows). (i, "") when none starts there."""
    line = lines[i].rstrip("\r\n")
    if _COMMENT_OPEN.match(line):
        end = _through(lines, i, "-->", line.index("<!--") + 4)
        if end is None:
            return i, ""  # never closed: left as written
        body = "".join(lines[i:end])
        body = body[body.index("<!--") + 4 : body.rindex("-->")]
        after = lines[end - 1].rstrip("\r\n")
        if after[after.rindex("-->") + 3 :].strip():
            return i, ""  # text after the comment on its line: an inline comment in a paragraph, left alone
        return end, _metadata(body)
    verbatim = _VERBATIM.match(line)
    if verbatim:
        end = _through(lines, i, f"</{verbatim.group(1).lower()}>", 0, fold=True)
        return (i, "") if end is None else (end, _rendered(lines[i:end]))
    if _BLOCK.match(line) or (_LONE_TAG.match(line) and not in_paragraph):
        end = i + 1
        while end < len(lines) and lines[end].strip():
            end += 1
        return end, _rendered(lines[i:end])
    return i, ""


def _through(lines: list[str], i: int, closing: str, offset: int, fold: bool = False) -> int | None:
    """The index of the line after the one (from line i, column `offset`) that holds `closing`; None if none does."""
    for j in range(i, len(lines)):
        line = lines[j][offset:] if j == i else lines[j]
        if closing in (line.lower() if fold else line):
            return j + 1
    return None


def _rendered(block: list[str]) -> str:
    return "\n\n".join(text for text, _ in render_fragment("".join(block)))


def _metadata(body: str) -> str:
    """A comment's YAML-like metadata lines, less link addresses and a first line that only names the format
    ("YAML"); "" when the comment is not metadata (prose, a marker such as "introduced_in=v0.10.0")."""
    lines = body.split("\n")
    if lines and re.fullmatch(r"\s*[A-Za-z]*\s*", lines[0]):
        lines = lines[1:]  # "<!-- YAML" names the format of what follows
    lines = [line.rstrip("\r") for line in lines if line.strip()]
    if not lines or not _META_LINE.match(lines[0]):
        return ""
    for line in lines:
        if not (_META_LINE.match(line) or line[:1].isspace()):
            return ""  # a line that is neither a key nor the continuation of one: a comment in prose
    return "\n".join(line.rstrip() for line in lines if not _LINK_VALUE.match(line))

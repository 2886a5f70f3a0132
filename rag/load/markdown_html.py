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
from rag.load.tables import pipe_row

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)$")  # a fenced code block's opening line
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
# Tags alone on a line (CommonMark allows one; an empty anchor, "<a id="x"></a>", is two, and shows nothing either).
_LONE_TAG = re.compile(r""" {0,3}(?:<[A-Za-z][\w-]*(?:\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?)*"""
                       r"""\s*/?>|</[A-Za-z][\w-]*\s*>)+\s*$""")
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
            if closes_fence(line, fence):
                fence = ""
            out.append(lines[i])
            i += 1
            continue
        fence = opening_fence(line)
        if fence:
            in_paragraph = False
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


def opening_fence(line: str) -> str:
    """The fence a line opens a fenced code block with ("```", "~~~~"), or "" (a backtick fence's info string
    holds no backtick: "``` `x` ```" is inline code)."""
    match = _FENCE.match(line)
    if match and not (match.group(1)[0] == "`" and "`" in match.group(2)):
        return match.group(1)
    return ""


def closes_fence(line: str, fence: str) -> bool:
    """Whether `line` closes the code block `fence` opened: at least as many of its characters and nothing else."""
    stripped = line.strip()
    return stripped.startswith(fence) and not stripped.strip(fence[0])


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
    """A comment's YAML-like metadata, rendered: "key: value" lines as written, a list of values on its key's line
    ("added: v13.11.0, v12.17.0"), a list of mappings as a table under its key (a row a mapping, as a history is
    shown: "version | description"), link addresses left out. "" when the comment is not metadata (prose, a marker
    such as "introduced_in=v0.10.0"), and the lines as written (less links) when they are not that simple YAML."""
    lines = body.split("\n")
    if lines and re.fullmatch(r"\s*[A-Za-z]*\s*", lines[0]):
        lines = lines[1:]  # "<!-- YAML" names the format of what follows
    lines = [line.rstrip("\r").rstrip() for line in lines if line.strip()]
    if not lines or not _META_LINE.match(lines[0]):
        return ""
    for line in lines:
        if not (_META_LINE.match(line) or line[:1].isspace()):
            return ""  # a line that is neither a key nor the continuation of one: a comment in prose
    items = _parse_yaml(lines)
    if items is None:
        return "\n".join(line for line in lines if not _LINK_VALUE.match(line))
    return "\n".join(_render_item(key, value) for key, value in items if not (isinstance(value, str) and _LINK.match(value)))


_KEY = re.compile(r"(?P<key>[A-Za-z_][\w-]*):(?:\s+(?P<value>.*))?$")
_LINK = re.compile(r"<?[a-z][\w+.-]*://\S+>?$")


def _parse_yaml(lines: list[str]) -> list[tuple[str, object]] | None:
    """Top-level keys with a value, a list of values or a list of flat mappings (whose values may be lists of
    values); None for anything deeper."""
    top = len(lines[0]) - len(lines[0].lstrip())
    items: list[tuple[str, object]] = []
    mapping: dict[str, object] | None = None
    key = ""  # the key of `mapping` last set
    for line in lines:
        indent, content = len(line) - len(line.lstrip()), line.strip()
        match = _KEY.match(content)
        if indent <= top:
            if not match or indent < top:
                return None
            items.append((match.group("key"), _scalar(match.group("value"))))
            mapping, key = None, ""
            continue
        if not items:
            return None
        name, value = items[-1]
        if content.startswith("- "):
            entry = _KEY.match(content[2:].strip())
            if entry and not _LINK.match(content[2:].strip()):
                mapping, key = {entry.group("key"): _scalar(entry.group("value"))}, entry.group("key")
                if value == "":
                    value = []
                if not isinstance(value, list) or (value and not isinstance(value[0], dict)):
                    return None
                value.append(mapping)
            elif mapping is not None and (mapping.get(key) == "" or isinstance(mapping.get(key), list)):
                held = mapping[key]  # "- version:" then its values: "- v15.11.0", "- v14.18.0"
                mapping[key] = [*held, content[2:].strip()] if isinstance(held, list) else [content[2:].strip()]
            else:
                if value == "":
                    value = []
                if not isinstance(value, list) or (value and isinstance(value[0], dict)):
                    return None
                value.append(content[2:].strip())
            items[-1] = (name, value)
        elif match and mapping is not None:
            key = match.group("key")
            mapping[key] = _scalar(match.group("value"))
        elif mapping is not None and isinstance(mapping.get(key), str):
            mapping[key] = f"{mapping[key]} {content}".strip()  # a folded value's next line
        elif isinstance(value, str):
            items[-1] = (name, f"{value} {content}".strip())
        else:
            return None
    return items


def _scalar(value: str | None) -> str:
    """A value as written, without YAML's block markers (">-", "|")."""
    value = (value or "").strip()
    return "" if re.fullmatch(r"[>|][-+]?", value) else value


def _render_item(key: str, value: object) -> str:
    if isinstance(value, str):
        return f"{key}: {value}" if value else f"{key}:"
    if value and isinstance(value[0], str):
        return f"{key}: {', '.join(value)}"
    rows = [{k: ", ".join(v) if isinstance(v, list) else v for k, v in row.items()} for row in value]
    columns = list(dict.fromkeys(k for row in rows for k in row))
    # A column of link addresses (a pull request's) is where a viewer puts a link, not text.
    columns = [c for c in columns if not all(_LINK.match(row.get(c, "")) or not row.get(c) for row in rows)]
    lines = [f"{key}:", pipe_row(columns)] + [pipe_row([row.get(c, "") for c in columns]) for row in rows]
    return "\n".join(line for line in lines if line)

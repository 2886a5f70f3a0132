"""Two-column tables of a PDF, rendered as the HTML loader renders tables: "cell | cell" a row.

A PDF has no table markup: extracted, a table of names and what they are is lines of "cat Utility to concatenate
files to standard output" under a header line "Command Description". Read as prose, rows longer than a wrapped line
run on into the next row, and nothing says that "cat" is the thing the row is about. A table is told by its header,
two capitalised words of which the second names a description column ("Description", "Meaning", ...), and by the
rows under it that each start with one word (the name) followed by a capitalised description; a short line
starting in lower case or with "(" continues the row above it ("(optional)"). Tables of more columns are left as
they are: without the page's geometry their cells cannot be told apart.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"[A-Z][\w-]*( +)(?:Description|Meaning|Purpose|Contents|Explanation|Definition|Notes|Comment)s?")
# (a first cell of figures alone is a footnote's number: "18 Originally, /sbin binaries were kept in /etc.")
_ROW = re.compile(r"(?=\S*[^\W\d_<*])[^\s,;:]{1,40}?[^\s,;:.]( +)(?=[A-Z\"'`“‘])")
_CONTINUATION = re.compile(r"[a-z(][^|]{0,58}")
_MIN_ROWS = 1  # the header is specific enough: a table of one row ("modules Loadable kernel modules") is one


def table_edits(text: str) -> list[tuple[int, int, str]]:
    """The edits that render the text's two-column tables as rows of cells: (start, end, replacement) of the
    spaces between two cells (-> " | ") and of the line break before a row's continuation (-> " "), in order."""
    lines: list[tuple[int, str]] = []
    start = 0
    for line in text.split("\n"):
        lines.append((start, line))
        start += len(line) + 1
    edits: list[tuple[int, int, str]] = []
    i = 0
    while i < len(lines):
        start, line = lines[i]
        header = _HEADER.fullmatch(line)
        if header is None:
            i += 1
            continue
        rows: list[tuple[int, int, str]] = []
        j = i + 1
        while j < len(lines):
            row_start, row = lines[j]
            cells = _ROW.match(row)
            if cells and " | " not in row:
                rows.append((row_start + cells.start(1), row_start + cells.end(1), " | "))
            elif rows and _CONTINUATION.fullmatch(row):
                rows.append((row_start - 1, row_start, " "))  # "(optional)" under its row: part of its last cell
            else:
                break
            j += 1
        if sum(1 for edit in rows if edit[2] == " | ") >= _MIN_ROWS:
            edits.append((start + header.start(1), start + header.end(1), " | "))
            edits.extend(rows)
        i = j
    return edits

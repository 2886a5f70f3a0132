"""Layout roles of a passage's sentences: definition terms, table rows and headers, list items and lead-ins.

Read off the canonical text's lines, the same way for Markdown (kept as written), plain text (man pages, --help,
glossaries) and the loaders' rendering of HTML (a <dl> term one line above its description, table rows as
"cell | cell", list items led by "- "). The answerer uses these roles to quote a description with its term, a
table cell with its headers and a list item with its lead-in; every index returned is a sentence of the passage,
so what is quoted stays an exact span.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from .terms import content_stems


class _Sentence(Protocol):
    start: int
    end: int
    text: str


Gap = Callable[[int, int], str]  # the text between sentence a's end and sentence b's start

_HEADING_MARK = re.compile(r"^\s{0,3}#{1,6}\s+")
_LIST_MARK = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)]|\(\w{1,3}\))\s+")
_FENCE = re.compile(r"^\s*(?:`{3,}|~{3,})[\w+.-]*\s*$")
# A Pandoc / PHP-Markdown Extra definition: the description line starts with ":" (or "~") and a space.
_DESCRIPTION_MARK = re.compile(r"^\s{0,3}[:~]\s+\S")
# A whole line in emphasis or a code span: "**term**", "__term__", "*term*", "`term`".
_MARKED_UP = re.compile(r"^(\*\*|__|\*|_|`)(?=\S)([^*_`\n]{1,120}?)(?<=\S)\1$")
# What closes a signature after its name: the arguments, then what it returns, if said (Sphinx renders "->" as "→").
SIGNATURE_TAIL = r"\(.*\)\s*(?:(?:->|→|:)\s*\S.*)?$"
# The words Sphinx's Python domain writes before a method's or a function's name, one or two of them: "classmethod
# dict.fromkeys(iterable, value=None, /)", "awaitable asyncio.sleep(delay)", "abstract async method()".
ENTRY_KIND_WORDS = "classmethod|staticmethod|abstractmethod|coroutine|awaitable|final"
# A signature: a dotted name (decorator, keyword such as "class" before it) and its arguments.
# (A namespace before the name may hold hyphens: Sphinx writes a custom domain's entries as "jinja-filters.wordwrap(s)".)
_SIGNATURE = re.compile(rf"^(?:(?:class|def|async def|function|method|static|abstract|async|{ENTRY_KIND_WORDS})\s+){{0,2}}"
                        r"@?(?:[A-Za-z_][\w-]*\.)*"
                        r"[A-Za-z_][\w.:]*" + SIGNATURE_TAIL)
# Command-line options as --help and man pages list them: "-v, --verbose", "--output=FILE", "-o FILE".
_OPTION = r"(?:--[A-Za-z0-9]|-[A-Za-z])[\w-]*(?:[= ](?:[A-Z][A-Z0-9_-]*|<[\w-]+>|\[[^\]\s]+\]))?"
_OPTIONS = re.compile(rf"^{_OPTION}(?:,\s*{_OPTION})*$")
# A term and its description on one line: "TERM: text", "term - text", "term — text", or columns apart.
_SEPARATOR = r"(?:\s*:\s+|\s+[-–—]{1,2}\s+|\s{2,}|\t+)"
_INLINE = re.compile(rf"^(?P<term>`[^`\n]{{1,80}}`|\*\*[^*\n]{{1,80}}\*\*|__[^_\n]{{1,80}}__|{_OPTION}(?:,\s*{_OPTION})*|"
                     rf"[^\s:|][^:|\n]{{0,60}}?){_SEPARATOR}(?P<description>\S.*)$")
# A reStructuredText field: ":returns: the joined path", ":param str path: where to start".
_FIELD = re.compile(r"^:(?P<term>[^:\s`][^:`\n]{0,60}):\s+(?P<description>\S.*)$")
_HAS_SEPARATOR = re.compile(r":\s|\s[-–—]{1,2}\s|\s\s|\t")  # a cheap test before _INLINE, which backtracks
_TERM_TEXT = re.compile(r"^[\w@$][\w\s.+/()\[\]*'=-]{0,60}$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_MAX_TERM_CHARS = 160
# A code name alone on its line before a colon, quoted or not ("force_list:", "‘ip_addr’:"), as docutils' field lists
# and glossaries render their terms.
_CODE_NAME_COLON = re.compile(r"^([‘'`\"])?([A-Za-z_][\w.-]*)(?(1)[’'`\"])\s*:$")
_ENDS_SENTENCE = re.compile(r"""[.!?;)"'”]$""")
_CELL_BAR = re.compile(r"(?<!\\)\|")  # a cell border, not an escaped "\|"
# A Markdown heading that names an API item: code spans alone ("## `path.basename(path[, suffix])`", "### `-C
# condition`, `--conditions=condition`", an aside after them: "(in megabytes)"), or after a one-word label ("### Class: `EventEmitter`", "### Event:
# `'close'`"), as Node.js, MDN and rustdoc-style references title their entries.
_CODE_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?:(?P<label>[A-Z][A-Za-z]{1,15}):\s+)?"
                           r"(?P<code>`[^`\n]+`(?:\s*,\s*`[^`\n]+`)*)(?:\s+\([^()\n]{1,40}\))?\s*(?:\s#+)?\s*$")


# A reStructuredText (Sphinx) entry as its source writes it, in a plain-text file: ".. function:: join(path, *paths)",
# ".. py:class:: Kiln(size)", ".. option:: --slow-cool".
_DIRECTIVE = re.compile(r"^\s*\.\.\s+(?:\w+:)?(?P<kind>function|method|class|attribute|property|data|exception|option|"
                        r"envvar|describe|decorator|module|const|type|member|macro|enum|struct)::\s+(?P<code>\S.*?)\s*$")
_KEEPS_KIND = ("class", "exception", "attribute", "property", "data", "module", "type", "enum", "struct", "macro")


def _first_line(text: str) -> str:
    return text.strip().split("\n", 1)[0]


@functools.lru_cache(maxsize=65536)
def is_signature_line(line: str) -> bool:
    """The line is an API entry's signature: a name and its arguments (answer_values.is_signature reads more kinds
    of entries; this one is for the splitter, below the answer modules)."""
    return _SIGNATURE.match(strip_markup(line.strip())) is not None


@functools.lru_cache(maxsize=65536)
def heading_entry(text: str) -> str | None:
    """The API item a Markdown heading (or a reStructuredText directive) names, as a definition term writes it: its
    code spans without the quotes, after the label in lower case ("### Class: `EventEmitter`" -> "class
    EventEmitter", ".. function:: join(a, b)" -> "join(a, b)"); None for other lines."""
    line = _first_line(text)
    directive = _DIRECTIVE.match(line)
    if directive:
        kind, code = directive.group("kind"), directive.group("code")
        return f"{kind} {code}" if kind in _KEEPS_KIND else code
    match = _CODE_HEADING.match(line)
    if not match:
        return None
    code = re.sub(r"`\s*,\s*`", ", ", match.group("code"))[1:-1].strip()
    return f"{match.group('label').lower()} {code}" if match.group("label") else code


def heading_title(text: str) -> str:
    """A line without the marks of a Markdown ATX heading ("## Options ##" -> "Options"); other text as it is."""
    stripped = text.strip()
    if not _HEADING_MARK.match(stripped):
        return stripped
    return re.sub(r"\s+#+$", "", _HEADING_MARK.sub("", stripped)).strip()


def strip_markup(text: str) -> str:
    """A term without the Markdown around it: heading marks, list markers, emphasis and code-span quotes."""
    entry = heading_entry(text)
    if entry:
        return entry
    stripped = _LIST_MARK.sub("", _HEADING_MARK.sub("", text.strip()), count=1).strip()
    marked = _MARKED_UP.match(stripped)
    return marked.group(2).strip() if marked else stripped.strip("`").strip()


def is_list_item(text: str) -> bool:
    return bool(_LIST_MARK.match(text))


def is_fence(text: str) -> bool:
    return bool(_FENCE.match(text))


@functools.lru_cache(maxsize=65536)
def strong_term(text: str) -> str | None:
    """A line that is a definition term even a blank line above its description: marked up as one (emphasis, a
    code span, a heading that is a signature) or shaped as one (a signature, an option list). The term, cleaned."""
    stripped = text.strip()
    if "\n" in stripped or not stripped or len(stripped) > _MAX_TERM_CHARS or _LIST_MARK.match(stripped):
        return None
    entry = heading_entry(stripped)
    if entry:
        return entry
    inner = _HEADING_MARK.sub("", stripped)
    marked = _MARKED_UP.match(inner)
    if marked:
        return marked.group(2).strip()
    plain = strip_markup(inner)
    if _SIGNATURE.match(plain) or _OPTIONS.match(plain):
        return plain
    named = _CODE_NAME_COLON.match(plain)
    if named and (named.group(1) or re.search(r"\w[_.]\w|[a-z][A-Z]", named.group(2))):
        return named.group(2)  # a field list's term: "force_list:", "‘ip_addr’:" (not a label: "Returns:")
    return None


@functools.lru_cache(maxsize=65536)
def inline_term(text: str, run: bool = False) -> str | None:
    """The term of a one-line definition ("- `--follow`: resolve links", "-v, --verbose   Print more", "TERM: text").

    A plain word before a colon or dash is a term only in a run of such lines (`run`): a glossary or an option
    list lists several, where one "Note: ..." is prose. Marked-up terms and option lists stand alone.
    """
    line = _first_line(text)
    if " | " in line or _TABLE_SEPARATOR.match(line):
        return None
    body = _LIST_MARK.sub("", line.strip(), count=1)
    field = _FIELD.match(body)
    if field and len(field.group("description").split()) >= 2:
        return field.group("term").strip()
    match = _INLINE.match(body) if _HAS_SEPARATOR.search(body, 0, 100) else None
    if not match or len(match.group("description").split()) < 2:
        return None
    raw = match.group("term").strip()
    if raw.startswith(("`", "**", "__")) or _OPTIONS.match(raw):
        return strip_markup(raw) or None
    if not run or not _TERM_TEXT.match(raw) or len(raw.split()) > 4 or raw.endswith((".", ",")):
        return None
    return raw


def has_inline_term(text: str) -> bool:
    """Shaped like a one-line definition, plain words included (to find runs of them)."""
    return inline_term(text, run=True) is not None


def inline_run(sentences: Sequence[_Sentence], i: int, gap: Gap) -> bool:
    """Sentence i and a neighbour one line away both have the one-line definition shape: a glossary or option list."""
    for j in (i - 1, i + 1):
        if 0 <= j < len(sentences):
            a, b = min(i, j), max(i, j)
            if gap(a, b).count("\n") == 1 and has_inline_term(sentences[j].text):
                return True
    return False


def term_of_line(sentences: Sequence[_Sentence], i: int, gap: Gap) -> str | None:
    """The term sentence i defines on its own line, if it is a one-line definition."""
    text = sentences[i].text
    return inline_term(text) or (inline_term(text, run=True) if inline_run(sentences, i, gap) else None)


# -- definitions across lines ----------------------------------------------------------------------------------
def _is_description(text: str) -> bool:
    stripped = text.strip()
    return bool(stripped) and not is_list_item(stripped) and " | " not in stripped and not is_fence(stripped) \
        and not _HEADING_MARK.match(stripped) and strong_term(stripped) is None and inline_term(stripped) is None


def _continues(previous: str) -> bool:
    """A prose sentence of the same paragraph: a description, ended as sentences end."""
    return bool(_ENDS_SENTENCE.search(previous.rstrip())) and _is_description(previous)


def term_above(sentences: Sequence[_Sentence], i: int, gap: Gap) -> int | None:
    """The sentence holding the term that the paragraph of sentence i describes, when the term is one a blank
    line or a code fence may part from it (marked up, a signature, an option list, or a Pandoc ": " definition).
    Looks back over the paragraph's earlier sentences (at most two) first."""
    if not _is_description(sentences[i].text):
        return None
    first = i
    while first > 0 and i - first < 2 and "\n\n" not in gap(first - 1, first) and \
            not _DESCRIPTION_MARK.match(sentences[first].text) and _continues(sentences[first - 1].text):
        first -= 1
    j = first - 1
    while j >= 0 and is_fence(sentences[j].text) and gap(j, j + 1).count("\n") <= 2:
        j -= 1  # a signature in a fenced block: the fence lines come between
    if j < 0 or gap(j, j + 1).count("\n") > 2:
        return None
    term = sentences[j].text
    if strong_term(term):
        return j
    if _DESCRIPTION_MARK.match(sentences[first].text) and "\n" not in term.strip() and len(term) <= _MAX_TERM_CHARS:
        return j
    return None


TermAbove = Callable[[int], int | None]  # `term_above` of sentence j of one passage


def description_below(sentences: Sequence[_Sentence], i: int, gap: Gap, above: TermAbove | None = None) -> int | None:
    """When sentence i is a term line (see `term_above`), the sentence that starts its description."""
    j = i + 1
    while j < len(sentences) and is_fence(sentences[j].text) and gap(j - 1, j).count("\n") <= 2:
        j += 1
    if j < len(sentences) and (above(j) if above else term_above(sentences, j, gap)) == i:
        return j
    return None


# -- tables -----------------------------------------------------------------------------------------------------
def is_table_separator(text: str) -> bool:
    return "-" in text and bool(_TABLE_SEPARATOR.match(text))


def row_cells(text: str) -> list[str] | None:
    """The cells of a table row: "a | b" as the loaders render tables, or a Markdown "| a | b |" row."""
    if "|" not in text:
        return None  # (most sentences: no need to rejoin their words first)
    line = " ".join(text.split())
    if is_table_separator(line):
        return None
    if line.startswith("|"):
        inner = line[1:-1] if line.endswith("|") and len(line) > 1 else line[1:]
        return [cell.strip() for cell in _CELL_BAR.split(inner)]
    if " | " in line:
        return [cell.strip() for cell in line.split(" | ")]
    return None


def markdown_header(sentences: Sequence[_Sentence], i: int, gap: Gap) -> list[str] | None:
    """The header cells of the Markdown table that row i belongs to: the row above the "|---|" line."""
    j = i
    while j > 0 and gap(j - 1, j).count("\n") == 1:
        above = sentences[j - 1].text
        if is_table_separator(above):
            if j - 2 >= 0 and gap(j - 2, j - 1).count("\n") == 1 and j - 1 < i:
                return row_cells(sentences[j - 2].text)
            return None
        if row_cells(above) is None:
            return None
        j -= 1
    return None


def first_cell(text: str) -> str | None:
    cells = row_cells(text)
    return cells[0] if cells and cells[0] else None


# -- lists ------------------------------------------------------------------------------------------------------
def lead_in(sentences: Sequence[_Sentence], i: int, gap: Gap) -> int | None:
    """When sentence i is a list item, the sentence ending in ":" that introduces its list, or None."""
    if not is_list_item(sentences[i].text):
        return None
    j = i
    # Back over the earlier items (and their wrapped or nested lines) of the same list: at most a blank line apart.
    while j > 0 and gap(j - 1, j).count("\n") in (1, 2):
        above = sentences[j - 1].text
        if above.rstrip().endswith(":"):
            return j - 1
        if not (is_list_item(above) or j >= 2 and _indented(gap(j - 2, j - 1))):
            return None
        j -= 1
    return None


def _indented(gap: str) -> bool:
    """The line after this gap starts with whitespace: a continuation of a list item, not a new paragraph."""
    return gap.count("\n") == 1 and gap.rsplit("\n", 1)[1] != ""


# -- what a quote needs ---------------------------------------------------------------------------------------
# A list item quoted with its lead-in as one span when at most this many sentences part them; farther, the lead-in
# is shown with the quote but not cited (the span would quote the whole list).
_LEAD_IN_REACH = 1


@dataclass(frozen=True, slots=True)
class Layout:
    """What sentence i needs to stand alone: the span of sentences first..last, the term it defines or describes,
    the lead-in of its list when that is too far above to quote with it."""

    first: int
    last: int
    term: str | None = None
    lead: str | None = None


def layout(sentences: Sequence[_Sentence], i: int, gap: Gap, above: TermAbove | None = None) -> Layout | None:
    """The layout role of sentence i when it has one the line structure shows; None for prose and table rows
    (and for short terms one line above their description, which the answerer reads itself). `above`: the
    passage's `term_above`, when its results are kept across sentences."""
    above = above or (lambda j: term_above(sentences, j, gap))
    text = sentences[i].text
    if row_cells(text) is not None or is_table_separator(text):
        return None
    if is_list_item(text) and not text.rstrip().endswith(":"):
        term = term_of_line(sentences, i, gap)
        lead = lead_in(sentences, i, gap)
        if lead is None:
            return Layout(i, i, term)
        if i - lead <= _LEAD_IN_REACH:
            return Layout(lead, i, term)
        return Layout(i, i, term, sentences[lead].text.strip())
    below = description_below(sentences, i, gap, above)
    if below is not None:
        return Layout(i, below, strong_term(text) or strip_markup(text))
    term_line = above(i)
    if term_line is not None:
        term_text = sentences[term_line].text
        return Layout(term_line, i, strong_term(term_text) or strip_markup(term_text))
    term = term_of_line(sentences, i, gap)
    return Layout(i, i, term) if term else None


def described_terms(sentences: Sequence[_Sentence], gap: Gap) -> list[str | None]:
    """The term each sentence defines or describes (its words are the description's subject), or None: `layout`'s
    term, with each sentence's term line looked for once (a term's description below asks for it as well)."""
    found: dict[int, int | None] = {}

    def above(j: int) -> int | None:
        if j not in found:
            found[j] = term_above(sentences, j, gap)
        return found[j]

    roles = (layout(sentences, i, gap, above) for i in range(len(sentences)))
    return [role.term if role else None for role in roles]


def is_header_row(sentences: Sequence[_Sentence], i: int, gap: Gap) -> bool:
    """A Markdown table's header row (the "|---|" line under it) or that line itself: column names, no answer."""
    text = sentences[i].text
    if is_table_separator(text):
        return True
    return row_cells(text) is not None and i + 1 < len(sentences) and gap(i, i + 1).count("\n") == 1 and \
        is_table_separator(sentences[i + 1].text)


# A command line at a shell prompt ("$ gitk", "% make install").
_PROMPTED = re.compile(r"\s*[$%]\s+\S")


def introduces(previous: str, gap: str, following: str) -> bool:
    """`previous` is what `following` needs to be understood (its definition term, its list's lead-in, a term on
    the line above): a passage boundary should not fall between them."""
    if gap.count("\n") > 2:
        return False
    if previous.rstrip().endswith(":") or strong_term(previous) or _DESCRIPTION_MARK.match(following):
        return True
    if _PROMPTED.match(previous) and "\n" not in previous.strip() and re.match(r"\s*[a-z]", following):
        return True  # "$ gitk" + "will show a nice graphical representation ...": the command is its subject
    one_line = previous.strip()
    # A short term one line above its description (an HTML <dt>, a glossary word, an option with its argument).
    return gap.count("\n") == 1 and "\n" not in one_line and len(one_line.split()) <= 6 and \
        not re.search(r"[.!?;,]$", one_line) and not is_list_item(one_line) and row_cells(one_line) is None


def ends_line(line: str, next_line: str) -> bool:
    """The line break after `line` ends a unit however long the line is: a heading, a definition term (a signature,
    an option list, a marked-up term), or the line above a Pandoc ": description"."""
    return bool(_HEADING_MARK.match(line) or _DESCRIPTION_MARK.match(next_line) or strong_term(line))


def asked_cell(header: Sequence[str], cells: Sequence[str], asked: set[str]) -> str | None:
    """The cell of a table row that a question asks for: under a column the question names, in a row the question
    names by another cell ("default encoding" of the row "Windows"), the asked cell's own words not in it."""
    if len(header) != len(cells) or len(cells) < 2:
        return None
    stems = [content_stems(cell) for cell in cells]
    if not any(s & asked for s in stems):
        return None  # the question names no cell of this row: it asks which row, not what is in one
    best: tuple[int, str] | None = None
    for column, cell in zip(header, cells, strict=True):
        named = len(content_stems(column) & asked)
        if named and cell and not content_stems(cell) & asked and (best is None or named > best[0]):
            best = (named, cell)
    return best[1] if best else None

"""Extractive answers: pick the sentences that answer the question, quote their exact spans, lead with the phrase.

No model beyond the embedder: each retrieved sentence carries a similarity to the question (from vectors made at
ingest); it is scored with that, the question's words, the passage's score and whether it holds the kind of phrase
asked for. The best one is quoted with what it needs to stand alone (the sentence it continues, the definition term
it describes, the item a lead-in introduces) as one exact span, and the answer leads with the short phrase that
answers (a duration, a date, a name, a term) when the quote holds one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from .answer_people import AskedName, asked_name, fullest_name, introduction, name_part, without_part_frame
from .answer_phrases import (
    DATE,
    NAME,
    asks_a_persons_name,
    asks_definition,
    asks_version,
    command_line,
    count_numbers,
    event_time,
    expected_kind,
    explains,
    find_phrase,
    has_phrase,
    heading_release,
    named_thing,
    release_line,
    term_name,
    who_is_words,
    without_name_frame,
    without_tool_namespace,
)
from .answer_phrases import normalize_spaces as _normalize
from .answer_relations import asked_bound, asks_code_name, unheard_attribute, unstated_relation
from .answer_signals import (
    answered_match,
    asked_speaker,
    asked_thing_text,
    asks_about_document,
    described_thing,
    describes,
    front_matter,
    heading_overlap,
    is_question_line,
    question_lines,
    speakers,
)
from .answer_values import (
    Entries,
    asked_field,
    asked_parameter,
    asked_thing,
    asks_default,
    asks_what_it_does,
    default_stems,
    default_value,
    defaulted_parameter,
    documented_parameter,
    entry_name_stems,
    fills_field,
    glued_signature,
    is_asked_thing,
    is_field_line,
    is_prose,
    is_signature,
    named_parameters,
    names_parameter,
    parameters_asked_by_name,
    signature_defaults,
    signature_parameters,
    stated_default,
    states_default,
    states_default_of_previous,
)
from .answer_weights import SentenceWeights, hand_weights
from .code_keywords import code_keywords, names_keyword
from .common_words import is_rare_word
from .keyword import STOPWORDS
from .lru import LruCache
from .paraphrases import paraphrase_stems
from .records import Answer, Citation, Hit, Passage, ScoredSentence
from .structure import asked_cell, described_terms, is_header_row, layout, markdown_header, row_cells, strip_markup
from .terms import content_stems

NO_ANSWER = "The documents do not contain an answer to this question."

_LIST_MARKER = re.compile(r"^\s*(?:[-*•]|\d{1,3}[.)]|\(\w{1,3}\))\s+")
_NAME_LIKE = re.compile(r"^(?:.*[A-Z].*|.*\d.*[a-z].*|.*[a-z].*\d.*)$")
# A sentence that leans on the one before it: a pronoun or connective first ("It", "This", "However").
_REFERS_BACK = re.compile(
    r"^\W*(?:it|its|this|that|these|those|they|them|their|he|she|his|her|such|there|then|however|but|thus|"
    r"therefore|instead|otherwise|in (?:response|reply|return|addition)|to this|for this|as a result)\b", re.I)
# A sentence about the entry it is read in, by its kind: "This option ...", "The function ...".
_ENTRY_REFERRED = re.compile(r"\W*(?:this|the)\s+(?:option|flag|switch|function|method|class|command|subcommand|"
                             r"decorator|setting|variable|parameter|argument|attribute|property|field|filter|"
                             r"module)\b", re.I)
# A sentence that ends on what the one before said ("The get_source() method can be used to find this out.",
# "Use --force for that."): it names the way, the sentence before the problem.
_ENDS_ON_REFERENCE = re.compile(r"\b(?:this|that|these|those)(?:\s+(?:out|up|off|on|down))?\W*$", re.I)
# An API's change note ("Changed in version 2.9.2: added ...", "New in version 2.3", "Deprecated since version 3.4"):
# a fact of the entry's history, however short and unpunctuated.
_VERSION_NOTE = re.compile(r"(?:new|changed|added|deprecated|removed)\b[\w ]{0,20}\b(?:version|release)\s+v?\d", re.I)
_DEFINITE = re.compile(r"^\W*(?:the|this|that|these|those|such)\s+(\w+)(?:\s+(\w+))?", re.I)
# A thing named with its number ("Debian 14", "version 1.0.0"): a question about that one, not any other.
_VERSIONED = re.compile(r"\b[A-Z][\w+-]*[ \t]+v?\d+\b(?![.,]\d)|\b\d+(?:\.\d+){1,3}\b")
# A code given as a number of three digits or more: a status code, a port, an error number ("SQLSTATE 23505"); or a
# release's number ("Debian 1.1"), whose digits alone ("1") are in every other release's.
_CODE_NUMBER = re.compile(r"\b\d+(?:\.\d+)+\b|\b\d{3,}\b")
_VERSIONED_LOWER = re.compile(r"\b([a-z][\w+-]*)[ \t]+v?\d+\b(?![.,]\d)")
_TIME_IDIOM = re.compile(r"\b(?:(?:not\s+)?for\s+the\s+(?:first|second|third|last|next)\s+time|at\s+the\s+same\s+time|"
                         r"all\s+the\s+time|from\s+time\s+to\s+time|at\s+a\s+time|(?:at\s+)?this\s+time|in\s+time|"
                         r"on\s+time|any\s*more|once\s+again|yet\s+again)\b", re.I)
_ADMONITION = re.compile(r"(?i)(?:note|tip|hint|caution|warning|important|danger|attention|see also|example|"
                         # ... and a specification's labels of its parts: "Rationale", "Purpose", "Requirements"
                         r"rationale|remark|purpose|requirement|motivation|background|discussion|abstract|summary|"
                         r"overview|description|synopsis|usage)s?:?")
# Names of code a question asks about: dotted or snake_case names, calls, CamelCase, options.
_ASKED_NAME = re.compile(r"(?<![\w-])--?\w[\w-]*|\b\w+(?:[._]\w+)+\b|\b\w+\(\)|\b[A-Z][a-z]+(?:[A-Z][a-z\d]*)+\b")
# The verbs a "which function ...?" question asks with, which a description need not hold ("returns X": "X").
_ASKING_VERBS = content_stems("returns gives")
_COMMAND_REACH = 400  # characters below a "how do I" quote naming no way looked over for a lead-in and its command
_LONG_SIGNATURE = 120  # characters of a signature's line past which its description is quoted without it
_PLAIN_RETURN = re.compile(r"\W*what\s+(?:does|do|will)\s+\S+\s+return\W*$", re.I)
# A summary that says what an entry returns: "Return the ...", "Returns a ...", or the thing itself, "The first ...".
_TELLS_RETURN = re.compile(r"\s*(?:Returns?|The|An?)\s")
# A line of code or a shell session: an import, an interpreter or shell prompt, a comment.
_CODE = re.compile(r"\s*(?:from\s+[\w.]+\s+import\b|import\s+[\w.]+\s*$|>>>|\$\s|#\s)", re.M)
# The number a numbered heading starts with ("3.5.2. ", "2.5.4 ").
_SECTION_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{1,3})*\.?\s+")
# A line that opens a block of code ("if shout:", "def info(shout):", "for item in items:"): code, not a lead-in.
_BLOCK_OPENER = re.compile(r"\s*(?:if|elif|else|for|while|def|async\s+def|class|try|except|finally|with)\b[^\n.]*:\s*$")
# Where a thing is kept: a path or a web address.
_PLACE = re.compile(r"(?<![\w/])/[\w.+-]+/[\w./+-]*|\bhttps?://\S+")
# Phrase kinds that a sentence must hold to answer ("how long" needs a duration); a term or reason may be implicit.
_STRICT_KINDS = frozenset({"duration", "time", "day", "date", "number", "name"})
_VALUE_KINDS = _STRICT_KINDS - {"name"}  # what a text states by writing the value out
# A parameter list's item as Sphinx renders one: "- page_size (int) – how many per page".
_PARAMETER_ITEM = re.compile(r"^\s*[-*+•]\s+[A-Za-z_]\w*(?:\s*\([^()\n]{0,80}\))?\s+[–—-]{1,2}\s+\S")
_LOG_200 = math.log(200)
_SENTENCE_END = re.compile(r"""[.!?][)"'”’]?$""")
_ENDS_STATEMENT = re.compile(r"""[.!?)"'”]$""")
_ENDS_CLAUSE = re.compile(r"[.!?:;,]$")
_CALL_SHAPE = re.compile(r"\w\(.*\)\s*(?:->.*)?$")  # a signature: name(arguments)
_LOWER_FIRST = re.compile(r"[a-z]")
_DOTTED_NAME = re.compile(r"(?<![\w.])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")  # "click.echo", "werkzeug.test.Client"
_SHORT_CALL = 60  # characters of a signature that may lead an answer as it is written
# Quotes this few characters apart are next to each other (one space or line break between two sentences).
_ADJACENT = 2


@dataclass(frozen=True)
class AnswerConfig:
    threshold: float
    # Quoted spans in an answer: the best one, and the next best when it scores within `join_margin` of it.
    max_sentences: int = 2
    join_margin: float = 0.02
    # What a candidate sentence's features weigh (rag/answer_weights.py): the hand weights, or learned ones.
    weights: SentenceWeights = field(default_factory=hand_weights)
    # Question-level evidence that the corpus cannot answer: it names something the corpus never mentions.
    absent_name_penalty: float = 0.4
    # A question that asks for a duration, date, number or name, and no quote holds one: evidence of no answer.
    missing_phrase_penalty: float = 0.15
    # Asked for a bound or for one thing's default, and no quote states it (rag.answer_relations): as strong as a
    # name the corpus lacks, since the documents most likely hold the thing but not the asked fact about it.
    unstated_relation_penalty: float = 0.4
    # Asked for a date, a time, a duration or a number, the best sentence holds one but shares less than this share
    # of the question's words: the value it states is most likely another thing's ("mid-October" of the
    # subcommittee, asked the APEC meeting's date). Counted as an unstated relation. Chosen on the calibrate halves
    # (0.15-0.2 alike; evals/README.md, "Session 10"). 0 turns the check off, with its twin: the value's sentence
    # has none of the question's words while one read with it, holding no value, has most (_value_of_another_thing).
    value_of_other_overlap: float = 0.2
    # The sentence after the best one joins its quote when it refers back to it and scores within this margin.
    follow_margin: float = 0.08
    # A second statement of the answer's phrase elsewhere is cited too when it scores within this margin (0: never).
    corroborate_margin: float = 0.03
    # Passages whose sentences' reading (what they are, whatever the question) is kept between questions.
    remembered_passages: int = 2048


@dataclass(frozen=True)
class _Candidate:
    hit: Hit
    position: int  # index of the sentence in hit.sentences
    score: float
    features: Mapping[str, float] = field(default_factory=dict)  # the signals it was scored on (answer_weights)
    header_row: bool = False  # a table's column names: shown with the row they head, never quoted alone

    @property
    def sentence(self) -> ScoredSentence:
        return self.hit.sentences[self.position]


# The nouns that name a quantity: asked "which X", the answer is a number.
_QUANTITIES = frozenset(content_stems("value port size priority limit timeout length width height count amount capacity "
                                      "threshold maximum minimum percentage rate depth interval delay"))

# The nouns that name a place: asked "which X", the answer is a place the prose names.
_PLACES = frozenset(content_stems("country city town capital region province state island venue location place"))


@dataclass(frozen=True)
class _Quote:
    start: int
    end: int
    text: str
    term: str | None  # the definition term the quote describes, if any
    header: list[str] | None = None  # the column names of the table the quoted row belongs to, if any
    lead: str | None = None  # the lead-in of the quoted list item, when too far above to be in the span

    def shown(self) -> str:
        """The quote as the answer shows it: a table row with its column headers ("class: LRUCache; ..."), a list
        item after its lead-in."""
        text = " ".join(self.text.split())
        cells = row_cells(self.text)
        if self.header and cells and len(self.header) == len(cells):
            return "; ".join(f"{n}: {c}" for n, c in zip(self.header, cells, strict=True))
        return f"{' '.join(self.lead.split())} … {text}" if self.lead else text


# A table cell of code ("count(seq)"), and a lead that is a call with its arguments ("take(n, seq)", not "tapply()").
_CALL_CELL = re.compile(r"\w\([^)]*\)")
_CALL_WITH_ARGUMENTS = re.compile(r"[\w.]*\w\([^)]+\)")


def _quote_between(passage: Passage, start: int, end: int, term: str | None = None, header: list[str] | None = None,
                   lead: str | None = None) -> _Quote:
    """The quote of the passage's text from `start` to `end` (offsets in its document)."""
    return _Quote(start, end, passage.text[start - passage.start : end - passage.start], term, header, lead)


def _section_name(hit: Hit, asked_kind: frozenset[str], question: str) -> str | None:
    """The thing of the kind asked that the passage's own section is about, named by its heading: a section of a
    part whose heading names that kind ("6.8. Copyright" under "6. Fields", asked "which field ..."). A short name,
    what the heading's number and its gloss after " : " leave, that the question does not give as a name ("Which
    tool does Meson use?" in the section "Meson": its subject, not its answer)."""
    parts = [p for p in hit.passage.context.split(" > ") if p]
    if len(parts) < 3 or not content_stems(" ".join(asked_kind)) <= content_stems(parts[-2]):
        return None  # (the document's title, then the part of the kind asked, then the section)
    name = re.split(r"\s+[:—–-]\s+", _SECTION_NUMBER.sub("", parts[-1]).strip(), maxsplit=1)[0].strip()
    if not name or len(name.split()) > 3 or _ADMONITION.fullmatch(name) or \
            re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", question):
        return None
    return name


def _table_header(sentences: Sequence[ScoredSentence], i: int, gap: Callable[[int, int], str]) -> list[str] | None:
    """The column names of the table that row `i` belongs to: a Markdown table's header (above its "|---|" line),
    or the first row of a rendered table (rows one line apart), when it is in the passage."""
    found = markdown_header(sentences, i, gap)
    if found:
        return found
    first = i
    while first > 0 and " | " in sentences[first - 1].text and gap(first - 1, first).count("\n") == 1:
        first -= 1
    # A header names columns: no figures in it, no cell a sentence (a row of data above, from a table begun in an
    # earlier passage, has them: "SIGPIPE | Sent to a process when it has attempted to write to a disconnected pipe.").
    cells = row_cells(sentences[first].text) if first < i and not re.search(r"\d", sentences[first].text) else None
    # Nor is a cell of code a column's name: "count(seq) | Count the number of items in seq" is the first row of an
    # API summary table, whose columns have no names.
    if not cells or any(c.rstrip().endswith(".") or len(c.split()) > 8 or _CALL_CELL.search(c) for c in cells):
        return None
    # A row whose cells begin or end as the row's own do is a row of the same data ("dd | Utility to convert and copy
    # a file" over "kill | Utility to send signals to processes"), not the column names.
    row = row_cells(sentences[i].text) or []
    for above, below in zip(cells, row, strict=False):
        a, b = above.lower().split(), below.lower().split()
        if a and b and (a[0] == b[0] or a[-1] == b[-1]) and len(a) + len(b) > 2:
            return None
    return cells


def _row_name(text: str) -> str | None:
    """A table row's first cell, lower-cased, when the row has two cells or more: what the row is about."""
    cells = row_cells(text)
    return cells[0].lower() if cells and len(cells) > 1 and cells[0] else None


def _names_in(question: str) -> frozenset[str]:
    """The names a question gives, lower-cased, with each part of a path or dotted name ("/etc/mtab": "etc/mtab",
    "etc", "mtab")."""
    out: set[str] = set()
    for token in re.findall(r"[\w.<>*/+-]+", question.lower()):
        token = token.strip("./-")
        out.add(token)
        out.update(p for p in re.split(r"[/.]", token) if p)
    return frozenset(out)


def _headings(hit: Hit) -> set[str]:
    """The passage's document title and heading chain, normalized: lines that name a section, not define a term.
    A numbered heading counts without its number too: the sentence splitter cuts "3.5.2." from "3.5.2. Specific
    Options", and the words left are still the heading, not a term glued to the sentence below."""
    parts = {_normalize(part) for part in (hit.title, *hit.passage.context.split(" > ")) if part}
    return parts | {_SECTION_NUMBER.sub("", part) for part in parts if _SECTION_NUMBER.match(part)}


def _is_section_heading(text: str, headings: set[str]) -> bool:
    """The line is one of the passage's own headings ("# Kettle care" under "Kettle care"): "The kettle ..." below it
    names the section's subject, it does not lean on the heading as on a sentence before it."""
    return _normalize(text.strip().lstrip("#").strip()) in headings


def _looks_like_heading(text: str, headings: set[str]) -> bool:
    """A title, section heading, definition term or lead-in line: quoting it alone answers nothing."""
    stripped = text.strip()
    if " | " in stripped:  # a table row: its cells are the content
        return False
    # A lead-in ("run:") introduces the answer; a question (an FAQ's heading) asks it: neither answers alone.
    if stripped.endswith((":", "?")):
        return True
    if is_field_line(stripped) or _PARAMETER_ITEM.match(stripped) or _VERSION_NOTE.match(stripped) or \
            stated_default(stripped):
        # "deprecated: v7.0.0", "- page_size – how many per page", "Default: 'session'": a field states a fact, as a
        # sentence does
        return False
    if _ENDS_STATEMENT.search(stripped) and not _looks_like_term(stripped):
        return False
    normalized = _normalize(stripped)
    return len(stripped) < 90 or any(normalized.startswith(h) for h in headings)


# A line that is one name of a command-line option, as a manual lists them one per line above their description
# ("-u", "--include-untracked", "--untracked-files[=<mode>]", "-C <commit>").
_OPTION_LINE = re.compile(r"\s*--?[\w\[][^\s]*(?:\s+<[^<>\n]+>)?\s*")


def _option_block(sentences: Sequence[ScoredSentence], j: int, gap: Callable[[int, int], str]) -> int:
    """The first of the option lines that end with line j, one name a line ("-u" / "--include-untracked" /
    "--no-include-untracked"): the names of one option, all above its description."""
    k = j
    while k > 0 and gap(k - 1, k).count("\n") == 1 and _OPTION_LINE.fullmatch(sentences[k - 1].text) and \
            _OPTION_LINE.fullmatch(sentences[k].text):
        k -= 1
    return k


def _option_term(sentences: Sequence[ScoredSentence], j: int, gap: Callable[[int, int], str]) -> tuple[int, str]:
    """Where the term whose last line is line j starts, and the term: all the option's names when the line is one
    name among several, else the line itself."""
    k = _option_block(sentences, j, gap)
    return k, "\n".join(s.text.strip() for s in sentences[k : j + 1]) if k < j else sentences[j].text


_OPTION_NAME = re.compile(r"--?[A-Za-z0-9][\w-]*")


def _option_names(term: str) -> set[str]:
    """The names an option term gives, as term_name reads them ("-a", "--all" of "-a\n--all"), a "--[no-]verify"
    both ways ("--verify", "--no-verify"); none for a term that is no option."""
    if not term.lstrip().startswith("-"):
        return set()
    names = set(term_name(term).split(", "))
    names = {n.replace("[no-]", "", 1) for n in names} | {n.replace("[no-]", "no-", 1) for n in names}
    return {n for n in names if _OPTION_NAME.fullmatch(n)}  # (not a list item's word: "- threaded (bool) – ...")


def _written(name: str, text: str) -> bool:
    """The option's name stands in the text as a word of its own ("--all", not part of "--all-match")."""
    return re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text) is not None


def _option_named(term: str, question: str) -> bool:
    """One of an option term's names is written in the question as it is."""
    return any(_written(n, question) for n in _option_names(term))


def _asked_option_in(term: str, question: str, text: str) -> bool:
    """The text names the option the question asks about by one of the names the term gives it."""
    return any(_written(n, question) and _written(n, text) for n in _option_names(term))


def _argument_stems(text: str) -> frozenset[str]:
    """The words of the argument list of a signature glued to its description ("attr.s(these=None, ...,
    frozen=False, ...)" + "A class decorator that ..."): they name every option the entry has, which says nothing
    of what the entry is, only of which parameters it takes."""
    glued = glued_signature(text)
    if glued is None:
        return frozenset()
    signature, description = glued
    return content_stems(signature) - content_stems(term_name(signature)) - content_stems(description)


def _describes_entry(text: str, described: str | None) -> bool:
    """A line of a few words under an API entry's signature is its description, with or without a full stop
    ("toolz.itertoolz.last(seq)" + "The last element in a sequence"), not a heading."""
    return described is not None and len(text.split()) >= 3 and is_signature(described) and \
        _normalize(described) not in _normalize(text)


def _lead_in_naming(text: str, thing: frozenset[str], question: str) -> bool:
    """A sentence of prose that ends in a colon before its example and names a thing of the asked kind ("you can
    search by CSS class using the keyword argument class_:"): a lead-in, and yet it says what is asked."""
    stripped = text.strip()
    return stripped.endswith(":") and "\n" not in stripped and len(stripped.split()) >= 6 and \
        named_thing(stripped, thing, question) is not None


def _looks_like_term(text: str) -> bool:
    """A definition term: one short line naming a thing (an API signature, an option, a glossary word)."""
    stripped = text.strip()
    if "\n" in stripped or len(stripped) > 160 or " | " in stripped or not stripped or stripped.startswith(("(", "|")):
        return False  # ... and "(default since 2.6.30)" is an aside of the line above, not a term
    if _ADMONITION.fullmatch(stripped):
        return False  # "Note", "Tip", "Rationale": the label of an admonition box or a part, not a thing defined
    if _CALL_SHAPE.search(stripped):
        return True
    return not _ENDS_CLAUSE.search(stripped) and len(stripped.split()) <= 6


# A usage line's optional parts and placeholders ("[-q | --quiet]", "<stash>"), and what is left once they are gone.
_BRACKETED = re.compile(r"\[[^\[\]]*\]|<[^<>]*>")
_SYNOPSIS_REST = re.compile(r"[a-z][\w.-]*(?:\s+(?:[a-z][\w.-]*|-{1,2}[\w-]+(?:=\S*)?|\||…|\.\.\.))*")


def _is_synopsis(text: str) -> bool:
    """A command's usage line, as a manual's SYNOPSIS gives it: command words, then options in brackets and
    placeholders ("git stash pop [--index] [-q | --quiet] [<stash>]"), nothing a sentence says."""
    line = " ".join(text.split())
    if "[" not in line or len(line) > 400:
        return False
    rest = line
    while True:
        shorter = _BRACKETED.sub(" ", rest)
        if shorter == rest:
            break
        rest = shorter
    return "[" not in rest and _SYNOPSIS_REST.fullmatch(" ".join(rest.split())) is not None


def _is_command_line(text: str) -> bool:
    """A line of code or a command on its own ("dpkg --status package", `> sink("out.txt")`), list marker and
    shell prompt aside: what a lead-in like "run the command" introduces, or what a fragment after it describes."""
    return command_line(text) is not None


def _opens_entry(sentences: Sequence[ScoredSentence], j: int, gap: Callable[[int, int], str]) -> bool:
    """Sentence j is the signature of the next API entry, its description on the line below (a <dt> and its <dd>):
    a call shape that the sentence above does not introduce as a command to run."""
    return j + 1 < len(sentences) and is_signature(sentences[j].text) and gap(j, j + 1).count("\n") == 1 and \
        is_prose(sentences[j + 1].text)


# Sentences and paragraph breaks a bare default line ("Default: None") looks up over for the term it belongs to (a
# config key's description may run to three paragraphs; another key's default line ends the search first).
_DEFAULT_REACH = 8
_DEFAULT_PARAGRAPHS = 3


def _term_above_default(sentences: Sequence[ScoredSentence], i: int, gap: Callable[[int, int], str]) -> int | None:
    """The term line a bare default line belongs to: the nearest line above that introduces a description, over at
    most _DEFAULT_REACH sentences and _DEFAULT_PARAGRAPHS blank lines, none of them another default."""
    blank_lines = 0
    for j in range(i - 1, max(i - 1 - _DEFAULT_REACH, -1), -1):
        blank_lines += "\n\n" in gap(j, j + 1)
        if blank_lines > _DEFAULT_PARAGRAPHS or states_default_of_previous(sentences[j].text):
            return None
        if j + 1 < i and _introduces(sentences[j].text, gap(j, j + 1)):
            return j  # (the line just above the default is its description, not its term)
    return None


def _gives_default_of_previous(sentences: Sequence[ScoredSentence], i: int, gap: Callable[[int, int], str]) -> bool:
    """Sentence i gives the default of what the sentence before it, in its paragraph, describes ("Maximum number of
    history lines retained." + "**Default:** `30`."), which states none of its own."""
    return i > 0 and "\n\n" not in gap(i - 1, i) and states_default_of_previous(sentences[i].text) and \
        not states_default(sentences[i - 1].text)


def _continues_command(text: str, previous: str) -> bool:
    """A sentence that starts in lower case right after a command line describes it ("will divert all output")."""
    return bool(re.match(r"[a-z]", text.strip())) and _is_command_line(previous.rstrip().rsplit("\n", 1)[-1])


def _first_line_term(text: str) -> str | None:
    """A definition term glued to its description in one sentence (no full stop ends the term's line): the
    first line when it looks like a term and the next line starts a sentence of its own."""
    first, sep, rest = text.strip().partition("\n")
    opening = rest.strip()[:1]
    if not sep or not (opening.isupper() or opening.isdigit()):
        return None
    signature = len(first) <= 400 and _CALL_SHAPE.search(first.strip())
    if signature:
        return first  # (its description may open with a figure: "404 Not Found")
    if not opening.isupper():
        return None
    # A line of prose wrapped mid-sentence ("Please address email correspondence to") ends on a function word.
    last_word = re.findall(r"\w+", first)[-1:] or [""]
    return first if _looks_like_term(first) and content_stems(last_word[0]) and not first.rstrip().endswith(":") \
        else None


def _is_asked_name(name: str, asked: set[str], cased: set[str]) -> bool:
    """Whether an entry's name is one the question asks about: by its last part, in any case ("proxyfix" typed in a
    hurry is `ProxyFix`), unless the question typed that name with capitals and the entry writes it otherwise. An
    option's names are each its name ("-u, --include-untracked")."""
    if name.startswith("-") and ", " in name:
        return any(_is_asked_name(part, asked, cased) for part in name.split(", "))
    last = _last_part(name)
    return last.lower() in asked and not any(c.lower() == last.lower() and c != last for c in cased)


def _last_part(name: str) -> str:
    """The part of a dotted name or call that names the thing, as written: `werkzeug.middleware.ProxyFix()` ->
    `ProxyFix`."""
    return name.rstrip("()").rsplit(".", 1)[-1]


def _last_name(name: str) -> str:
    """The last part of a dotted name, lower-cased: `werkzeug.middleware.ProxyFix` -> `proxyfix`."""
    return _last_part(name).lower()


def _initials(text: str) -> dict[str, str]:
    """The abbreviations a text spells out, each with the words it stands for: "UN" -> "United Nations"
    (capitalised words in a row, "of" skipped)."""
    out: dict[str, str] = {}
    for m in re.finditer(r"[A-Z][\w'’-]*(?:\s+(?:of\s+|for\s+|and\s+)?[A-Z][\w'’-]*)+", text):
        words = [w for w in m.group().split() if w[0].isupper()]
        for i in range(len(words)):
            for j in range(i + 2, min(len(words), i + 6) + 1):
                out.setdefault("".join(w[0] for w in words[i:j]), " ".join(words[i:j]))
    return out


_NUMBERED = re.compile(r"\s*(\d{1,3})[.)]\s")


def _heads_section(line: str, following: str) -> bool:
    """A numbered line that the next does not follow as its sibling ("3. Leaks ..." then "1. Statements by ..."): a
    section's heading, not an item of a list ("3. Install it" then "4. Configure it")."""
    number, next_number = _NUMBERED.match(line), _NUMBERED.match(following)
    return number is not None and not (next_number and int(next_number.group(1)) == int(number.group(1)) + 1)


# "What does valmap do?", "What does the pipe function return?": one plain word is the thing asked about.
_ASKED_PLAIN_WORD = re.compile(r"\s*what\s+(?:does|do|is)\s+(?:the\s+)?([a-z_][a-z\d_]*)\s+(?:(?:function|method|"
                               r"filter|decorator|class|test)\s+)?(?:do|return|yield|raise|mean|for)\b", re.I)


def _code_names_typed_lower(question: str, hits: Sequence[Hit]) -> set[str]:
    """A question's lower-case words that the passages read write as a code name ("proxyfix" for `ProxyFix`): typed
    in a hurry, the name asked about still picks its entry. So does a plain word asked about that the passages
    call or reach by a dot ("What does valmap do?" and `valmap(func, d)`, "What does pipe do?" and `toolz.pipe`)."""
    words = {w for w in re.findall(r"\b[a-z][a-z\d]{3,}\b", question) if is_rare_word(w)}
    plain = _ASKED_PLAIN_WORD.match(question)
    # A capitalised word past the first that the passages write as a class's name ("the default salt of Signer" and
    # "class itsdangerous.signer.Signer(...)").
    capitalised = set(re.findall(r"(?<=\s)[A-Z][a-z\d]{2,}\b", question))
    if not words and not plain and not capitalised:
        return set()
    read = " ".join(h.passage.text for h in hits)
    found = {w for w in words if any(m.group() != m.group().lower() and m.group() != m.group().capitalize()
                                     for m in re.finditer(rf"\b{w}\b", read, re.I))}
    found |= {w.lower() for w in capitalised if re.search(rf"\bclass\s+(?:[\w]+\.)*{w}\b", read)}
    if plain and (word := plain.group(1).lower()) not in STOPWORDS and \
            re.search(rf"(?<![\w.])[A-Za-z_][\w.]*\.{word}\b(?!\.\w)|(?<![\w.]){word}\(", read):
        found.add(word)
    return found


def _question_kind(question: str, hits: Sequence[Hit]) -> str | None:
    """What the question asks for (answer_phrases.expected_kind); "who is ivanov" typed in lower case asks what
    Ivanov is, as "Who is Ivanov?" does, when the passages read write the word as a name."""
    kind = expected_kind(question)
    words = who_is_words(question) if kind == "name" else []
    if words:
        read = " ".join(h.passage.text for h in hits)
        if all(w.lower() == "and" or re.search(rf"\b{re.escape(w[:1].upper() + w[1:])}\b", read) for w in words):
            return None
    return kind


def _written_as_name(word: str, text: str) -> bool:
    """Whether the text writes the lowercase word capitalised after a lowercase word or a comma: as a name, not as
    the first word of a sentence ("Debian" in "... released Debian 12", not "Version" opening a line)."""
    return re.search(rf"(?<=[a-z,] ){re.escape(word[:1].upper() + word[1:])}\b", text) is not None


def _release_stated(name: str, read: str) -> bool:
    """Whether a versioned name ("Jinja 3", "Debian 12") is a release the normalized text states: it names the thing
    and gives that major release as a version ("version 3.0.0", "3.1.2", "release 3"). A code of three digits or
    more ("SQLSTATE 23505", "HTTP 404") is stated where the text names the thing and gives the code, apart (a table
    of SQLSTATE codes has "23505" in a row)."""
    found = re.fullmatch(r"(.+?)\s+v?(\d+)", _normalize(name))
    if found is None or found.group(1) not in read:
        return False
    major = found.group(2)
    code = rf"|(?<![\w.]){major}(?![\w.])" if len(major) >= 3 else ""
    return re.search(rf"\b(?:version|release)\s+v?{major}\b|(?<![\w.]){major}(?:\.\d+){{2}}\b{code}", read) is not None


def _leads(answer: str, sentence: str) -> bool:
    """Whether an answer's text (normalized) opens with the sentence, after the phrase it may lead with ("X — ")."""
    at = answer.find(sentence) if sentence else -1
    return at == 0 or at > 0 and answer[:at].rstrip().endswith("—") and answer[:at].count("—") == 1


def _in_order(words: Sequence[str], within: Sequence[str]) -> bool:
    """Whether `words` occur in `within` in the same order, others between them allowed."""
    rest = iter(within)
    return all(word in rest for word in words)


def _spell_out(name: str, initials: Mapping[str, str]) -> str:
    """A name with the abbreviations the passages spell out written in full: "UN General Assembly" -> "United
    Nations General Assembly"."""
    return " ".join(initials.get(w, w) for w in name.split())


def _leans_back(text: str) -> bool:
    """The sentence opens on a pronoun or connective ("It has five arguments") or ends on "this"/"that" ("... can be
    used to find this out"): what it is about was said in the sentence before."""
    return _REFERS_BACK.match(text) is not None or _ENDS_ON_REFERENCE.search(text) is not None


def _refers_back(text: str, previous: str) -> set[str] | None:
    """How `text` leans on `previous`: the stems of "the X" when X was just named (empty for a pronoun or a
    connective), or None when it does not."""
    if _leans_back(text):
        return set()
    definite = _DEFINITE.match(text)
    if definite:
        named = content_stems(previous)
        shared = {stem for word in definite.groups() if word for stem in content_stems(word) & named}
        return shared or None
    return None


def _words(text: str) -> str:
    """The text's words (names with dots, slashes and dashes kept whole), lowercased, one space apart."""
    return " ".join(re.findall(r"[\w./+-]*\w", text.lower()))


def _introduces(term: str, gap: str) -> bool:
    """A definition term directly above its description: the loaders put one line break between them, where
    paragraphs (a byline, a heading) are apart by a blank line."""
    return gap.count("\n") == 1 and _looks_like_term(term)


@dataclass(frozen=True, slots=True)
class _SentenceReading:
    """What one sentence of a passage is, whatever the question: the question-independent half of its features."""

    stems: frozenset[str]  # its words' stems, with its term's (the term is what a description is about)
    described: str | None  # the term it defines or describes by its layout (rag.structure)
    term: str | None  # that term, else a term glued to its first line, else the term line just above it
    introduced: bool  # the sentence before is its term, on the line above it
    leaned_on: frozenset[str]  # the stems of the sentence before (not its term) when it opens with a pronoun, "but"...
    between: str  # the text between the sentence before and it
    long: float
    body: str  # without its list marker
    continues: bool  # it leans on the sentence before in its paragraph
    introduces_command: bool  # a lead-in to the command line below it
    heading: bool  # a heading, a lead-in, a definition term alone, or a table's header row
    header_row: bool
    code: bool  # a line of example code
    synopsis: bool  # a command's usage line ("git stash pop [--index] [<stash>]"): how it is called, not what it does
    row_name: str | None  # a table row's first cell, lower-cased: the thing the row is about
    arguments: frozenset[str]  # a glued signature's argument names (left out of its stems but for a default)


@dataclass(frozen=True, slots=True)
class _PassageReading:
    """A passage's sentence readings, with what holds for the whole passage."""

    context_stems: frozenset[str]
    asking: frozenset[int]  # the positions of the sentences that ask (answer_signals.question_lines)
    sentences: tuple[_SentenceReading, ...]


def _reading_key(hit: Hit) -> tuple[object, ...]:
    """Everything a passage's reading is made of: a changed passage (text, headings, sentences) is read anew."""
    p = hit.passage
    return p.start, p.text, p.context, hit.title, tuple((s.start, s.end, s.text) for s in hit.sentences)


def _read_passage(hit: Hit) -> _PassageReading:
    """The question-independent properties of a passage's sentences (their layout roles, stems, ties to their
    neighbours), for score_sentences to combine with the question."""
    sentences, gap = hit.sentences, hit.between
    headings = _headings(hit)
    commands = [_is_command_line(s.text) for s in sentences]
    terms = described_terms(sentences, gap)
    out = []
    for position, sentence in enumerate(sentences):
        text = sentence.text
        described = terms[position]
        arguments = _argument_stems(text)
        stems = (content_stems(text) - arguments) | (content_stems(described) if described else frozenset())
        term = described or _first_line_term(text)
        between = gap(position - 1, position) if position > 0 else ""
        leaned_on: frozenset[str] = frozenset()
        introduced = continues = False
        if position > 0:
            previous = sentences[position - 1].text
            if _introduces(previous, between) and _normalize(previous) not in headings:
                stems = stems | content_stems(previous)  # a description is about its term
                _, term = _option_term(sentences, position - 1, gap)  # (every name of an option listed one a line)
                introduced = True
            elif _leans_back(text):
                leaned_on = content_stems(previous)  # "It has five arguments": "it" is named before
            previous = previous.strip()
            # It leans on the sentence before in its paragraph ("It has five arguments", a sentence a line break
            # cut). A heading or term above is no sentence it continues ("# pathkit" + "The pathkit module ...").
            continues = bool(previous) and "\n\n" not in between and bool(
                _LOWER_FIRST.match(text.strip()) or _SENTENCE_END.search(previous)
                and _refers_back(text, previous) is not None)
        header_row = is_header_row(sentences, position, gap)
        out.append(_SentenceReading(
            stems=stems, described=described or None, term=term, introduced=introduced, leaned_on=leaned_on,
            between=between,
            long=math.log(max(len(text), 1)) / _LOG_200, body=_LIST_MARKER.sub("", text, count=1),
            continues=continues,
            introduces_command=position + 1 < len(sentences) and commands[position + 1] and not commands[position]
            and not _opens_entry(sentences, position + 1, gap) and not _BLOCK_OPENER.match(text),
            heading=_looks_like_heading(text, headings) and not _describes_entry(text, described) or header_row,
            header_row=header_row,
            row_name=_row_name(text) if not header_row else None, arguments=arguments,
            code=_CODE.match(text) is not None, synopsis=_is_synopsis(text)))
    return _PassageReading(content_stems(hit.passage.context), frozenset(question_lines(sentences, gap)), tuple(out))


class ExtractiveAnswerer:
    """No model beyond the embedder: the answer is the best-supported span, quoted exactly."""

    def __init__(self, config: AnswerConfig) -> None:
        self.config = config
        # Passages recur across questions (a popular section, a follow-up question): their reading is kept.
        self._readings: LruCache[tuple[object, ...], _PassageReading] = LruCache(config.remembered_passages)

    def forget(self) -> None:
        """Drop the passages' readings kept between questions (what a cold start has not seen)."""
        self._readings.clear()

    def _reading(self, hit: Hit) -> _PassageReading:
        key = _reading_key(hit)
        reading = self._readings.get(key)
        if reading is None:
            reading = _read_passage(hit)
            self._readings.put(key, reading)
        return reading

    def score_sentences(self, question: str, hits: Sequence[Hit], entries: Entries | None = None,
                        asked_before: str = "", said_before: str = "") -> list[_Candidate]:
        """`asked_before`: the earlier questions a follow-up leans on; `said_before`: the answer it follows."""
        # "out of the box" asks for the default: a sentence stating one shares that. An idiom of time ("not for the
        # first time", "all the time") names no topic: "Eastern Standard Time" does not answer it.
        terms = default_stems(_TIME_IDIOM.sub(" ", without_name_frame(question)))
        keywords = code_keywords(question)  # "the with statement": a stopword that names code
        terms = terms | {f"`{k}`" for k in keywords}
        # Each term with its weight: a word of the questions a follow-up leans on ("it" is the offer) counts half as
        # much as the follow-up's own; and the words each says in other words.
        weighted = {t: 1.0 for t in terms} | {t: 0.5 for t in content_stems(asked_before) - terms}
        weight_sum = sum(weighted.values())
        related = {t: paraphrase_stems(t) for t in weighted}
        said = _normalize(said_before)
        kind = _question_kind(question, hits)
        wants_default = asks_default(question)
        entries = entries or Entries(hits)
        thing = asked_thing(question) if kind == "term" else frozenset()
        wants_summary = asks_what_it_does(question)
        # "What does the next statement do?": what a sentence describing it opens with, found once per question
        described = described_thing(asked_thing_text(question), keywords) if kind is None else None
        defining = asks_definition(question)
        wanted_field = asked_field(question)
        wants_place = re.match(r"\W*where\b", question, re.I) is not None
        plain_return = _PLAIN_RETURN.match(question) is not None  # "What does X return?", no condition added
        typed = [_last_part(m.group()) for m in _ASKED_NAME.finditer(question)]
        asked_names = {n.lower() for n in typed} | _code_names_typed_lower(question, hits)
        # The names typed with capitals: "Option" asks for the class, not for the option() decorator.
        asked_cased = {n for n in typed if n != n.lower()}
        asked_codes = set(_CODE_NUMBER.findall(question))
        # The words a sentence that covers the question holds. None when a named thing is asked about: its name is
        # most of the words, and its parameters' lines and neighbours hold them as well as its answer does. "Which
        # function returns the second element?" names nothing and asks for no field: an API describes the answer as
        # "The second element ...", so the verb that asks is no word the sentence must hold.
        covered = frozenset()
        if not (asked_names or wants_summary or wanted_field and kind != "term"):
            covered = terms - thing - {f"`{k}`" for k in keywords}
            if kind == "term":
                covered = covered - _ASKING_VERBS
        dotted_names = {m.group() for m in _DOTTED_NAME.finditer(question)}
        owned_names = {".".join(n.rstrip("()").split(".")[-2:]) for n in dotted_names}  # "Response.close"
        speaker = asked_speaker(question)  # "What did Ivanov say ...": whose words are asked for
        # The parameters a question asks the default of by their code name ("use_debugger", "cache_timeout").
        asked_parameters = parameters_asked_by_name(question) if wants_default else frozenset()
        # "Which body released this summary?", "When was FHS 3.0 published?"
        about_document = asks_about_document(question, {h.title for h in hits})
        named_in_question = _names_in(question)
        # "Who is Ivanov?", "What is Kono's first name?": where the documents introduce him by his fullest name.
        person = asked_name(question)
        fullest = fullest_name(person.person, (h.passage.text for h in hits)) if person and person.person else None
        top_passage = max((h.score for h in hits), default=0.0) or 1.0
        top_keyword = max((h.keyword_score or 0.0 for h in hits), default=0.0) or 1.0
        weights = self.config.weights
        seen: set[tuple[str, int, int]] = set()
        out: list[_Candidate] = []
        for hit in hits:
            reading = self._reading(hit)
            context_stems = reading.context_stems
            section_overlap = heading_overlap(terms, hit.passage.context)  # one section heading per passage
            asking = reading.asking
            answered = answered_match(hit.sentences, hit.between, asking)
            said_by = speakers(hit.sentences, hit.between) if speaker else []
            byline = front_matter(hit.sentences, hit.between, hit.passage.ordinal == 0) if about_document else set()
            for position, sentence in enumerate(hit.sentences):
                key = (hit.passage.doc_id, sentence.start, sentence.end)
                if key in seen:
                    continue
                seen.add(key)
                read = reading.sentences[position]
                # (A glued signature's argument names count only for a default: they say what it takes.)
                stems = (read.stems | read.arguments) if wants_default else read.stems
                if keywords:
                    stems = stems | {f"`{k}`" for k in keywords if names_keyword(sentence.text, k)}
                entry = None  # the signature of the API entry this line is deep in, if any
                signature = entries.signature_above(hit.passage.doc_id, sentence.start)
                if signature is not None and signature.sentence.start != sentence.start:
                    entry = signature.sentence.text
                    if read.described is None:
                        # A line deep in an API entry (a parameter, a "Returns:" line, a version note) is about the
                        # entry's name though it never says it.
                        stems = stems | entry_name_stems(entry)
                leaned_on = read.leaned_on
                default_of = None  # the similarity of the sentence whose default this one gives
                default_key = None  # the key a bare default line ("Default: None") two lines under it belongs to
                names_one = False
                term = read.term
                between = read.between
                if wants_default and not read.introduced and _gives_default_of_previous(hit.sentences, position, hit.between):
                    # "Maximum number of history lines retained." + "**Default:** `30`.": the default of the thing
                    # described just before matches as well as that description does.
                    previous = hit.sentences[position - 1]
                    stems = stems | content_stems(previous.text)
                    default_of = previous.similarity
                    leaned_on = frozenset()
                elif wants_default and term is None and states_default_of_previous(sentence.text):
                    # "Default: 'http'" in a paragraph of its own under "PREFERRED_URL_SCHEME": the key's default.
                    above = _term_above_default(hit.sentences, position, hit.between)
                    if above is not None:
                        term = default_key = hit.sentences[above].text.strip()
                        stems = stems | content_stems(term) | content_stems(re.sub(r"[_.]", " ", term))
                overlap = 0.0
                if weighted:
                    # A word of the context, of the sentence leaned on, or one the sentence says in other words
                    # ("request" for "ask": rag/paraphrases.py) counts half.
                    overlap = sum(w * (1.0 if t in stems else 0.5 if t in context_stems or t in leaned_on or
                                       not related[t].isdisjoint(stems) else 0.0)
                                  for t, w in weighted.items()) / weight_sum
                f: dict[str, float] = {"similarity": sentence.similarity, "overlap": overlap,
                                       "passage": max(hit.score, 0.0) / top_passage,
                                       "dense": hit.dense_score or 0.0, "keyword": (hit.keyword_score or 0.0) / top_keyword,
                                       "long": read.long}
                if position in asking:
                    # A question in the documents restates the user's, so it matches best and answers nothing: its
                    # match is credited to its answer, the sentences after it.
                    f["similarity"] = f["overlap"] = 0.0
                    f["asks"] = 1.0
                elif position in answered:
                    f["answers_question"] = max(answered[position] - sentence.similarity, 0.0)
                if default_of is not None:
                    f["default_of_previous"] = max(default_of - sentence.similarity, 0.0)
                if position == 0:
                    f["first_in_passage"] = 1.0
                f["heading_overlap"] = section_overlap
                if position in byline and (kind in ("date", "day", "time")) == bool(DATE.search(sentence.text)):
                    # Asked who made the document (or when), the line under its title that says so: a date line for
                    # "when", a name line otherwise.
                    f["front_matter"] = 1.0
                if said_by and said_by[position]:
                    # Asked what Ivanov said, Kono's words ("He noted ..." after Kono's) do not answer however alike.
                    f["speaker_asked" if said_by[position] == speaker else "speaker_other"] = 1.0
                if fullest and fullest in sentence.text:
                    f["introduces_person"] = 1.0
                if said and _leads(said, _normalize(sentence.text)):
                    # A follow-up ("What happened to it?") asks for more than the sentence the answer it follows was
                    # built on. (What that answer joined after it, "The offer ... has been declined", may well be
                    # what the follow-up asks.)
                    f["said_before"] = 1.0
                if described and describes(sentence.text, described):
                    f["describes_asked"] = 1.0  # "The next statement can be used to ..." for "What does next do?"
                    if defining:
                        f["defines_asked"] = 1.0  # "Sponsors are people who ..." for "What is a sponsor?"
                if read.continues:  # the quote will hold both, so how well that one matches counts for it
                    f["continues_match"] = hit.sentences[position - 1].similarity
                entry_default = None  # the default the entry's signature gives the parameter this line is about
                if wants_default:
                    # Asked for a default, a sentence that states one (or a signature giving the asked parameter
                    # one) answers; any other does not, as a sentence with no number does not answer "how many".
                    # A line about a parameter of an entry whose signature gives it a default is about that default.
                    signature_default = asked_parameter(question, signature_defaults(sentence.text))
                    # Another entry's signature giving a parameter of that name a default ("err=False" of
                    # click.prompt, asked about click.secho's err) gives the asked one none.
                    other_signature = bool(asked_names) and is_signature(sentence.text) and not _is_asked_name(
                        term_name(sentence.text), asked_names, asked_cased)
                    if other_signature:
                        signature_default = None
                    about = defaulted_parameter(sentence.text, entry) if entry else None
                    entry_default = signature_defaults(entry).get(about) if entry and about else None
                    # (Neither stated nor missing: the signature states it, and a sentence saying it in words is
                    # the better quote.)
                    # A default stated of other things ("By default, localhost ... are trusted") is no default of
                    # the parameter the question names ("the default of use_debugger").
                    of_other = other_signature or bool(asked_parameters) and not signature_default and not any(
                        p in sentence.text.lower() for p in asked_parameters)
                    # ... nor is one of a parameter the question does not name, that the line documents or the
                    # sentence is about ("port ... (defaults to 5432)" for "the default connection timeout").
                    parameter = documented_parameter(sentence.text) or about
                    if not parameter and read.continues and entry:  # "This is True by default" after its subject
                        parameter = defaulted_parameter(hit.sentences[position - 1].text, entry)
                    of_other = of_other or bool(parameter) and not signature_default and \
                        not content_stems(parameter.replace("_", " ")) & terms
                    if signature_default or states_default(sentence.text) and not of_other:
                        f["default_stated"] = 1.0
                    elif not entry_default:
                        f["default_missing"] = 1.0
                if kind in _STRICT_KINDS:
                    body = read.body
                    # A numeric default answers "how many" and "how long" (an API gives a time as a bare number).
                    numeric_default = kind in ("number", "duration") and entry_default is not None and \
                        re.fullmatch(r"[-+]?\d[\d_.]*", entry_default) is not None
                    if numeric_default or has_phrase(kind, body, question):
                        f["kind_phrase"] = 1.0
                    elif kind == "date" and event_time(body):
                        pass  # "At the beginning of the meeting": a time, though no date; neither held nor missing
                    elif not (kind == "name" and any(content_stems(m.group()) - terms for m in NAME.finditer(body))):
                        # (A body's or an event's name the question does not give is no person, nor no name at all:
                        # "who" may ask for the people or the body that did it.)
                        f["kind_missing"] = 1.0
                        if kind != "name":
                            # A date, a time, a duration or a number is written out where it is stated: a sentence
                            # without one cannot hold it, however many of the question's words it shares.
                            f["value_missing"] = 1.0
                elif wants_place and (_PLACE.search(sentence.text) or has_phrase("place", read.body, question)):
                    f["place"] = 1.0  # "where is X kept?": a path or an address; "where did they meet?": a named place
                elif kind == "reason" and has_phrase(kind, sentence.text, question):
                    f["reason"] = 1.0  # asked why, a sentence that gives a reason ("because ...")
                    if explains(sentence.text):
                        f["explains"] = 1.0  # ... and one whose point is the reason ("The reason ... is that ...")
                elif kind == "term" and has_phrase(kind, read.body, question):
                    f["term_phrase"] = 1.0  # "which class ...": a sentence naming one answers it
                    names_one = True  # (a name the question does not use: see the echo penalty)
                # A lead-in to a command line ("To list them, run the command" + "systemctl list-units") is the
                # way a "how do I" question asks for, not a heading.
                if read.introduces_command and kind == "how":
                    f["command_lead"] = 1.0
                elif read.heading and "front_matter" not in f and not _lead_in_naming(sentence.text, thing, question) \
                        or wants_summary and read.synopsis:
                    # (The byline asked for is no mere heading, nor a lead-in that names a thing of the asked kind;
                    # a usage line says how a command is called, as a signature does, not what it does.)
                    f["heading"] = 1.0
                # "What does X return?": the line under "Returns:" (or after ":returns:") answers, however short
                # ("str" under "Return type:" echoes nothing and still answers).
                of_asked_kind = bool(thing) and any(t and is_asked_thing(t, thing) for t in (term, entry))
                fills = wanted_field is not None and fills_field(
                    sentence.text, hit.sentences[position - 1].text if position else None, between, wanted_field)
                if fills:
                    f["fills_field"] = 1.0
                    # A type asked for ("bool" under "Return type") is no heading, and matches the question as the
                    # entry it belongs to does: its own words are too few to resemble anything. (What a call returns,
                    # asked in words, is better told by prose than by "* Returns: {Function[]}".)
                    if wanted_field == "rtype":
                        f.pop("heading", None)
                        if signature is not None:
                            f["similarity"] = max(f["similarity"], getattr(signature.sentence, "similarity", 0.0))
                elif len(stems - terms) < 2 and not (names_one and content_stems(
                        find_phrase(kind, sentence.text, question) or "") - terms) and not of_asked_kind and \
                        not (wants_default and stated_default(sentence.text)):
                    # (... nor is "Default: 'session'" asked the default of SESSION_COOKIE_NAME: its value answers.)
                    # (An entry of the asked kind that says just what the question asks, "text(x, y, labels)" + "Add
                    # text to a plot at points given by x, y." for "Which function adds text to a plot ...?", is
                    # answered by its name, however few words its description adds.)
                    f["echo"] = 1.0  # ... unless its one new word is the name asked for ("SIGCHLD | Sent ...")
                # The entry asked about, read with a few characters unread (a parameter list may outrun the passages).
                named = entries.signature_above(hit.passage.doc_id, sentence.start, entries.UNREAD)
                named_entry = named.sentence.text if named and named.sentence.start != sentence.start else None
                if asked_names and any(t and _is_asked_name(term_name(t), asked_names, asked_cased)
                                       for t in (term, named_entry)) or \
                        asked_names and term and term.lstrip().startswith("-") and _option_named(term, question) or \
                        asked_codes and any(t and asked_codes & set(_CODE_NUMBER.findall(t)) for t in (term, entry)):
                    # The entry that defines the very name asked about, or holds the code the question gives
                    # ("which exception ... a 403 response?" and "exception Forbidden(...) 403 Forbidden").
                    f["asked_entry"] = 1.0
                    # (Asked just what it returns, a summary that tells what it returns answers too: "Return a
                    # new dict with ...", "The first element in a sequence".)
                    if (wants_summary or plain_return and _TELLS_RETURN.match(sentence.text)) and \
                            named and entries.opens(hit.passage.doc_id, sentence.start) and \
                            not named_parameters(question, named.sentence.text):
                        f["summary"] = 1.0  # (asked what one parameter does, its own line answers)
                        if term_name(named.sentence.text) in dotted_names or \
                                entries.qualified_name(named) in owned_names:
                            # "click.echo" itself, not an "echo" of another module; "Response.close", not
                            # Session's close() (the class's line above it)
                            f["names_entry"] = 1.0
                    elif wants_summary and position > 0 and (
                            read.described and read.described.lstrip().startswith("-") and
                            _normalize(hit.sentences[position - 1].text) == _normalize(read.described) or
                            read.introduced and bool(read.term) and read.term.lstrip().startswith("-")):
                        f["summary"] = 1.0  # the first line under an option's term ("--vanilla" + "Combine ...")
                        if _option_named(read.term or read.described, question):
                            f["names_entry"] = 1.0  # "--amend" itself, not "--fixup=amend:<commit>"
                elif default_key and asked_names and not _is_asked_name(term_name(default_key), asked_names,
                                                                      asked_cased):
                    f["other_entry"] = 1.0  # asked the default of PREFERRED_URL_SCHEME, SERVER_NAME's "Default: None"
                elif (wants_summary or wanted_field or wants_default) and asked_names and named_entry and \
                        _last_name(term_name(named_entry)) not in asked_names:
                    # Asked what fetchone() returns, a line of fetchmany()'s entry tells of another function.
                    f["other_entry"] = 1.0
                # "the threaded argument of run_simple": that parameter's line (a parameter list may outrun the
                # passages read: the parameter's name in the signature ties the two).
                if names_parameter(question, sentence.text, named.sentence.text if named else None):
                    f["names_parameter"] = 1.0
                elif named and wanted_field and documented_parameter(sentence.text) in signature_parameters(named.sentence.text):
                    f["other_field"] = 1.0  # asked what X returns, a line about what it is given does not say
                signature_line = sentence.text if is_signature(sentence.text) else term if term and is_signature(term) \
                    else None
                if signature_line and named_parameters(question, signature_line) and not wants_default:
                    f["signature_for_parameter"] = 1.0  # the entry's summary does not say what the one parameter does
                if of_asked_kind:
                    f["asked_thing"] = 1.0  # "which converter": the entry of a converter (PathConverter)
                if kind is None and read.row_name and read.row_name in named_in_question:
                    # "What does /etc/mtab contain?" and the row "mtab | Dynamic information ...". (Not asked which
                    # thing or how: "Which moreutils program ...?" names the package row, not the answer.)
                    f["names_row"] = 1.0
                if asked_codes and asked_codes & set(_CODE_NUMBER.findall(sentence.text)):
                    f["holds_asked_code"] = 1.0  # "SQLSTATE 23505": the row or line that gives that very code
                if kind not in ("how", "term") and read.code:
                    f["code_example"] = 1.0  # an example's code shows a thing in use, it does not say what it does
                if wants_summary and _VERSION_NOTE.match(sentence.text.strip()):
                    f["version_note"] = 1.0  # "New in version 18.2.0: kw_only" says when, not what it does
                if len(covered) >= 3 and covered <= stems and position not in asking and \
                        (kind not in _STRICT_KINDS or "kind_phrase" in f) and (not wants_place or "place" in f):
                    # Every word the question asks with is in it, and what it asks for: "Which function sets the
                    # source of a parameter?" and "Set the source of a parameter.", not "Get the source ...". (All
                    # the words of "the name of the Russian military attache" and no name: no answer at all.)
                    f["covers_question"] = 1.0
                out.append(_Candidate(hit, position, weights.score(f), f, read.header_row))
        out.sort(key=lambda c: -c.score)
        return out

    def candidates(self, question: str, hits: Sequence[Hit], entries: Entries | None = None,
                   asked_before: str = "", said_before: str = "") -> list[_Candidate]:
        """The sentences that may answer, best first: all scored ones but a table's column names, which are shown
        with the row they head, never quoted alone."""
        return [c for c in self.score_sentences(question, hits, entries, asked_before, said_before) if not c.header_row]

    def quoted_text(self, question: str, candidate: _Candidate, candidates: Sequence[_Candidate]) -> str:
        """The text the answer would quote for `candidate` (what it needs to stand alone), as `answer` builds it."""
        scores = {(c.sentence.start, c.sentence.end): c.score for c in candidates}
        return self._quote(candidate, content_stems(question), scores, expected_kind(question),
                           asks_default(question), question).text

    def question_penalty(self, question: str, absent_terms: Sequence[str], hits: Sequence[Hit] = ()) -> float:
        """How strongly the question's own words say the corpus cannot answer it."""
        read_text = " ".join(f"{h.title} {h.passage.context} {h.passage.text}" for h in hits)
        words = re.findall(r"\w[\w.+-]*\w|\w", question)
        # A name-like word (capitalised mid-sentence, mixed case, letters with digits) the corpus never uses, unless
        # it abbreviates a name the passages read spell out ("UN" for "United Nations").
        # (Only a word the corpus lacks counts: with none, what the passages spell out need not be looked for.)
        spelled_out = _initials(read_text) if absent_terms else {}
        named = {w.lower() for i, w in enumerate(words) if i > 0 and _NAME_LIKE.match(w) and w not in spelled_out}
        # A rare word names a thing too, in lower case ("nginx", "certbot"); an ordinary one missing may paraphrase.
        named |= {w for w in absent_terms if is_rare_word(w) and w.upper() not in spelled_out}
        penalty = self.config.absent_name_penalty if named & set(absent_terms) else 0.0
        # A name of several words ("Prime Minister") that no passage read for the answer holds, though its
        # words may each occur: the question is about something the documents do not name. Counted on top of
        # an absent word: the two are separate evidence (the corpus's vocabulary, the passages read).
        read = _normalize(read_text)
        unpossessed = re.sub(r"['’]s\b", ",", question)  # "Werkzeug's ProxyFix" names two things, not one
        names = [m.group() for m in NAME.finditer(unpossessed[1:])] + [m.group() for m in _VERSIONED.finditer(question)]
        # ... typed in lower case ("debian 14"), when the passages read write the word as a name mid-sentence.
        # (not a word of grammar: "the 64-table join limit" names no release "the 64")
        names += [m.group() for m in _VERSIONED_LOWER.finditer(question)
                  if content_stems(m.group(1)) and _written_as_name(m.group(1), read_text)]
        unread = [name for name in names if _normalize(name) not in read]
        if unread:  # "UN General Assembly" is the "United Nations General Assembly" the passages spell out
            spelled_out = spelled_out or _initials(read_text)
            unread = [name for name in unread if _normalize(_spell_out(name, spelled_out)) not in read]
        # "Jinja 3" is the release the passages give as "version 3.0.0" of a text that names Jinja.
        unread = [name for name in unread if not _release_stated(name, read)]
        if unread:
            # "Igor Ivanov" names the "Igor Sergeyevich Ivanov" of the text: a name whose words stand in that order
            # in one of the text's names is that name.
            written = [m.group().lower().split() for m in NAME.finditer(read_text)]
            unread = [name for name in unread if not any(_in_order(_normalize(name).split(), w) for w in written)]
        if unread:
            penalty += self.config.absent_name_penalty
        return penalty

    def _quote(self, best: _Candidate, question_terms: frozenset[str], scores: dict[tuple[int, int], float],
               kind: str | None = None, wants_default: bool = False, question: str = "") -> _Quote:
        """The best sentence with what it needs to stand alone, as one span of consecutive sentences."""
        hit, i = best.hit, best.position
        sentences, passage = hit.sentences, hit.passage
        headings = _headings(hit)

        gap = hit.between
        first, last, term, lead = i, i, None, None
        current = sentences[i].text
        structured = layout(sentences, i, gap)  # a list item, a marked-up or one-line definition (rag.structure)
        if structured:
            first, last, term, lead = structured.first, structured.last, structured.term, structured.lead
            if first == last == i and best.features.get("heading") and i + 1 < len(sentences) and \
                    _heads_section(current, sentences[i + 1].text):
                last = i + 1  # a numbered heading ("3. Leaks of secret documents ...") answers with what it heads
        elif best.features.get("front_matter"):
            pass  # the byline asked for ("Ministry of Foreign Affairs") is the whole answer
        elif _looks_like_heading(current, headings) and i + 1 < len(sentences):
            # A definition term, heading or lead-in alone answers nothing: quote what it introduces too.
            term = current if _introduces(current, gap(i, i + 1)) and _normalize(current) not in headings else None
            last = i + 1
        elif i > 0 and not is_question_line(sentences, i - 1, gap):  # an answer needs no question to stand alone
            previous = sentences[i - 1].text
            if _introduces(previous, gap(i - 1, i)) and _normalize(previous) not in headings:
                first, term = i - 1, previous
            elif previous.rstrip().endswith(":") or _refers_back(current, previous) is not None and \
                    not _is_section_heading(previous, headings) or _continues_command(current, previous) or \
                    wants_default and _gives_default_of_previous(sentences, i, gap):
                first = i - 1
                # "This can be set to a number. This variable can also be off.": both lean on the one naming it.
                if first > 0 and _REFERS_BACK.match(previous) and "\n" not in gap(first - 1, first):
                    first -= 1
        if wants_default and first == i and term is None and states_default_of_previous(current):
            # "Default: 'session'" in a paragraph of its own under its entry ("SESSION_COOKIE_NAME" + "The name of
            # the session cookie."): quoted from the entry's term, which says what it is the default of.
            above = _term_above_default(sentences, i, gap)
            if above is not None:
                first, term = above, sentences[above].text.strip()
        if first == i - 1 and term is not None and _OPTION_LINE.fullmatch(sentences[first].text):
            first, term = _option_term(sentences, first, gap)  # "-u" + "--include-untracked" above the description
        if last + 1 < len(sentences) and "\n" in gap(last, last + 1) and _is_command_line(sentences[last + 1].text) \
                and not _is_command_line(sentences[last].text) and not _opens_entry(sentences, last + 1, gap) and (kind in ("how", "term") or current.rstrip().endswith(":")):
            last += 1  # the command a lead-in names ("To display it, run the command" + "systemctl get-default")
        if last + 1 < len(sentences):
            # The next sentence says what became of what this one names ("The offer ... was declined").
            following = sentences[last + 1]
            score = scores.get((following.start, following.end), float("-inf"))
            link = _refers_back(following.text, sentences[last].text)
            # Asked why, a statement with no reason of its own is often followed by one: a sentence leaning on it
            # ("This preserves ..."), or the next of its paragraph that gives one ("Supposed to be the length of the
            # column." + "Obtaining this value is costly, so it is always None.").
            reason_follows = kind == "reason" and not find_phrase(kind, sentences[last].text, "") and (
                link == set() or "\n" not in gap(last, last + 1) and has_phrase(kind, following.text, question))
            # Asked "which method ...", a sentence that leans on this one and names a method ("The
            # Context.get_parameter_source() method can be used to find this out.") is the answer this one sets up.
            thing = asked_thing(question) if kind == "term" and link is not None else frozenset()
            names_asked = bool(thing) and named_thing(following.text, thing, question) is not None and \
                named_thing(sentences[last].text, thing, question) is None
            # An entry's summary goes on about the entry in its paragraph ("... is a mistake." + "This option
            # bypasses the safety."): what it does may be said only there.
            # ... or by the option's name the question asks about ("By default, the hooks are run." + "When any of
            # --no-verify or -n is given, these are bypassed.").
            entry_goes_on = bool(best.features.get("summary")) and "\n\n" not in gap(last, last + 1) and (
                _ENTRY_REFERRED.match(following.text) is not None or
                term is not None and _asked_option_in(term, question, following.text))
            if reason_follows or names_asked or entry_goes_on or link is not None and (
                    link & question_terms or score >= best.score - self.config.follow_margin):
                last += 1
            elif wants_default and "\n\n" not in gap(last, last + 1) and states_default(following.text) \
                    and not states_default(sentences[last].text):
                last += 1  # "Control whether ..." + "The default is to restore.": what the option does, then its default
        start, end = sentences[first].start, sentences[last].end
        glued = glued_signature(current) if first == i and not wants_default and kind in (None, "term") else None
        if glued and len(glued[0]) > _LONG_SIGNATURE:
            # "attrs.define(maybe_cls=None, *, these=None, ... 20 more)" + "Define an attrs class.": asked what it
            # does or which one, the description answers; the argument list is for who asks about an argument.
            start = sentences[i].start + current.index(glued[1])
        if term is None and first == i:
            term = _first_line_term(current)
        header = _table_header(sentences, i, gap) if first == last == i and row_cells(current) else None
        if header:
            term = asked_cell(header, row_cells(current) or [], question_terms) or term
        return _quote_between(passage, start, end, term, header, lead)

    def _command_below(self, best: _Candidate, quote: _Quote, hits: Sequence[Hit]) -> tuple[str, _Candidate, int] | None:
        """The command a lead-in just below the quote introduces, in the same answer (no question line, no heading
        between; in whichever passage read holds it): the command, the lead-in's candidate, the command line's
        position in that passage."""
        doc = best.hit.passage.doc_id
        below: dict[int, tuple[Hit, int]] = {}  # sentence start -> the passage and position it is read at
        for hit in hits:
            if hit.passage.doc_id == doc:
                for p, sentence in enumerate(hit.sentences):
                    if quote.end <= sentence.start < quote.end + _COMMAND_REACH and p + 1 < len(hit.sentences):
                        below.setdefault(sentence.start, (hit, p))
        for start in sorted(below):
            hit, p = below[start]
            reading = self._reading(hit)
            read = reading.sentences[p]
            if p in reading.asking or read.heading and not read.introduces_command:
                return None
            if read.introduces_command:
                command = command_line(hit.sentences[p + 1].text)
                return (command, _Candidate(hit, p, best.score), p + 1) if command else None
        return None

    def _restatement(self, best: _Candidate, first: _Quote, phrase: str, question_terms: frozenset[str],
                     candidates: Sequence[_Candidate], scores: dict[tuple[int, int], float], kind: str | None,
                     wants_default: bool) -> tuple[_Candidate, _Quote] | None:
        """The best other statement of the answer's phrase, away from the first quote and scoring close to the best
        sentence: a fact a document states twice (a table row and the prose that explains it, a list item and the
        paragraph below it, a summary and its chapter) is cited in both places, since which of the two a reader
        checks is not the answerer's to know."""
        if not content_stems(phrase) - question_terms:
            return None  # a common word ("more") or the question's own: other sentences holding it state nothing
        wanted = f" {_words(phrase)} "
        for cand in candidates:
            if cand.score < best.score - self.config.corroborate_margin:
                break
            if wanted not in f" {_words(cand.sentence.text)} ":
                continue
            again = self._quote(cand, question_terms, scores, kind, wants_default)
            if cand.hit.passage.doc_id == best.hit.passage.doc_id and again.start <= first.end + _ADJACENT and \
                    first.start <= again.end + _ADJACENT or _words(again.text) == _words(first.text):
                continue  # the quote itself, the sentence next to it, or a copy: the same statement, not a second one
            return cand, again
        return None

    def answer(self, question: str, hits: Sequence[Hit], absent_terms: Sequence[str] = (),
               asked_before: str = "", said_before: str = "") -> Answer:
        """`absent_terms`: the question's keyword terms that no passage of the corpus contains. A follow-up in a chat
        ("What happened to it?") is answered with `asked_before`, the earlier questions it leans on, and
        `said_before`, the answer it follows."""
        entries = Entries(hits)  # the API entries of the passages read (answer_values), found once
        asked_as = question
        # "What is the Russian minister's first name?" is answered as "What is the full name of the Russian minister?",
        # and the part asked for is cut from the name found.
        person = asked_name(question)
        question = without_part_frame(question)
        candidates = self.candidates(question, hits, entries, asked_before, said_before)
        if not candidates:
            return Answer(asked_as, NO_ANSWER, abstained=True, citations=[], confidence=0.0)
        scores = {(c.sentence.start, c.sentence.end): c.score for c in candidates}
        wants_default = asks_default(question)
        kind = _question_kind(question, hits)
        question_terms = content_stems(question)
        quotes: list[tuple[_Candidate, _Quote]] = []
        for cand in candidates:
            if len(quotes) >= self.config.max_sentences or cand.score < candidates[0].score - self.config.join_margin:
                break
            quote = self._quote(cand, question_terms, scores, kind, wants_default, question)
            doc = cand.hit.passage.doc_id
            if any(q.start < quote.end and quote.start < q.end and c.hit.passage.doc_id == doc for c, q in quotes):
                continue  # overlaps a quote already taken
            if any(_words(q.text) == _words(quote.text) for _, q in quotes):
                continue  # the same words elsewhere (a sentence two entries share): quoting them twice adds nothing
            quotes.append((cand, quote))
        phrase = None
        asked_kind = asked_thing(question) if kind == "term" else frozenset()
        # "Which port ...", "What value should X be set to?": a quantity is asked, so the lead is a number, not a name.
        # ... and "Which country ...", "In which city ...": a place the prose names ("in Brunei Darussalam").
        # ("What is the default maximum number of columns?": a bound asked for is a quantity, whatever it bounds.)
        bound_lead = kind == "term" and not asked_kind & _QUANTITIES and asked_bound(question) is not None
        lead_kind = "number" if asked_kind & _QUANTITIES or bound_lead else "place" if asked_kind & _PLACES else kind
        for cand, quote in quotes:
            if asked_kind and _speaks_of_group(cand.sentence.text, asked_kind):
                continue  # "These functions can be used as the stop argument of retry()": no one of them is named
            if kind == "term" and self._reading(cand.hit).sentences[cand.position].synopsis:
                continue  # a usage line names its command and every option it takes, none as the one asked for
            term, entry_way = quote.term, False
            if term is None and kind in ("term", "how"):
                # "Which exception ...": a line deep in an entry is answered with the entry's name; "how do I ...",
                # with it when the quote names no command ("After the function is called, inet values ...").
                entry = entries.signature_above(cand.hit.passage.doc_id, quote.start)
                term = entry.sentence.text.strip().split("\n", 1)[0] if entry and entry.sentence.start < quote.start \
                    else None
                entry_way = kind == "how" and bool(term)
            named = named_thing(quote.text, asked_kind, question) if kind == "term" else None
            # "Which loader ...": a quote deep in a loader's entry (its example, its notes) is answered by the entry.
            within = entries.signature_above(cand.hit.passage.doc_id, quote.start, entries.UNREAD) \
                if asked_kind and not named else None
            entry_line = within.sentence.text.strip().split("\n", 1)[0] \
                if within and within.sentence.start < quote.start else None
            if wants_default and (stated := stated_default(cand.sentence.text)):
                phrase = stated  # "What is the default maximum size ...?" and "Defaults to 16 KiB.": the value
            elif named:
                phrase = named  # "which event ...": "the `'close'` event" names it, whatever entry the quote is in
            elif entry_line and is_asked_thing(entry_line, asked_kind) and \
                    not content_stems(term_name(entry_line)) <= question_terms:
                phrase = term_name(entry_line)
            elif cand.features.get("front_matter") and quote.text == cand.sentence.text:
                # The line under the title is the answer itself, or holds it ("Publication date March 19, 2015").
                phrase = kind in _VALUE_KINDS and find_phrase(kind, quote.text, question) or " ".join(quote.text.split())
            elif entry_way:
                # The quote's own command first, else the call as the entry's signature writes it.
                # (A long signature is no short answer: its name leads, and the quote shows the rest.)
                call = without_tool_namespace(strip_markup(term)) if is_signature(term) else None
                short_call = (call if len(call) <= _SHORT_CALL else term_name(term)) if call else None
                phrase = find_phrase(kind, quote.text, question) or short_call or \
                    find_phrase(kind, quote.text, question, term)
            elif wants_default and states_default(cand.sentence.text) and quote.text != cand.sentence.text:
                # The description the quote adds before a default ("To disable it set this value to `0`." +
                # "**Default:** `30`.") holds values too: the default's own sentence says which one is asked for.
                by_term = None if lead_kind in ("number", "place") else term
                phrase = find_phrase(lead_kind, cand.sentence.text, question, by_term) or \
                    find_phrase(lead_kind, quote.text, question, by_term)
            elif kind == "how" and term and documented_parameter(cand.sentence.text):
                continue  # a parameter's name is no way of doing what is asked ("empty_char" for a progress bar)
            else:
                phrase = find_phrase(lead_kind, quote.text, question, None if lead_kind in ("number", "place") else term)
            if phrase and bound_lead and count_numbers(quote.text) > 1:
                phrase = None  # "(2^32 - 1) bytes = (4GiB - 1 byte)": which number is the bound, only reading tells
            if phrase:
                break
        if phrase is None and asked_kind and quotes:
            # "Which field holds the copyright notices?" and a quote in the section "6.8. Copyright" of the part
            # "6. Fields": the field the quote defines is named by its section's heading.
            phrase = _section_name(quotes[0][0].hit, asked_kind, question)
        if phrase is None and kind == "how" and quotes:
            # "How do I ...?" and a quote that names no way: the command the same answer goes on to give ("To erase
            # credentials, use a syntax like the following:" + "$ echo url=... | git credential reject").
            found_command = self._command_below(*quotes[0], hits)
            if found_command:
                phrase, lead_in, command = found_command
                quotes.append((lead_in, _quote_between(lead_in.hit.passage, lead_in.sentence.start,
                                                       lead_in.hit.sentences[command].end)))
        if phrase is None and kind in ("term", "date") and quotes and (kind == "date" or asks_version(question)):
            # "In which version was X added?" and an item of a changelog: the release line above its list answers
            # ("4.1.0 (2018-05-27)" over "- Added canonical encoding"); asked when, its date. It is cited too.
            cand = quotes[0][0]
            above = _release_above(cand.hit, cand.position)
            if above and (kind == "term" or above[2]):
                line, release, date = above
                phrase = release if kind == "term" else date
                lead_in = _Candidate(cand.hit, line, cand.score)
                quotes.append((lead_in, _quote_between(cand.hit.passage, lead_in.sentence.start, lead_in.sentence.end)))
        if phrase is None and kind == "term" and quotes and asks_version(question):
            # "Since which release ...?" and a quote that gives none: the release its section came with.
            found = _section_release(quotes[0][0], candidates, entries, question)
            if found:
                phrase, note = found
                if note and not any(c.hit.passage.doc_id == note.hit.passage.doc_id and
                                    q.start < note.sentence.end and note.sentence.start < q.end for c, q in quotes):
                    quotes.append((note, _quote_between(note.hit.passage, note.sentence.start, note.sentence.end)))
        if person:
            phrase = _name_asked(person, phrase, [q.text for _, q in quotes], hits)
        if phrase is None and kind == "date" and quotes:
            phrase = event_time(quotes[0][1].text)  # no date in the quote: the part of an event it fell in
        if phrase and len(quotes) == 1 and self.config.corroborate_margin > 0:
            # The same fact stated again elsewhere: cited too, so the reader finds it wherever they look.
            again = self._restatement(*quotes[0], phrase, question_terms, candidates, scores, kind, wants_default)
            if again:
                quotes.append(again)
        if quotes and (kind == "number" or wants_default and kind in (None, "term", "duration")):
            # A default an API entry's signature gives the parameter asked about: the value leads, and the
            # signature and the parameter's own line are cited with the quote.
            cand, quote = quotes[0]
            doc = cand.hit.passage.doc_id
            # (Where the best sentence sits, not where its quote starts: a line quoted with it may be the last of
            # the entry above, "- atomic (bool) –" before "class click.Path(..., writable=False)".)
            found = default_value(question, entries, doc, cand.sentence.start, cand.sentence.text,
                                  [(c.hit.passage.doc_id, q.start, q.end) for c, q in quotes], kind == "number")
            if found:
                phrase = found.phrase
                for first, last in found.evidence:
                    hit, start = first.hit, first.sentence.start
                    quotes.append((_Candidate(hit, first.position, scores.get((start, first.sentence.end), cand.score)),
                                   _quote_between(hit.passage, start, last.sentence.end)))
        confidence = candidates[0].score - self.question_penalty(question, absent_terms, hits)
        if (kind in _STRICT_KINDS or kind == "term" and asks_version(question)) and phrase is None:
            # "how many" with no number in sight, "since which version" with no release: no answer
            confidence -= self.config.missing_phrase_penalty
        # The asked relation is not stated: "the maximum X" and no bound of X quoted, "which exception ...?" and no
        # name in sight, "the capital of Russia" in a corpus that never says "capital", a date asked and the best
        # sentence's date belonging to something else (it shares next to none of the question's words).
        # ("What was the name of the military attache?" and no name in the quote: it does not say who he was.)
        # ("In which version ...?" and no release found: the quote says what the thing is, never when it came.)
        if unstated_relation(question, [text for _, q in quotes for text in (q.shown(), q.term) if text]) or \
                phrase is None and (asks_code_name(question) or kind == "name" and asks_a_persons_name(question) or
                                    # "In which version was X added?" and no release anywhere in the quotes, their
                                    # sections or a changelog's release line: a release is the only answer there is
                                    kind == "term" and asks_version(question)) or \
                unheard_attribute(question, absent_terms) or \
                phrase is None and person is not None and person.part != "who" or \
                kind in _VALUE_KINDS and not candidates[0].features.get("front_matter") and (  # (the date under the
                    # title is the document's)
                    candidates[0].features.get("overlap", 0.0) < self.config.value_of_other_overlap or
                    self.config.value_of_other_overlap > 0 and _value_of_another_thing(candidates, question_terms)):
            confidence -= self.config.unstated_relation_penalty
        if confidence < self.config.threshold:
            return Answer(asked_as, NO_ANSWER, abstained=True, citations=[], confidence=confidence)
        citations: list[Citation] = []
        parts: list[str] = []
        for number, (cand, quote) in enumerate(quotes, start=1):
            hit = cand.hit
            citations.append(Citation(number, hit.passage.doc_id, hit.source, hit.title, quote.start, quote.end,
                                      quote.text, cand.score))
            parts.append(f"{quote.shown()} [{number}]")
        text = " ".join(parts)
        short = " ".join(phrase.split()) if phrase else None  # (a line break inside the phrase is the layout's)
        if short and kind == "term" and _CALL_WITH_ARGUMENTS.fullmatch(short) and is_signature(short):
            short = term_name(short)  # "Which function ...?" is answered by "take", not "take(n, seq)"
        if short and _normalize(phrase) != _normalize(citations[0].text):
            text = f"{short} — {text}"
        return Answer(asked_as, text, abstained=False, citations=citations, confidence=confidence, short_answer=short)


# A note that a thing came with a release ("New in version 3.0.", "Added in 2.3"), not that it changed.
_ADDED_NOTE = re.compile(r"(?:new|added)\s+(?:in|since)\s+(?:version\s+)?v?\d", re.I)


def _section_release(best: _Candidate, candidates: Sequence[_Candidate], entries: Entries,
                     question: str) -> tuple[str, _Candidate | None] | None:
    """The release the best sentence's section came with: by the section's version note ("New in version 3.0."),
    when its notes read name one release (inside an API entry, the entry's own notes), else by the nearest heading
    above that names one ("Upgrading to 7.0"). With the note to cite, where one gives it."""
    doc, section = best.hit.passage.doc_id, best.hit.passage.context

    def entry_of(start: int) -> int | None:
        entry = entries.signature_above(doc, start)
        return entry.sentence.start if entry else None

    entry = entry_of(best.sentence.start)
    notes = [c for c in candidates if c.hit.passage.doc_id == doc and c.hit.passage.context == section and
             _ADDED_NOTE.match(c.sentence.text.strip()) and entry_of(c.sentence.start) == entry]
    releases = {find_phrase("term", c.sentence.text, question) for c in notes}
    if len(releases) == 1 and None not in releases:
        return releases.pop(), notes[0]
    # (The first part of the chain is the document's title: "Click 8.1" there is the release documented.)
    for heading in reversed(section.split(" > ")[1:]):
        release = heading_release(heading, question)
        if release:
            return release, None
    return None


def _release_above(hit: Hit, position: int) -> tuple[int, str, str | None] | None:
    """The changelog release line ("4.1.0 (2018-05-27)") above the list of items sentence `position` is in: the
    sentence that holds it, the release and its date. None when the sentence is no release's item."""
    sentences, gap = hit.sentences, hit.between
    if not _LIST_MARKER.match(sentences[position].text) and (position == 0 or "\n" in gap(position - 1, position)):
        return None  # not an item, nor a sentence of one
    for j in range(position - 1, -1, -1):
        if _LIST_MARKER.match(sentences[j].text) or "\n" not in gap(j, j + 1):
            continue  # an earlier item of the list, or an item's earlier sentence
        found = release_line(sentences[j].text)
        return (j, *found) if found else None
    return None


# A sentence about a group of things: "Those functions can be used as ...", "The following classes ...".
_GROUP = re.compile(r"\W*(?:those|these|the\s+following|all\s+(?:the\s+|of\s+the\s+)?)\s*([a-z]+s)\b", re.I)


def _speaks_of_group(text: str, asked_kind: frozenset[str]) -> bool:
    """The text opens on a group of the kind of thing asked for ("These functions ..." asked which function): a name
    in it is what the group is for or of, not one of them."""
    found = _GROUP.match(text)
    return found is not None and bool(content_stems(found.group(1)) & asked_kind)


def _value_of_another_thing(candidates: Sequence[_Candidate], terms: frozenset[str], read: int = 5) -> bool:
    """The best sentence holds a value (a date, a number) and none of the question's words of its own, while a sentence
    read with it that holds no value has most of them: the sentences about the thing asked give no value, and the
    value given is another thing's ("When did Putin visit Japan?": his visit is praised, undated; "mid-October" is
    when a subcommittee is to meet)."""
    if not terms:
        return False
    own = len(terms & content_stems(candidates[0].sentence.text)) / len(terms)
    about = max((len(terms & content_stems(c.sentence.text)) / len(terms) for c in candidates[1:read]
                 if c.features.get("value_missing")), default=0.0)
    return about >= 0.6 and own == 0


def _name_asked(person: AskedName, found: str | None, quoted: Sequence[str], hits: Sequence[Hit]) -> str | None:
    """The answer's lead for a question about a person's name: the fullest name the passages read give the person the
    question names (or the one the quote found for the person it describes), the part of it asked for, or for "who"
    the office the quote writes before it; None when the quotes do not give it (Kono's middle name)."""
    words = person.person or (tuple(found.lower().split()) if found else ())
    fullest = fullest_name(words, (h.passage.text for h in hits)) if words else None
    if fullest is None or not any(fullest in text for text in quoted):
        # No one of that name in the quotes ("Who is the author of this document?"): what the quote found stands.
        return found if person.part == "who" or person.part == "full" and not person.person else None
    if person.part == "who":
        office = next((o for text in quoted if (o := introduction(text, fullest))), None)
        return office or (fullest if len(fullest.split()) > len(words) else None)
    return name_part(fullest, person.part)

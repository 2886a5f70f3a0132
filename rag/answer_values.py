"""Value questions over reference documentation: defaults, the parameters that carry them, the entries they are in.

A question that asks what something is "by default" ("out of the box", "if I don't set one") asks for a value,
and the sentence that states a default answers it. In an API reference the value often sits in the entry's
signature (`code=308`) while the question's words sit in the parameter's description ("- code (int) – the status
code"), or in a line of the entry that never names it (a "Returns:" line, a "Changed in version 2.1: ..." note):
these are linked here through the entry's signature and the parameter's name, whatever the markup (a Sphinx page,
reStructuredText fields, Google or NumPy docstrings, JSDoc, Markdown lists).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .answer_phrases import normalize_spaces, term_name
from .records import Hit, ScoredSentence
from .structure import ENTRY_KIND_WORDS, SIGNATURE_TAIL, heading_entry, heading_title, strip_markup
from .terms import content_stems

# A question that asks for the value a thing has when nobody sets it.
_ASKS_DEFAULT = re.compile(
    # ("the default filter" names a filter called default)
    r"\bdefault(?:s|ed)?\b(?!\s+(?:filter|function|method|decorator|class|test|tag|macro|block)s?\b)|"
    r"\bout of the box\b|\bunless (?:i|you|we|one) (?:set|give|specify|pass|change)\b|"
    r"\bif (?:i|you|we|one) (?:do not|don't|dont|never) (?:set|give|specify|pass|name|choose|provide|configure|"
    r"change|supply|say|tell|mention|state)\b|\b(?:set|configure|pass|specify|change|give|say) nothing\b|"
    r"\bwithout (?:setting|passing|configuring|specifying|giving|changing|saying) (?:it|one|anything|a value)\b|"
    r"\bif (?:i|you|we|one) (?:leave|omit)\b|\bwhen (?:it is |it's )?(?:omitted|not (?:given|set|"
    r"specified|passed))\b", re.I)
# A sentence that states a default: "The default is 308", "defaults to None", "(default)", "by default", "if omitted".
_STATES_DEFAULT = re.compile(
    r"\bdefault(?:s|ed)?\b|\bper default\b|\bif (?:omitted|not (?:given|set|specified|passed)|none is given)\b|"
    r"\bwhen (?:omitted|not (?:given|set|specified|passed))\b|\bout of the box\b", re.I)
# A signature: a dotted name (a keyword such as "class", a decorator's "@" before it), its arguments, what it returns.
_SIGNATURE = re.compile(r"^(?:(?:class|def|async def|function|method|static|abstract|exception|async|fn|pub fn|func|"
                        rf"{ENTRY_KIND_WORDS})\s+){{0,2}}"
                        r"@?(?:[A-Za-z_$][\w$-]*\.)*[A-Za-z_$][\w.:$]*" + SIGNATURE_TAIL)
_MAX_SIGNATURE = 500
# The parameter a line documents: ":param int x:", "@param {number} x", "- x (int) – ...", "x: ...", "`x` - ...",
# "x : int" (NumPy), with an optional list marker first.
_PARAM_LINE = re.compile(
    r"^\s*(?:[-*+•]\s+)?(?::(?:param|parameter|arg|argument|key|keyword)\s+(?:[^:\s]+\s+)*?(?P<rst>\w+)\s*:|"
    r"@(?:param|arg|argument)\s+(?:\{[^}]*\}\s+)?\[?(?P<js>\w+)|"
    r"(?P<q>[`*]{0,2})(?P<plain>[A-Za-z_]\w*)(?P=q)\s*(?:\([^()\n]{0,80}\))?\s*(?:[-–—]{1,2}|:)(?:\s|$))")
# An attribute's entry line: "property mimetype: Optional[str]", "attribute encoding", "max_size = 4093" (a value,
# not a call: "app = Flask(app)" is a line of an example).
# Sphinx writes a class or an exception documented without its arguments as "exception psycopg2.Error".
_ATTRIBUTE = re.compile(r"^(?:(?:property|attribute|data|const|class|exception)\s+[A-Za-z_][\w.]*(?:\s*:\s*\S.{0,80})?|"
                        r"[A-Za-z_][\w.]*(?:\s*:\s*[\w.\[\], |]{1,60})?\s+=\s+[^\s(][^()]{0,60})$")


def asks_default(question: str) -> bool:
    """The question asks what a thing is when nobody sets it ("by default", "out of the box", "if I omit it")."""
    return _ASKS_DEFAULT.search(question) is not None


def states_default(text: str) -> bool:
    """The sentence says what a thing is by default ("The default is 308.", "Defaults to None.", "(default)")."""
    return _STATES_DEFAULT.search(text) is not None


# A sentence that opens on the default without naming what it is the default of ("The default is 1000.",
# "**Default:** `30`.", "Defaults to 16 KiB."): the thing is the one the sentence before describes.
_BARE_DEFAULT = re.compile(r"^[\W_]*(?:the\s+)?(?:default(?:\s+value)?[\W_]*(?::|is\b|was\b)|defaults\s+to\b)", re.I)


# The value a sentence gives as a default in so many words: "Defaults to 16 KiB.", "The default is `noopener`.",
# "**Default:** `30`.", "default value is 2000".
_DEFAULT_IS = re.compile(r"\bdefault(?:\s+value)?(?:\s+is|s\s+to|\s*:)[*_\s]*[`'\"“]?(?P<value>[^\s`'\"”.,;:()][^`'\"”;:()]{0,38}?)"
                         r"[`'\"”]?[*_]*\s*(?:[.,;:]\s|\(|[.,;:]?$)", re.I)


def stated_default(text: str) -> str | None:
    """The value the text gives as a default in so many words ("Defaults to 16 KiB." -> "16 KiB"), or None."""
    found = _DEFAULT_IS.search(text.strip())
    return found.group("value").strip() if found else None


def states_default_of_previous(text: str) -> bool:
    """The sentence gives a default and leaves its subject to the sentence before ("The default is 1000.")."""
    return _BARE_DEFAULT.match(text) is not None


def default_stems(question: str) -> frozenset[str]:
    """The question's words, with "default" for the ways a question says it ("out of the box", "if I omit it"):
    a sentence stating the default shares that word, not the question's phrasing of it."""
    stems = content_stems(question)
    return stems | content_stems("default") if asks_default(question) else stems


def _split_arguments(inner: str) -> list[str]:
    """A signature's arguments, split at the commas outside brackets and quotes."""
    out, depth, quote, current = [], 0, "", []
    for ch in inner:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "([{<":
            depth += 1
        elif ch in ")]}>":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append("".join(current))
            current = []
            continue
        current.append(ch)
    out.append("".join(current))
    return [a.strip() for a in out if a.strip()]


def _closing(text: str) -> int:
    """The index of the bracket that closes the one `text` opens with (its length when none does)."""
    depth = 0
    for index, ch in enumerate(text):
        depth += (ch in "{[(") - (ch in "}])")
        if depth == 0:
            return index
    return len(text)


def _arguments(line: str) -> list[str]:
    """The arguments of a signature line as written, or none for any other line; the fields of a destructured
    argument (JavaScript's `{ hiss = true } = {}`, `[first, second]`) count as arguments of their own."""
    if not is_signature(line):
        return []  # a call in an example ("app = ProxyFix(app, x_for=1)") sets values, it defines no parameters
    first = line.strip().split("\n", 1)[0]
    out = []
    for argument in _split_arguments(first[first.find("(") + 1 : first.rfind(")")]):
        if argument[:1] in "{[":
            out += _split_arguments(argument[1 : _closing(argument)])
        else:
            out.append(argument)
    return out


@functools.lru_cache(maxsize=65536)
def signature_parameters(line: str) -> tuple[str, ...]:
    """The names of the parameters a signature line declares: `f(a, *args, b: int = 2, **kw)` -> a, args, b, kw."""
    return tuple(m.group(1) for m in (re.match(r"^(?:\*{1,2}|\.\.\.)?([A-Za-z_$][\w$]*)", a) for a in _arguments(line))
                 if m)


def signature_defaults(line: str) -> dict[str, str]:
    """The parameters a signature line gives a default, with the default as written:
    `f(environ, code=308, *, name: str = "x")` -> {"code": "308", "name": '"x"'}. Empty for other lines."""
    out: dict[str, str] = {}
    arguments = _arguments(line)
    if _passes_values(arguments):
        return out
    for argument in arguments:
        m = re.match(r"^\**([A-Za-z_$][\w$]*)\s*\??(?::[^=]*)?=\s*(\S.*)$", argument)
        if m:
            out[m.group(1)] = m.group(2).strip()
    return out


def _passes_values(arguments: Sequence[str]) -> bool:
    """An example call passes values where a signature names parameters: `run_simple('127.0.0.1', 5000, app,
    use_debugger=True)` shows a use, not the defaults; `FileSystemLoader('/path/to/templates')` opens no entry."""
    return any(re.match(r"""^\s*(?:["'\d]|-\d)""", a) for a in arguments)


@functools.lru_cache(maxsize=65536)
def is_signature(text: str) -> bool:
    """The first line of `text` is an API entry's signature (a name and its arguments, "class"/"def" before it),
    however many arguments it lists (a definition term is shorter: rag.structure)."""
    first = strip_markup(text.strip().split("\n", 1)[0])
    return len(first) <= _MAX_SIGNATURE and _SIGNATURE.match(first) is not None


@functools.lru_cache(maxsize=65536)
def is_entry(text: str) -> bool:
    """The first line of `text` opens an API entry: a signature, or an attribute's name (with its type or value)."""
    first_line = text.strip().split("\n", 1)[0]
    first = strip_markup(first_line)
    # A Markdown heading that is code names an entry, whatever the code: "## `os.EOL`", "### `--watch`".
    return is_signature(first) and not _passes_values(_arguments(first)) or _ATTRIBUTE.match(first) is not None or \
        heading_entry(first_line) is not None


def documented_parameter(text: str) -> str | None:
    """The name of the parameter (or field) a line documents, whatever the docstring style, or None."""
    m = _PARAM_LINE.match(text)
    if not m:
        return None
    return m.group("rst") or m.group("js") or m.group("plain")


@dataclass(frozen=True)
class DocSentence:
    hit: Hit
    position: int

    @property
    def sentence(self) -> ScoredSentence:
        return self.hit.sentences[self.position]


class Entries:
    """The sentences of the passages read, per document in document order, to find the API entry a sentence is
    part of: the nearest entry line (a signature, an attribute) above it with nothing unread and no section heading
    between them."""

    _REACH = 40  # sentences: an entry longer than this has lost its signature out of sight anyway
    UNREAD = 1500  # characters of an entry unread between its signature and a line of it, at most
    # Passages end and start at sentences: the white space between two that follow each other is in neither.
    _BOUNDARY = 3

    def __init__(self, hits: Sequence[Hit]) -> None:
        by_doc: dict[str, dict[int, DocSentence]] = {}
        spans: dict[str, list[tuple[int, int]]] = {}
        self._headings: set[str] = set()
        for hit in hits:
            doc = hit.passage.doc_id
            spans.setdefault(doc, []).append((hit.passage.start, hit.passage.end))
            for position, sentence in enumerate(hit.sentences):
                by_doc.setdefault(doc, {}).setdefault(sentence.start, DocSentence(hit, position))
            self._headings.update(normalize_spaces(p) for p in hit.passage.context.split(" > ") if p)
        self._sentences = {doc: [found[k] for k in sorted(found)] for doc, found in by_doc.items()}
        self._starts = {doc: [d.sentence.start for d in found] for doc, found in self._sentences.items()}
        self._covered = {doc: _merge(found) for doc, found in spans.items()}
        # One pass down each document: the entry each sentence is in, with nothing unread above it and with at
        # most UNREAD characters unread (asked per sentence scored, so found once).
        self._above: dict[tuple[str, int], tuple[DocSentence | None, DocSentence | None]] = {}
        self._openings: set[tuple[str, int]] = set()  # the first prose sentence of each entry, read through
        # A method's class, where its entry is written without it ("close()" under "class requests.Response").
        self._owner: dict[tuple[str, int], str] = {}
        for doc, sentences in self._sentences.items():
            strict = tolerant = None
            owner: str | None = None  # the class whose entries follow, in this section
            unread = count = 0
            opened = False
            previous: DocSentence | None = None
            for k, d in enumerate(sentences):
                start, text = d.sentence.start, d.sentence.text
                after = sentences[k + 1] if k + 1 < len(sentences) else None
                following = after if after is not None and after.hit is d.hit else None
                under_signature = previous is not None and previous is strict and previous.hit is d.hit
                if previous is not None:
                    if previous.hit is not d.hit:  # within one passage nothing is unread
                        gap = start - previous.sentence.start - self._seen(doc, previous.sentence.start, start)
                        unread += gap if gap > self._BOUNDARY else 0
                    count += 1
                previous = d
                heading = self._is_heading(text)  # (asked of every sentence: looked up once)
                if opens_entry(d, after) or following is not None and heading and \
                        is_field_line(following.sentence.text) or strict is not None and _opens_attribute(d, following):
                    # A heading with metadata below it ("# Punycode" + "deprecated: v7.0.0") documents one thing too.
                    strict = tolerant = d
                    unread = count = 0
                    opened = False
                    name = term_name(text.strip().split("\n", 1)[0])
                    if _CLASS_ENTRY.match(text):
                        owner = name.rsplit(".", 1)[-1]
                    elif owner and "." not in name:
                        self._owner[(doc, start)] = f"{owner}.{name}"
                elif len(text) < 200 and heading and not _is_entry_label(text) or count > self._REACH:
                    strict = tolerant = None  # a new section starts: what is below it is no entry's
                    owner = None
                elif unread > self.UNREAD:
                    strict = tolerant = None
                elif unread:
                    strict = None
                self._above[(doc, start)] = (strict, tolerant)
                # (The line right under the signature is its summary though it ends without a full stop: "Pipe a
                # value through a sequence of functions".)
                if strict is d and _glued_description(text):
                    # "attrs.define(maybe_cls=None, ...)\nDefine an attrs class.": a signature too long for its
                    # line to end a sentence opens its entry and its summary in one.
                    self._openings.add((doc, start))
                    opened = True
                elif strict is not None and strict is not d and not opened and (
                        is_prose(text) or under_signature and _is_description_line(text)):
                    self._openings.add((doc, start))
                    opened = True

    def opens(self, doc: str, start: int) -> bool:
        """The sentence starting at `start` is the first prose sentence of its entry, read through from the entry's
        signature: the entry's summary (what a docstring's, a rustdoc or JSDoc comment's first sentence is), below
        its parameter list, field lines and version notes."""
        return (doc, start) in self._openings

    def _is_heading(self, text: str) -> bool:
        """A section heading: a line the passages' heading chains name, a Markdown heading's marks aside (a passage
        starts at each heading, so its chain names it; a "# comment" line of an example is none)."""
        return _heading_form(text) in self._headings

    def _seen(self, doc: str, start: int, end: int) -> int:
        """How many characters from start to end lie in passages read."""
        return sum(max(0, min(b, end) - max(a, start)) for a, b in self._covered.get(doc, []))

    def _read_through(self, doc: str, start: int, end: int, unread: int = 0) -> bool:
        """At most `unread` characters from start to end lie in no passage read (where a heading or another
        entry's signature could hide)."""
        return end - start - self._seen(doc, start, end) <= max(unread, self._BOUNDARY)

    def signature_above(self, doc: str, start: int, unread: int = 0) -> DocSentence | None:
        """The signature of the entry the sentence starting at `start` belongs to (itself, when it is one), with
        nothing (`unread` 0) or at most UNREAD characters between them in no passage read."""
        strict, tolerant = self._above.get((doc, start), (None, None))
        return tolerant if unread else strict

    def qualified_name(self, signature: DocSentence) -> str | None:
        """A method entry's name with its class ("Response.close" for "close()" under "class requests.Response"),
        where the passages read hold the class's line above it."""
        return self._owner.get((signature.hit.passage.doc_id, signature.sentence.start))

    def entry_sentences(self, signature: DocSentence) -> list[DocSentence]:
        """The sentences of the entry a signature opens, in order, up to the next signature or heading."""
        doc = signature.hit.passage.doc_id
        sentences = self._sentences.get(doc, [])
        i = self._starts[doc].index(signature.sentence.start)
        out = []
        for k, d in enumerate(sentences[i + 1 : i + 1 + self._REACH], start=i + 1):
            following = sentences[k + 1] if k + 1 < len(sentences) else None
            # A parameter list can outrun the passages read: its lines are matched by the parameter's name too.
            if not self._read_through(doc, signature.sentence.start, d.sentence.end, self.UNREAD) \
                    or opens_entry(d, following) or self._is_heading(d.sentence.text):
                break
            out.append(d)
        return out


@functools.lru_cache(maxsize=65536)
def _heading_form(text: str) -> str:
    """A line as a heading chain names it: normalized, a Markdown heading's marks aside (asked of every sentence of
    the passages read, for every question that reads them)."""
    return normalize_spaces(heading_title(text))


def _gap_text(d: DocSentence, following: DocSentence) -> str | None:
    """The text between a sentence and the next one of the document, when one passage read holds both."""
    for one, other in ((d, following), (following, d)):
        hit = one.hit
        for position, sentence in enumerate(hit.sentences):
            if sentence.start == other.sentence.start:
                a, b = sorted((one.position, position))
                return hit.between(a, b)
    return None


# The labels an entry's own parts go under ("Parameters", "Return type", "Changelog"): a page or section may bear the
# same name ("Parameters" is a page of Click's guide), but inside an entry they start no new section.
_ENTRY_LABELS = frozenset(["parameters", "params", "arguments", "args", "keyword arguments", "other parameters",
                           "returns", "return", "return type", "rtype", "raises", "yields", "changelog", "example",
                           "examples", "note", "notes", "see also", "warning", "attributes"])


# A class's (or an exception's) entry, whose methods and attributes follow it.
_CLASS_ENTRY = re.compile(r"\s*(?:(?:final|abstract)\s+)?(?:class|exception)\s")
# An attribute's entry as Sphinx renders it without a keyword: its bare name on a line ("raw", "status_code").
_BARE_NAME = re.compile(r"[a-z_][\w.]*")


def _opens_attribute(d: DocSentence, following: DocSentence | None) -> bool:
    """The sentence is an attribute's bare name with its description on the next line ("raw" + "File-like object
    representation of response."): in a list of entries, an entry of its own, so the lines below it are not the
    entry's above it."""
    if following is None or not _BARE_NAME.fullmatch(d.sentence.text.strip()):
        return False
    gap = _gap_text(d, following)
    return gap is not None and gap.count("\n") == 1 and following.sentence.text.lstrip()[:1].isupper()


def glued_signature(text: str) -> tuple[str, str] | None:
    """A sentence that is a signature's line with more below it ("attrs.define(maybe_cls=None, ...)" + "Define an
    attrs class."): the signature and what follows it; None for any other sentence."""
    first, _, rest = text.strip().partition("\n")
    return (first, rest.strip()) if rest.strip() and is_signature(first) else None


def _glued_description(text: str) -> bool:
    """The sentence is a signature line with its description's first sentence on the line below it."""
    glued = glued_signature(text)
    return glued is not None and (is_prose(glued[1]) or _is_description_line(glued[1]))


def _is_description_line(text: str) -> bool:
    """A description's first line that ends without a full stop ("Pipe a value through a sequence of functions"),
    not a version note ("New in version 20.1.0")."""
    stripped = text.strip()
    return _DESCRIPTION_LINE.match(stripped) is not None and not _VERSION_NOTE.match(stripped)


def _is_entry_label(text: str) -> bool:
    return normalize_spaces(text).strip(" :*_#").lower() in _ENTRY_LABELS


def opens_entry(d: DocSentence, following: DocSentence | None) -> bool:
    """The sentence opens an API entry (`is_entry`), unless it is a call that the next sentence of the document
    shows to be a line of example code: a blank line after it ("cur.executemany(sql, argslist)" in its own <pre>),
    or code going on below it ("}"), where a signature has its description on the next line (the loaders render a
    <dt> with the first block of its <dd>: "Execute ...", "Parameters:")."""
    text = d.sentence.text
    if not is_entry(text):
        return False
    first = text.strip().split("\n", 1)[0]
    if following is None or "\n" in text.strip() or strip_markup(first) != first or not is_signature(first) or \
            _KEYWORD_ENTRY.match(first):
        return True  # marked up (a heading, a code span), or "class X(...)": an entry whatever follows it
    gap = _gap_text(d, following)
    return gap is None or "\n\n" not in gap and following.sentence.text.lstrip()[:1].isupper()


_KEYWORD_ENTRY = re.compile(rf"(?:class|def|async def|function|method|exception|{ENTRY_KIND_WORDS})\s")


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


_PROSE = re.compile(r"""^(?:`[^`\n]+`|[\[`*_"'(]*[A-Z])[^\n|]*[.!?][)"'`*_]*$""")
_METADATA_LINE = re.compile(r"^[\w-]{1,30}:\s")
# A description's first line without a full stop: capitalised words, three or more, no field or table marks.
_DESCRIPTION_LINE = re.compile(r"[A-Z][a-z]+(?: [^\s|:]+){2,}\s*$")
# A version note ("New in version 4.0.", "Changed in version 2.1: ...", "Deprecated since version 3.0"): an entry's
# history, not its prose.
_VERSION_NOTE = re.compile(r"^(?:New|Changed|Added|Deprecated|Removed)\s+(?:in|since)\s+(?:version\s+)?v?\d", re.I)
# "What does X do?", "What is X for?", "What does X mean?": the entry's summary answers.
_ASKS_WHAT_IT_DOES = re.compile(r"^\W*what\s+(?:does|do|is|are)\s+\S.*\b(?:do|for|mean)\W*$", re.I)


_FIELD_LINE = re.compile(r"^[a-z][\w-]{0,29}:(?:\s+\S|$)")


def is_field_line(text: str) -> bool:
    """A metadata line as YAML and its kin write one: a lower-case key, a colon, its value ("added: v0.1.25")."""
    stripped = text.strip()
    return "\n" not in stripped and _FIELD_LINE.match(stripped) is not None


def is_prose(text: str) -> bool:
    """A sentence of prose: capitalised, ended as sentences end, of several words; not a list item, a table row, a
    heading or a "key: value" field line."""
    stripped = " ".join(text.split())
    return bool(_PROSE.match(stripped)) and len(stripped.split()) >= 4 and heading_title(stripped) == stripped \
        and not _METADATA_LINE.match(stripped) and not _VERSION_NOTE.match(stripped)


# "What is click.Context?", "What's `lru_cache`?", "What is the ImmutableMultiDict class?": what a code name is.
_ASKS_WHAT_CODE_IS = re.compile(
    r"^\W*(?i:what(?:'s|\s+(?:is|are)))\s+(?:(?:the|an?)\s+)?`?(?:[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+(?:\(\))?|[A-Za-z_]\w*\(\)|"
    r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+|[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+)`?"
    r"(?:\s+(?:class|function|method|object|type|attribute|decorator|module|exception))?"
    # ... of a library the question names: "What is FrozenDict in cbor2?"
    r"(?:\s+(?:in|of|from)\s+(?:the\s+)?`?[\w.-]+`?(?:\s+(?:module|package|library))?)?\W*$")


def asks_what_it_does(question: str) -> bool:
    """The question asks what a thing does or is for ("What does timeout.unref() do?"), or what a code name is
    ("What is click.Context?")."""
    stripped = question.strip()
    return _ASKS_WHAT_IT_DOES.match(stripped) is not None or _ASKS_WHAT_CODE_IS.match(stripped) is not None


def entry_name_stems(signature: str) -> frozenset[str]:
    """The words of the name an entry's signature defines (not its arguments): what its lines are about."""
    return content_stems(term_name(signature.strip().split("\n", 1)[0]))


def asked_parameter(question: str, defaults: dict[str, str]) -> str | None:
    """The parameter with a default whose name the question uses ("what status code ..." and `code=308`)."""
    asked = content_stems(question)
    words = set(re.findall(r"\w+", question))
    # A name the question writes as it is comes first: "the alias parameter" names alias=False, not defaults=None,
    # whose stem "default value" only shares.
    # ... and so does one it writes as words ("the default cache timeout" names cache_timeout=43200, not cache=True).
    spaced = f" {' '.join(re.findall(r'[a-z0-9]+', question.lower()))} "
    named = [p for p in defaults if p in words or "_" in p.strip("_") and f" {p.strip('_').replace('_', ' ')} " in spaced]
    named = named or [
        p for p in defaults if content_stems(p.replace("_", " ")) and content_stems(p.replace("_", " ")) <= asked]
    return max(named, key=len) if named else None


def defaulted_parameter(text: str, signature: str) -> str | None:
    """The parameter a line of an entry is about that the entry's signature gives a default: the one it documents
    ("- status_interval – time between feedback packets" under `start_replication(..., status_interval=10)`), or the
    one its prose names in code form, an underscore or a digit in it ("each one containing at most page_size
    statements"; a plain word such as "name" is prose as often as a parameter)."""
    defaults = signature_defaults(signature)
    if not defaults:
        return None
    documented = documented_parameter(text)
    if documented in defaults:
        return documented
    named = [p for p in defaults if re.search(r"[_\d]", p.strip("_")) and re.search(rf"(?<![\w.]){re.escape(p)}(?!\w)", text)]
    return named[0] if len(named) == 1 else None


@dataclass(frozen=True)
class DefaultValue:
    """The default an entry's signature gives the parameter a question asks about, and the sentences that show it:
    runs of consecutive sentences (first, last) to cite besides the quotes already taken."""

    phrase: str
    evidence: list[tuple[DocSentence, DocSentence]]


def _item(entries: Entries, start: DocSentence, value: str) -> tuple[DocSentence, DocSentence]:
    """A parameter's line from its first sentence to the one that states its default or holds its value (the
    description before it says what the parameter is; the sentences after it are about something else)."""
    hit, last = start.hit, start.position
    for j in range(start.position, len(hit.sentences)):
        sentence = hit.sentences[j]
        if j > start.position and "\n" in hit.between(j - 1, j):
            break
        if states_default(sentence.text) or value in sentence.text:
            last = j
            break
    return start, DocSentence(hit, last)


def default_value(question: str, entries: Entries, doc: str, start: int, text: str,
                  quoted: list[tuple[str, int, int]], numeric: bool = False) -> DefaultValue | None:
    """The default that answers a question about a parameter of the entry the quote at `start` belongs to: the one
    the question names (`code` in "what status code ... by default"), else the one the quote documents or names in
    code form (`defaulted_parameter`), else the one whose description shares most words with the question. None
    when the entry's signature gives it none.
    `quoted`: (doc, start, end) of the spans already cited, so nothing is cited twice; `numeric`: the question asks
    for a number ("how many"), so only a number answers."""
    signature = entries.signature_above(doc, start)
    if signature is None:
        return None
    defaults = signature_defaults(signature.sentence.text)
    if numeric:  # "how many ...": a default that is no number is not the one asked about
        defaults = {name: value for name, value in defaults.items() if re.fullmatch(r"[-+]?\d[\d_.,]*", value)}
    if not defaults:
        return None
    lines = {}
    for d in entries.entry_sentences(signature):
        name = documented_parameter(d.sentence.text)
        if name in defaults and name not in lines:
            lines[name] = d
    named = asked_parameter(question, defaults)
    about = defaulted_parameter(text, signature.sentence.text)
    parameter = named or (about if about in defaults else None)
    if parameter is None:
        asked = content_stems(question) - entry_name_stems(signature.sentence.text)
        overlaps = {name: len(content_stems(d.sentence.text) & asked) for name, d in lines.items()}
        best = max(overlaps, key=overlaps.__getitem__, default=None)
        parameter = best if best is not None and overlaps[best] >= 2 else None
    if parameter is None:
        return None
    value = defaults[parameter]
    # (A signature's own line says no default in words, though a parameter of it may be called "defaults".)
    words = text
    if is_signature(text):
        words = text.strip().partition("\n")[2]
    if value == "None" and states_default(words):
        return None  # "info=None" and "Defaults to "Press any key ..."": None stands for the default the words give
    evidence = []

    def cited(first: DocSentence, last: DocSentence) -> bool:
        return any(d == doc and s <= first.sentence.start and last.sentence.end <= e for d, s, e in quoted)

    if not cited(signature, signature):
        evidence.append((signature, signature))
    if parameter in lines:
        first, last = _item(entries, lines[parameter], value)
        if not cited(first, last):
            evidence.append((first, last))
    return DefaultValue(value if named else f"{parameter}={value}", evidence)


# "Which URL converter should I use", "What exception does it raise": the words naming the kind of thing asked for,
# up to the verb or pronoun that ends them.
_ASKED_THING = re.compile(r"\b(?:which|what)\s+((?:(?!(?:does|do|did|is|are|was|were|should|can|could|would|will|"
                          r"must|may|might|has|have|had|i|you|we|they|it|to|of|in|for|on)\b)[\w-]+\s+){1,3}?)"
                          r"(?:does|do|did|is|are|was|were|should|can|could|would|will|must|may|might|has|have|had|i|"
                          r"you|we|they|it|to|of|in|for|on)\b", re.I)
_CLASS, _EXCEPTION = re.compile(r"class\s"), re.compile(r"exception\s|.*\w(?:Error|Exception)\(")
_ATTRIBUTE_KEYWORD = re.compile(r"(?:property|attribute|data)\s")
# Other kinds a term's keyword or its heading's label names ("### Event: `'close'`" -> "event 'close'").
_KIND_KEYWORD = re.compile(r"(event|interface|enum|struct|trait|type|module|namespace|constant|macro|signal|hook)\s")


def _defines(line: str) -> frozenset[str]:
    """The stems of what a signature line says it defines: its keyword ("class", "exception", "property"), or a
    function or method for a bare call shape."""
    if _CLASS.match(line):
        kinds = "class"
    elif _EXCEPTION.match(line):
        kinds = "exception error"
    elif _ATTRIBUTE_KEYWORD.match(line):
        kinds = "attribute property"
    elif _KIND_KEYWORD.match(line):
        kinds = _KIND_KEYWORD.match(line).group(1)
    else:
        kinds = "function method" if "(" in line else ""
    return content_stems(kinds)


# The kinds of thing an API reference defines: "Which method tells me ...", where no auxiliary verb ends the noun.
_KIND_OF_THING = re.compile(
    r"\b(?:which|what)\s+(?:[\w-]+\s+){0,2}(function|method|class|exception|error|decorator|attribute|property|module|"
    r"package|event|type|option|parameter|argument|flag|command|variable|constant|field|setting|signal|hook|"
    r"callback|header|converter|filter|(?!(?:user|other|order|number|owner|member|letter|paper|layer|answer|"
    r"character)s?\b)[a-z]+(?:er|or))s?\b", re.I)


# Verbs a "which X ...?" question says what X does with, in the third person: the words of X end before one.
_THIRD_PERSON_VERBS = frozenset([
    "adds", "returns", "gives", "takes", "sets", "makes", "creates", "removes", "deletes", "shows", "prints",
    "converts", "handles", "holds", "lets", "allows", "stops", "starts", "runs", "reads", "writes", "sends", "uses",
    "provides", "supports", "defines", "raises", "renders", "loads", "parses", "checks", "controls", "generates",
    "stores", "keeps", "changes", "displays", "lists", "wraps", "retries", "waits", "matches", "accepts",
    "describes", "produces", "specifies", "enables", "disables", "builds", "outputs", "marks", "tells", "turns",
    "replaces", "applies", "calls", "contains", "includes", "escapes", "formats", "clears", "resets", "saves",
    "restores"
])


def asked_thing(question: str) -> frozenset[str]:
    """The stem of the noun that names what a "which X" / "what X" question asks for ("converter", "function")."""
    m = _ASKED_THING.search(question)
    if m:
        words = m.group(1).split()
        # "Which extension adds syntax for ...": the kind ends before the verb that says what it does.
        verb = next((k for k, w in enumerate(words) if k and w.lower() in _THIRD_PERSON_VERBS), None)
        return content_stems(words[verb - 1] if verb else words[-1])
    kind = _KIND_OF_THING.search(question)
    return content_stems(kind.group(1)) if kind else frozenset()


def _name_words(name: str) -> str:
    """A code name's words: `werkzeug.routing.PathConverter` -> "werkzeug routing Path Converter"."""
    spaced = re.sub(r"(?<=[a-z\d])(?=[A-Z])", " ", name)
    return re.sub(r"[._:]+", " ", spaced)


def is_asked_thing(term: str, thing: frozenset[str]) -> bool:
    """The definition term is one of the kind of thing asked for: its name says so (`PathConverter` for "which
    converter") or its signature does (`class ...` for "which class", a call's shape for "which function")."""
    line = strip_markup(term.strip().split("\n", 1)[0])  # a Markdown heading: "### Class: `Kiln`" -> "class Kiln"
    name = term_name(line).rsplit(".", 1)[-1]  # the module a thing is in is not what it is
    return bool(thing) and bool(thing & (content_stems(_name_words(name)) | _defines(line)))


_PARAMETER_WORD = re.compile(r"(?:parameters?|arguments?|args?|options?|keywords?|kwargs?|flags?|fields?|settings?)$",
                             re.I)
_IDENTIFIER = re.compile(r"(`?)([A-Za-z_]\w*)(`?)(\s*=)?")


@functools.lru_cache(maxsize=1024)
def _marked_names(question: str) -> frozenset[str]:
    """The words a question marks as code names: in backticks, before "=", beside a word like "parameter" ("the
    secure parameter", "argument threaded"), or with an underscore (max_age)."""
    tokens = list(_IDENTIFIER.finditer(question))
    out = set()
    for k, m in enumerate(tokens):
        name = m.group(2)
        beside = [tokens[n].group(2) for n in (k - 1, k + 1) if 0 <= n < len(tokens)]
        # ("the --version option" names a command-line option: the word is not a parameter of the code's)
        option = question[max(m.start() - 1, 0) : m.start()] == "-"
        # ("a version option" is a kind of option, not the one named version: "the version option" names it)
        kind_of = k > 0 and tokens[k - 1].group(2).lower() in ("a", "an")
        if (m.group(1) and m.group(3)) or m.group(4) or "_" in name.strip("_") or \
                not option and not kind_of and any(_PARAMETER_WORD.match(word) for word in beside):
            out.add(name)
    return frozenset(out)


def parameters_asked_by_name(question: str) -> frozenset[str]:
    """The parameters a question names in code form as parameters: a code name (an underscore or backticks) with a
    word like "argument" after it ("the use_debugger argument"), or after "default of" ("the default of
    cache_timeout"); lowercased. Not the function it names ("of run_simple")."""
    tokens = list(_IDENTIFIER.finditer(question))
    out = set()
    for k, m in enumerate(tokens):
        name = m.group(2)
        if not ("_" in name.strip("_") or m.group(1) and m.group(3)):
            continue
        after = tokens[k + 1].group(2) if k + 1 < len(tokens) else ""
        before = " ".join(t.group(2).lower() for t in tokens[max(k - 3, 0) : k])
        if _PARAMETER_WORD.match(after) or re.search(r"\bdefault of(?: the)?$", before):
            out.add(name.lower())
    return frozenset(out)


def named_parameters(question: str, signature: str) -> frozenset[str]:
    """The parameters of a signature that the question names as parameters: in code form (`secure`, max_age,
    secure=) or with the word ("the secure parameter"), not as a word of its prose ("a cookie header" does not name
    the header parameter)."""
    return _marked_names(question).intersection(signature_parameters(signature))


def names_parameter(question: str, line: str, signature: str | None) -> bool:
    """The line documents a parameter of the entry's signature that the question names ("What does the threaded
    argument of run_simple do?" and "- threaded (bool) – Handle concurrent requests using threads."). With no
    signature in the passages read (a long parameter list), a parameter the question writes as code ("count=True")."""
    name = documented_parameter(line)
    if name is None:
        return False
    return name in (named_parameters(question, signature) if signature else _marked_names(question))


# The field of an API entry a question asks for, by its verb, and the labels docstring styles give that field
# ("Returns:", "Return type:", ":rtype:", "@returns", "Raises:", "Throws:", "Yields:").
_FIELD_QUESTIONS = (
    ("rtype", re.compile(r"\b(?:what|which)\s+(?:\w+\s+)?type\b.*\breturn|\breturn(?:ed)? type\b", re.I)),
    ("returns", re.compile(r"\breturns?\b|\breturned\b|\bgive back\b", re.I)),
    ("raises", re.compile(r"\b(?:raises?|raised|throws?|thrown)\b", re.I)),
    ("yields", re.compile(r"\byields?\b|\byielded\b", re.I)),
)
_FIELD_LABELS = {
    "rtype": r"return\s+types?|rtype|returns?\s+type",
    "returns": r"returns?|return\s+values?|return\s+types?|rtype|@returns?",
    "raises": r"raises?|throws?|exceptions?|errors?|@throws|@exception",
    "yields": r"yields?|@yields?",
}


def asked_field(question: str) -> str | None:
    """The entry field a question asks about: "rtype" ("what type does X return"), "returns", "raises", "yields"."""
    return next((field for field, pattern in _FIELD_QUESTIONS if pattern.search(question)), None)


def is_field_label(text: str, field: str) -> bool:
    """A line that labels the field alone ("Returns:", "Return type:", "Raises:")."""
    return re.fullmatch(rf"\s*(?:#+\s*)?[*_]*(?:{_FIELD_LABELS[field]})[*_]*\s*:?[*_]*\s*", text, re.I) is not None


def fills_field(text: str, previous: str | None, gap: str, field: str) -> bool:
    """The sentence gives the asked field's value: under its label line ("Returns:" + "an ETags object."), or after
    the label on its own line (":returns: an ETags object.", "Raises: KeyError if ...", "@returns {string} ...")."""
    if previous is not None and gap.count("\n") == 1 and is_field_label(previous, field):
        return True
    # Markdown may put the label in emphasis: "**Returns**: the cup", "- *Raises*: PotEmpty ...".
    return re.match(rf"\s*(?:[-*+•]\s+)?[*_]*:?(?:{_FIELD_LABELS[field]})\b[^:\n]{{0,40}}:[*_]*\s*\S|"
                    rf"\s*@(?:{_FIELD_LABELS[field]})\s",
                    text, re.I) is not None

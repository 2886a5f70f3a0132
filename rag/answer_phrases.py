"""The short phrase that answers a question, found inside the quoted text: a duration, a date, a number, a name, a term.

The kind of phrase is read off the question's wording ("how long" wants a duration, "which command" a term); the
phrase is then looked for in the quote, and among several candidates the one whose neighbourhood shares most words
with the question wins ("What time ... in Japan?" picks the time next to "Japan Standard Time").
"""

from __future__ import annotations

import bisect
import functools
import re

from .answer_signals import is_speech_verb, names_then_verbs, speakers_of
from .common_words import is_rare_word
from .keyword import STOPWORDS
from .structure import ENTRY_KIND_WORDS, strip_markup
from .terms import content_stems

_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_NUMBER_WORDS = ("one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|"
                 "hundred|thousand|million|billion|half|dozen")
_APPROX = r"(?:(?:approximately|about|around|roughly|nearly|almost|over|under|some|up to|at least|at most)\s+)?"
_UNITS = "second|minute|hour|day|week|month|year|decade|millisecond|ms"
DURATION = re.compile(_APPROX + r"\b(?:\d+(?:[.,]\d+)?|" + _NUMBER_WORDS + r")(?:\s*-\s*|\s+)?(?:" + _UNITS + r")s?\b", re.I)
# A number in figures or in words, the words of one number read together ("one hundred", "twenty-five", "1.5
# million"), not as two numbers.
_NUMBER_WORD = r"(?:" + _NUMBER_WORDS + r")\b"
NUMBER = re.compile(_APPROX + r"(?<![\w.])(?:\d[\d,.]*\d|\d|" + _NUMBER_WORD + r"(?:[\s-]+(?:and\s+)?" + _NUMBER_WORD
                    + r")*)(?:\s+(?:hundred|thousand|million|billion)\b)?(?:\s*%|\s+percent\b)?", re.I)
DATE = re.compile(
    r"\b(?:(?:early|mid|late|end of|beginning of)[- ](?:" + _MONTHS + r")|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:" + _MONTHS +
    r")(?:,?\s+\d{4})?|(?:" + _MONTHS + r")\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?|(?:"
    + _MONTHS + r")\s+\d{4}|\d{4}-\d{2}-\d{2}|(?:1[6-9]|20)\d{2}(?:s)?)\b", re.I)
# A time told by the part of an event it fell in: "at the beginning of the meeting", "by the end of the day".
_EVENT_TIME = re.compile(r"\b(?:at|by|towards?|near)\s+the\s+(?:very\s+)?(?:beginning|start|end|close|outset|opening|"
                         r"conclusion)\s+of\s+(?:the|this|that|each|every)\s+[a-z][\w-]*", re.I)
# A release, the time of an API's history ("New in version 0.13", "Added in: v10.0.0", "Since 1.2.0").
VERSION = re.compile(r"\b(?:version|release)\s+v?\d+(?:\.\d+)*\b|(?<![\w.])v\d+(?:\.\d+)+\b|(?<=\b[Ss]ince )\d+\.\d+(?:\.\d+)?\b",
                     re.I)
# "In which version was X added?", "Since which Click release ...": a term question answered by a release.
# (not "What does the version option print?": a verb between "what" and "version" asks something else)
_ASKS_VERSION = re.compile(r"\b(?:which|what)\s+(?:(?:is|was|are|were)\s+the\s+)?"
                           r"(?:(?!(?:does|do|did|is|are|was|were|can|should|will|would)\b)[\w.-]+\s+){0,2}?"
                           r"(?:version|release)s?\b|\bsince when\b", re.I)
# A product and its release number ("Starting with Click 3.0"): the release asked for when the question names it.
_NAMED_RELEASE = re.compile(r"\b([A-Z][\w-]*)\s+v?\d+(?:\.\d+)+\b")
# A word of a thing's name as the text writes it after "the": capitalised, or a number ("the Debian 9 Stretch ...").
_TITLED_WORD = r"(?:[A-Z][\w.-]*|\d[\w.]*)"
_THE_RELEASE = re.compile(rf"\b[Tt]he\s+({_TITLED_WORD}(?:\s+{_TITLED_WORD}){{0,3}}"
                          r"(?:\s+\([^()\n]{1,40}\))?)\s+release\b")
_CODENAME = re.compile(r"\b(?:with|in|since|from|until)\s+(([A-Z][\w-]*)\s+[A-Z][a-z]+)\b")
# How often: "every 14 days", "twice a week", "daily"; the number alone ("14") does not say it.
FREQUENCY = re.compile(r"\b(?:every|each)\s+(?:(?:\d+(?:[.,]\d+)?|other|few|" + _NUMBER_WORDS + r")\s+)?(?:" + _UNITS
                       + r")s?\b|\b(?:once|twice|thrice|(?:\d+|" + _NUMBER_WORDS + r")\s+times)\s+(?:a|an|per|each|every)\s+(?:"
                       + _UNITS + r")\b|\b(?:hourly|daily|nightly|weekly|fortnightly|monthly|quarterly|yearly|annually)\b", re.I)
_HOW_OFTEN = re.compile(r"\bhow often\b|\bhow frequently\b", re.I)
_HOW_OLD = re.compile(r"\bhow old\b|\bat what age\b|\bwhat age\b", re.I)
_YEAR = re.compile(r"(?:1[6-9]|20)\d{2}")
TIME = re.compile(r"\b\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?", re.I)
_NAME_WORD = r"[A-Z][\w'’-]*[a-z][\w'’-]*"
# (an acronym inside a name is part of it: "Informal APEC Economic Leaders' Meeting")
NAME = re.compile(_NAME_WORD + r"(?:[ \t]+(?:(?:de|da|van|von|der|bin|al)[ \t]+)?(?:[A-Z][A-Z\d]+[ \t]+)*" + _NAME_WORD
                  + r")+")
_MAN_REF = re.compile(r"(?<![\w/.-])([A-Za-z_][\w.+-]*)\(\d[a-z]*\)")
# (an apostrophe after a letter is a possessive or a contraction, not a quote opening: "Microsoft's")
_QUOTED = re.compile(r"(?:[\"“”‘`]|(?<![\w’])')([^\"“”'‘’`\n]{1,80})[\"“”'’`]")
_CODE_LIKE = re.compile(r"(?<![\w./$~])\.[A-Za-z][\w.+-]*[\w+](?:\(\))?|(?<![\w/$~])(?:~|\$[A-Za-z_]\w*|\$\{\w+\})?(?:/[\w.+-]+)+/?|\b(?=[\w+./-]*[A-Za-z])[\w+-]+(?:[./_][\w+-]+)+\b|\b[A-Za-z]+\d+[A-Za-z\d]*\b|\b\w+\(\)|"
                        r"\b[A-Z][a-z]+(?:[A-Z][a-z\d]*)+\b|\b[A-Za-z]\w*_(?!\w)")  # dot files, paths, dotted or snake_case names,
# calls, CamelCase, a keyword's name with the underscore that keeps it off Python's own ("class_")
# A keyword set to a value or a call, written in prose: "invoke_without_command=True", "getchar()".
_SETTING = re.compile(r"(?<![\w.=/?&-])[A-Za-z_][\w.]*=(?:True|False|None|-?\d[\w.]*|'[^'\s]*'|\"[^\"\s]*\"|[A-Za-z_][\w.]*)(?![\w=])|"
                      r"(?<![\w.])[A-Za-z_][\w.]*\(\)")
# "since" gives a reason unless it gives a time ("since version 0.10", "since 2001", "since then").
_REASON_CUE = re.compile(r"\b(?:because(?: of)?|since(?!\s+(?:version|release|v?\d|then|(?:the\s+)?(?:early|late)\b|"
                         + _MONTHS + r"))|in that|so that|so as to|due to|owing to|in order (?:not )?to|as a result of|to (?:avoid|prevent)|"
                         r"the (?:purpose|reason|point|goal|aim) (?:(?:of|why|that)\b[^.;]{1,60}? |[^.;,]{1,60} )?is(?: to| that)?|"
                         # What a step is for, said of it: "This ensures that the device finishes cleanly".
                         r"(?:this|that|which|it) (?:ensures|guarantees|makes sure|prevents|avoids)(?: that)?|"
                         # What a thing is there for: "It is exported primarily to allow ...".
                         r"(?:primarily|mainly|mostly|chiefly|largely|solely) (?:in order )?to|"
                         # Where a limit or a fault comes from: "This limit arises from the fact that ...".
                         r"(?:arises|arise|arose|stems|stem|results|result) from(?: the fact that)?)\s+",
                         re.I)
# A sentence whose point is the explanation, not one with a reason in passing ("Due to X, there is no way ..."):
# "The reason it's not based on argparse is that ...", "The purpose of these codenames is to ...", "This limitation
# exists because ...", "This ensures that ...".
_EXPLAINS = re.compile(r"\bthe\s+(?:main\s+|primary\s+|only\s+)?(?:reason|purpose|point|goal|aim|idea)\b[^.;]{0,80}?\bis\b|"
                       r"\b(?:exists?|happens?|is\s+(?:done|needed|required|necessary))\s+(?:because|so\s+that|since)\b|"
                       r"^\W*(?:this|that|it)\s+(?:ensures|guarantees|makes\s+sure|prevents|avoids|is\s+(?:to|so\s+that|"
                       r"because))\b", re.I)


def explains(text: str) -> bool:
    """Whether the sentence's point is to give a reason or a purpose (for "why" questions)."""
    return _EXPLAINS.search(text) is not None


# A reason given before its consequence: "Obtaining it is costly, so it is always None" (not "so that", "so far").
_REASON_BEFORE = re.compile(r",\s+so\s+(?!that\b|as\b|far\b|on\b|much\b|many\b|long\b|to\b)", re.I)
# The keyword or label before a definition term's name ("class X", and the labels of Markdown entry headings: "###
# Event: `'close'`", "### Interface: `Foo`", rag.structure.heading_entry).
_DEF_PREFIX = re.compile(r"^(?:(?:class|def|async def|async|function|method|attribute|property|exception|data|static|"
                         r"abstract|event|interface|enum|struct|trait|type|module|namespace|const|constant|macro|field|"
                         rf"variant|signal|hook|callback|variable|global|{ENTRY_KIND_WORDS})\s+){{1,2}}")

# The number of a part of a document, not a count: "see Section 7.2", "Table 3", "RFC 2822".
_REFERENCE = re.compile(r"\b(?:section|chapter|figure|table|appendix|part|step|page|rfc|item|example)\s*$", re.I)
_ITEM_NUMBER = re.compile(r"\d{1,3}(?:\.\d{1,3})*[.)]\s")


def _is_item_number(text: str, start: int) -> bool:
    """A number that begins a line and ends in "." or ")": a list item's or a section's number, not a count."""
    line_start = text.rfind("\n", 0, start) + 1
    return not text[line_start:start].strip() and _ITEM_NUMBER.match(text, start) is not None

_HOW_LONG_A_THING = re.compile(r"\bhow long\b(?:(?!\b(?:take|last|took|lasted|wait|run|ran)\b).)*\bbe\W*$", re.I)
_HOW_DO_I = re.compile(r"\W*how (?:do|can|could|should|would) (?:i|you|we|one)\b", re.I)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
# "What is the (full) name of the Russian foreign minister?": a person's name asked for in so many words; group 1 is
# the frame, no topic of the question's.
_NAME_OF_PERSON = re.compile(
    r"\bwhat(?:'s|\s+(?:is|was|are|were))?\s+(?:the|his|her|their)\s+((?:full\s+)?names?\s+of)\s+"
    r"(?:(?:the|this|that|a|an|its|his|her|their)\s+)?(?:[\w'’-]+\s+){0,4}?"
    r"(?:person|people|man|woman|author|leader|maintainer|founder|creator|official|officer|head|chief|diplomat|"
    r"minister|president|secretary|chairman|chairwoman|chairperson|director|ambassador|chancellor|premier|governor|"
    r"mayor|senator|king|queen|emperor|attache|consul|envoy|spokesman|spokeswoman|spokesperson)s?\b", re.I)


def asks_a_persons_name(question: str) -> bool:
    """Whether the question asks for a person's name in so many words ("What is the name of the attache?")."""
    return _NAME_OF_PERSON.search(question) is not None


def without_name_frame(question: str) -> str:
    """The question without the words that only say a person's name is asked ("the full name of")."""
    found = _NAME_OF_PERSON.search(question)
    return question[: found.start(1)] + question[found.end(1):] if found else question


# What a question asks for, in order: the first pattern that matches names the kind of phrase.
# Words that may follow a question's "what day": a verb or a preposition, where a noun would make "day" a modifier.
_FUNCTION_WORDS = (r"(?:is|was|were|are|did|does|do|will|would|should|shall|can|could|may|might|must|has|had|have|of|for|in|"
                   r"on|at|to|and|or|the|a|an|that|this|these|those|when|if|after|before|since|until|will)")
_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("duration", re.compile(r"\bhow (?:long|much time)\b|\bfor how (?:long|many (?:minutes|hours|days|years))\b|"
                            r"\bwhat (?:is the )?duration\b", re.I)),
    ("time", re.compile(r"\b(?:what|which) (?:clock )?time\b|\bat what time\b", re.I)),
    # ("Which date modifier ...", "What date format ...": a noun after it names the thing asked, a kind of date's)
    ("day", re.compile(r"\b(?:what|which|on what) (?:date|day)s?\b(?!\s+(?!" + _FUNCTION_WORDS + r"\b)(?-i:[a-z]+)\b)|"
                       r"\b(?:the|its) (?:(?:publication|release|issue|"
                       r"effective|expiry|expiration|due|start|end|closing|opening) )?date (?:of|on|when|that)\b", re.I)),
    # "when" asks for a date as the question's own word ("When was ...", "And since when ...", "... and when will
    # that happen?": a verb follows it), not opening a clause ("Which converter should I use when a variable ...").
    ("date", re.compile(r"^\W*(?:(?:and|but|so|then|ok|okay|since|until|till|from)[\s,]+){0,2}when\b|\bwhen\s+(?:will|would|did|does|do|was|were|is|are|has|have|"
                        r"had|can|could|should|shall|may|might|must)\b|\b(?:what|which|on what) (?:year|month|decade)s?\b|\bin what year\b", re.I)),
    ("number", re.compile(r"\bhow (?:many|much|often|frequently|big|large|old)\b|\bwhat (?:number|percentage|share|amount|size)\b",
                          re.I)),
    # ("What is the name of the Russian foreign minister?" asks who, as "Who is the Russian foreign minister?" does)
    ("name", re.compile(r"\bwho\b|\bwhom\b|\bwhose\b|\b(?:which|what) (?:person|minister|author|president|leader)\b|"
                        + _NAME_OF_PERSON.pattern, re.I)),
    ("reason", re.compile(r"\bwhy\b|\bfor what reason\b|\bwhat (?:caused|causes|led to|leads to)\b|"
                          r"\bwhat (?:is|was|were|are) the (?:cause|reason)s?\b", re.I)),
    # "How do I save ...": the answer is often a command or a tool named in the quote.
    ("how", re.compile(r"\bhow (?:do|can|should|would|could|to|am|is|are)\b|\bwhere (?:does|do|is|are|can)\b", re.I)),
    # "Where would the subcommittee meet?": a place named in the prose ("in Tokyo"); a file's place is "how" above.
    ("place", re.compile(r"^\W*where\b", re.I)),
    # "Which function ...", "What command ...", "What is the default X", but not "What does X do" / "What is X".
    ("term", re.compile(r"\bwhich\b|\bwhat (?!does\b|do\b|did\b|is\b|are\b|was\b|were\b|happens\b|happened\b|about\b)"
                        r"\w+|\bwhat(?:'s| (?:is|are|was|were)) (?:the|a|an) \w+", re.I)),
)


_PROMPT_OR_MARKER = re.compile(r"^\s*(?:[-*•]\s+|\d{1,3}[.)]\s+)?(?:[$#>%]\s+)?")
_COMMAND = re.compile(r"[a-z_][\w.+-]*(?:\([^()\n]*\)|(?:[ \t]+[^\s]+){1,7})")
_ENDS_SENTENCE = re.compile(r"[.,;:!?]$")
_COMMAND_SIGN = re.compile(r"[-/()_=.\d]")  # an option, a path, a call, a number


def command_line(line: str) -> str | None:
    """The command of a line that holds only one ("$ dpkg --status pkg" -> "dpkg --status pkg"), else None.

    A command starts with a lower-case program or function name, has arguments (or a call's parentheses), no
    sentence punctuation at its end, and a prompt before it or an option, path or call in it.
    """
    if "\n" in line.strip():
        return None
    lead = _PROMPT_OR_MARKER.match(line)
    body = line[lead.end():].strip()
    if lead.group().strip()[-1:] == "$" and re.fullmatch(r"[a-z_][\w.+-]*", body):
        return body  # a program run with no arguments at a shell prompt ("$ gitk")
    if not body or len(body) > 80 or _ENDS_SENTENCE.search(body) or not _COMMAND.fullmatch(body):
        return None
    # Short lines of prose ("of the data") are lower-case words too: a command has an option, a path, a call.
    prompted = lead.group().strip()[-1:] in ("$", "#", ">", "%")
    words = body.split()
    if not prompted and (not content_stems(words[0].split("(")[0]) or sum(w.isalpha() for w in words) >= 4):
        return None  # "the tracepath(8) command can ...": prose that starts in lower case
    return body if prompted or _COMMAND_SIGN.search(body) else None


def normalize_spaces(text: str) -> str:
    """Lowercased, with each run of whitespace one space: how quotes, headings and phrases are compared."""
    return " ".join(text.lower().split())


# "When is the 'close' event emitted?": in an API's documentation "when" asks for the condition, not a date.
# ... or what code does under a condition ("When does add() return False?").
_WHEN_CONDITION = re.compile(r"^\W*when\s+(?:is|are|does|do|will|would|should)\b[^?]*\b(?:emitted|called|raised|"
                             r"fired|triggered|invoked|thrown|executed|dispatched|evaluated|used|needed|required|"
                             r"returns?|raises?|throws?|fails?|blocks?)\b", re.I)


# "When a template renders one node, what does render() return?": the clause before the comma is a condition, the
# question after it says what is asked.
_CONDITION_FIRST = re.compile(r"^\W*(?:when|if|once|after|before|while)\b[^?,]*,\s*(?=(?:what|which|who|whom|whose|why|"
                              r"where|how|when|does|do|did|is|are|was|were|can|could|will|would|should)\b)", re.I)


# "Who is Igor Ivanov?" names the person and asks what he is (a minister, an author), not for a name.
_WHO_IS_NAMED = re.compile(r"^\W*[Ww]ho\s+(?:is|was|are|were)\s+(?:(?:[A-Z][\w.'’-]*|and)\s*)+\?*\s*$")


_WHO_IS = re.compile(r"^\W*who\s+(?:is|was|are|were)\s+([\w.'’ -]+?)\W*$", re.I)


def who_is_words(question: str) -> list[str]:
    """The words after "who is" when nothing else follows and no article starts them ("who is ivanov" -> ["ivanov"],
    "who is the minister" -> []): perhaps a name typed in lower case."""
    asked = _WHO_IS.match(question)
    words = asked.group(1).split() if asked else []
    return words if 0 < len(words) <= 4 and words[0].lower() not in ("the", "a", "an", "your", "my", "our") else []


def _asks_who_someone_is(question: str) -> bool:
    """ "Who is Igor Ivanov?", also typed in lower case ("who is kono"): a name, capitalised or a word no dictionary
    holds, after the copula and nothing else. (A name the dictionary holds, "ivanov", the answerer checks against
    the passages it reads.)"""
    words = who_is_words(question)
    return _WHO_IS_NAMED.match(question) is not None or bool(words) and all(
        w == "and" or is_rare_word(w) for w in words)


_NEXT_CLAUSE = re.compile(r"[,;]\s*(?:(?:and|but|so|or)\s+)?$", re.I)
_WHICH_THING = re.compile(r"^\W*which\s+(?!(?:year|years|day|days|date|dates|month|months|time|times|version|"
                          r"versions|release|releases|of)\b)[\w-]+", re.I)


# "What is a bare repository?", "What is a factor in R?", "What is the Developers Database?": what a thing is, which
# its definition says; no one phrase of a kind answers it (not "What is a good recipe for ...?", which asks for one,
# nor "What is the default port?", which asks for a value).
# ("What is a column's type affinity?": a possessive is part of the thing's name)
_ASKS_DEFINITION = re.compile(r"^\W*(?i:what(?:'s|\s+is|\s+are))\s+(?:(?i:an?)\s+(?:[\w.'’-]+\s+){0,3}[\w.-]+|"
                              r"(?i:the)\s+(?:[A-Z][\w.-]*\s+){0,3}[A-Z][\w.-]*)(?:\s+in\s+[\w.-]+)?\s*\?*\s*$")


def asks_definition(question: str) -> bool:
    """ "What is a bare repository?": what a thing is, which the sentence that defines it says."""
    return _ASKS_DEFINITION.match(question) is not None


def expected_kind(question: str) -> str | None:
    """The kind of phrase the question asks for (duration, time, date, number, name, reason, term), or None."""
    condition = _CONDITION_FIRST.match(question)
    if condition:
        return expected_kind(question[condition.end():])
    if _WHEN_CONDITION.match(question) or _asks_who_someone_is(question) or _ASKS_DEFINITION.match(question):
        return None
    if _HOW_DO_I.match(question):  # "How do I find out how many ...": the answer is a way, not a number
        return "how"
    if _HOW_LONG_A_THING.search(question):  # "How long may a name be?": a length, often not a number at all
        return None
    # "Which attribute tells how many rows ...?": a "which X" question asks for an X, whatever its clause asks after
    # (a second question after a comma asks its own: "Which pot did they fill, and when will that happen?").
    opener = _WHICH_THING.match(question)
    for kind, pattern in _KINDS:
        found = pattern.search(question)
        if found and (opener is None or found.start() < opener.end()
                      or _NEXT_CLAUSE.search(question, 0, found.start()) is not None):
            return kind
    return None


_TITLES = frozenset(["minister", "president", "foreign", "affairs", "prime", "secretary", "general", "mr", "mrs", "ms", "dr", "prof", "sir", "chairman", "chairwoman", "director", "ambassador", "deputy", "vice", "chief", "senior", "state"])


# The last word of a name that names a body, an event, a document or a time rather than a person ("United Nations
# General Assembly", "Eastern Standard Time"): "who" asks for a person first.
_NOT_PERSON = frozenset(["federation", "nations", "assembly", "republic", "kingdom", "states", "union", "council",
                         "committee", "commission", "organization", "organisation", "ministry", "department", "agency",
                         "office", "foundation", "project", "society", "association", "institute", "university",
                         "college", "laboratories", "laboratory", "labs", "corporation", "company", "inc", "ltd",
                         "group", "team", "conference", "meeting", "summit", "agreement", "treaty", "declaration",
                         "act", "force", "forces", "army", "navy", "party", "parliament", "congress", "senate", "court",
                         "bank", "time", "day", "service", "system", "license", "licence", "software", "edition",
                         "manual", "guide", "reference", "documentation", "policy", "program", "programme", "embassy",
                         "consulate", "government", "authorities", "police"])


def _strip_titles(name: str, asked: frozenset[str], asked_names: frozenset[str]) -> str:
    """A name without the titles and question words before it: "Foreign Minister Kono" asked about Kono -> "".

    `asked_names`: the stems of the names the question uses. A name that still holds one is the one asked about,
    not the answer ("Yohei Kono" for "Who did Kono meet?"). A body's name before a person's is cut off ("Russian
    Federation Igor Ivanov" -> "Igor Ivanov").
    """
    words = name.split()
    while words and (words[0].lower() in _TITLES or content_stems(words[0]) <= asked):
        words.pop(0)
    body = max((i for i, w in enumerate(words[:-1]) if w.lower() in _NOT_PERSON), default=-1)
    if 0 <= body < len(words) - 2 and _is_person_like(words[-1]):  # two words or more after it: a full name
        words = words[body + 1:]
    stems = content_stems(" ".join(words))
    if len(words) == 1 and words[0].lower() in _NOT_PERSON:
        return ""  # "Embassy" left of "the Russian Embassy" asked about: a body's common noun names no one
    return " ".join(words) if words and not stems <= asked and not stems & asked_names else ""


def _is_person_like(name: str) -> bool:
    return re.sub(r"['’]s?$", "", name.split()[-1].lower()) not in _NOT_PERSON


# A namespace with a hyphen is a documentation tool's ("jinja-filters.wordwrap"), not part of a name code uses.
_TOOL_NAMESPACE = re.compile(r"^((?:class|def|function|method|exception)\s+)?(?:\w*-[\w-]*\.)+")


def without_tool_namespace(code: str) -> str:
    """A name or signature as code writes it: "jinja-filters.default(value, ...)" -> "default(value, ...)"."""
    return _TOOL_NAMESPACE.sub(r"\1", code)


# An attribute with its type: "human_readable_name: str", "Environment.globals: dict" (not a label: "Class: Foo").
_ANNOTATED = re.compile(r"(?:[a-z_]\w*|[A-Za-z_]\w*(?:\.\w+)+):\s")


def term_name(term: str) -> str:
    """The name a definition term defines: `functools.lru_cache(maxsize=128)` -> `functools.lru_cache`."""
    text = _DEF_PREFIX.sub("", strip_markup(term).lstrip("@").strip())
    if text.startswith("-"):  # command-line options: "-o FILE, --output=FILE" -> "-o, --output"
        options = re.findall(r"(?<![\w-])--?(?:\[no-\])?[A-Za-z0-9][\w-]*", text)
        if options:
            return ", ".join(options)
    head = without_tool_namespace(re.split(r"[(\s=:\[]", text, maxsplit=1)[0].strip(".,;"))
    # ("property human_readable_name: str": an attribute's type annotation is no part of its name)
    if "(" in text or "=" in text or _ANNOTATED.match(text) or len(text) > 40:
        return head or text
    return text


def _command_lines(text: str, prior: float) -> list[tuple[int, int, float]]:
    """The lines of `text` that hold a command, as spans of the command itself."""
    out, offset = [], 0
    for line in text.split("\n"):
        command = command_line(line)
        if command:
            start = offset + line.index(command)
            out.append((start, start + len(command), prior))
        offset += len(line) + 1
    return out


def _candidates(kind: str, text: str, asked: frozenset[str]) -> list[tuple[int, int] | tuple[int, int, float]]:
    if kind == "duration":
        return [m.span() for m in DURATION.finditer(text)]
    if kind == "time":
        return [m.span() for m in TIME.finditer(text)] or [m.span() for m in DATE.finditer(text)]
    if kind == "date":  # a date or a time, else a release ("When was X added?" in an API's changelog)
        # A date is trusted more, unless the question's words stand beside a time ("... start in Japan time?" and
        # "23:50 Japan Standard Time").
        return [(*m.span(), 0.5) for m in DATE.finditer(text)] + [(*m.span(), 0.0) for m in TIME.finditer(text)] or \
            [m.span() for m in VERSION.finditer(text)]
    if kind == "day":  # "On what day ...": a date with its day or year, not "mid-October"
        return [m.span() for m in DATE.finditer(text) if re.search(r"\d", m.group())]
    if kind == "number":  # not a time, nor the number of a list item or a section ("3. Leaks of ...")
        # (nor a manual page's section, "passwd(1)", nor a part of a power, "2^32")
        return [m.span() for m in NUMBER.finditer(text) if not TIME.match(text, m.start())
                and not _is_item_number(text, m.start()) and not _REFERENCE.search(text, 0, m.start())
                and not _section_or_power(text, m.start(), m.end())]
    if kind == "name":  # a person's name, or the address to write to ("Who should I e-mail?")
        # (a name just after "in", "at", "from" or "to" is a place's: "in Brunei Darussalam")
        # (unless a title says it is a person's: "direct from President Putin")
        return [m.span() for m in _EMAIL.finditer(text)] + [
            m.span() for m in NAME.finditer(text) if not re.search(r"\b(?:in|at|from|to|near)\s+$", text[:m.start()])
            or m.group().split()[0].lower() in _TITLES]
    if kind == "reason":
        out = []
        for m in _REASON_CUE.finditer(text):
            # (a dot inside a name, "querystring.escape", or an abbreviation, "e.g.", ends no clause)
            end = re.search(r"[;!?]|\.(?![\w,])(?<!\b[a-z]\.[a-z]\.)|,\s+(?:and|but|which)\b|$", text[m.end():])
            out.append((m.end(), m.end() + (end.start() if end else len(text) - m.end())))
        for m in _REASON_BEFORE.finditer(text):
            # It explains what the question asks about only when its consequence is that ("..., so it is always
            # None" for "Why is it always None?", not "..., so the order is kept" for "Why would I sort?").
            consequence = re.match(r"[^.;!?]*", text[m.end():]).group()
            if not content_stems(consequence) & asked:
                continue
            opening = max(text.rfind(mark, 0, m.start()) for mark in (". ", "; ", ": ", "\n"))
            out.append((opening + 2 if opening >= 0 and text[opening] != "\n" else opening + 1, m.start()))
        return out
    if kind == "place":  # a place the prose names after "in" or "at" ("in Tokyo during mid-October")
        return [m.span(1) for m in _PLACE_NAME.finditer(text)
                if not re.fullmatch(r"(?:" + _MONTHS + r"|mid|early|late)\b.*", m.group(1), re.I)]
    if kind == "how":  # only what names a command or a tool: a command line, a manual page, a quoted command
        # ... or, in an API's prose, the setting or call that does it ("by passing invoke_without_command=True").
        # ... or, asked where, the file or directory the prose names ("found in the directory /var/lib/dpkg/info").
        return _command_lines(text, 1.0) + [(*m.span(1), 1.0) for m in _MAN_REF.finditer(text)] + \
            [(*m.span(1), 0.5) for m in _QUOTED.finditer(text)] + [(*m.span(), 0.25) for m in _SETTING.finditer(text)] + \
            [(*m.span(), 0.0) for m in _CODE_LIKE.finditer(text) if _PATH.match(m.group()) or m.group()[0] == "."]
    # A term: a manual page reference, a quoted name, a table row's first cell, a path or code-like word, in that
    # order of trust (the prior below breaks ties between equally placed candidates).
    # A command line may be a program's output too ("rtt min/avg = 1.2/3.4"): trusted less than a manual page.
    spans = [(*m.span(1), 1.0) for m in _MAN_REF.finditer(text)] + _command_lines(text, 0.5)
    # (a quoted title that asks, "see Section 7.2, “What is the format of a package?”", names nothing; nor does the
    # title of a cross-reference, "see Table 11.2, “List of encoding values and their usage”")
    spans += [(*m.span(1), 0.5) for m in _QUOTED.finditer(text) if not m.group(1).rstrip().endswith("?")
              and not _CROSS_REFERENCE.search(text, 0, m.start())]
    if " | " in text:  # a table row: its first cell names the thing the row is about (a Markdown row opens with "|")
        lead = re.match(r"\s*\|?\s*", text).end()
        first = text[lead:].split("|", 1)[0]
        spans.append((lead, lead + len(first.rstrip()), 0.5))
    spans += [(*m.span(), 0.5) for m in _KEY_CHORD.finditer(text)]
    # An address names a mailing list or a mailbox whole ("debian-mentors@lists.debian.org", not its host).
    addresses = [m.span() for m in _EMAIL.finditer(text)]
    spans += [(*span, 0.5) for span in addresses]
    spans += [(*m.span(), 0.0) for m in _CODE_LIKE.finditer(text) if not _ABBREVIATION.fullmatch(m.group())
              and not _SLASHED_WORDS.fullmatch(m.group()) and not any(a <= m.start() < b for a, b in addresses)]
    return spans


@functools.lru_cache(maxsize=65536)
def _text_candidates(kind: str, text: str) -> tuple[tuple[int, int] | tuple[int, int, float], ...]:
    """The candidates of a kind that the question plays no part in finding (all but a reason's): every question of
    that kind looks for them in the same sentences, so they are found once."""
    return tuple(_candidates(kind, text, frozenset()))


# A file's path, from the root, the home directory or a variable: "/etc/hosts", "~/.bashrc", "$HOME/.local/share".
_PATH = re.compile(r"(?:~|\$[A-Za-z_]\w*|\$\{\w+\})?/")
_ASKS_FILE = re.compile(r"\b(?:which|what)\s+(?:[\w-]+\s+)?(?:file|directory|folder|path)s?\b", re.I)
_WANTS_PATH = re.compile(r"\b(?:file|directory|folder|path|where)\b", re.I)
_WANTS_COMMAND = re.compile(r"\b(?:command|tool|program|utility|binary|daemon)s?\b", re.I)
_HAS_WORD = re.compile(r"[^\W\d_]|\d")


# A preposition that joins a date to the words before it, in mid-sentence: "wrote it in ", "was founded on ".
_BOUND_BEFORE = re.compile(r"\w[\w,']*\s+(?:in|on|since|until|by|during|from|to|till)\s+(?:the\s+)?$", re.I)


def event_time(text: str) -> str | None:
    """A time told by the part of an event it fell in ("At the beginning of the meeting, Kono expressed his
    gratitude"): an answer to "when" where no date is given, weaker than a date (a sentence holding one is not
    thereby a sentence that answers)."""
    found = _EVENT_TIME.search(text)
    return found.group() if found else None


def asks_version(question: str) -> bool:
    """ "Which version ...?", "In which Click release ...?", "Since when ...?": a release is asked for."""
    return _ASKS_VERSION.search(question) is not None


def _called_in(name: str, question: str) -> bool:
    """A dotted name whose last part the question calls: "Signal.connect" of "... after each call to connect()?" is
    the question's own."""
    return "." in name and re.search(rf"(?<![\w.]){re.escape(name.rsplit('.', 1)[-1])}\s*\(", question) is not None


_MAN_SECTION = re.compile(r"(?<=\w)\(\d\w*\)")  # the "(1)" of "passwd(1)"


def _section_or_power(text: str, start: int, end: int) -> bool:
    """The number at text[start:end] is a manual page's section ("passwd(1)") or a part of a power ("2^32")."""
    before = max(start - 1, 0)
    return _MAN_SECTION.match(text, before) is not None or "^" in text[before : end + 1]


def count_numbers(text: str) -> int:
    """How many quantities the text holds (numbers as `find_phrase` finds them)."""
    return len(_text_candidates("number", text))


def _window_stems(kind: str, window: str) -> frozenset[str]:
    """The stems of the words beside a candidate phrase; beside a number, an identifier's parts count as words
    ("SQLITE_MAX_COLUMN is 2000" counts columns)."""
    if kind == "number":
        window = re.sub(r"(?<=\w)_(?=\w)|(?<=[a-z])(?=[A-Z])", " ", window)
    return content_stems(window)


def find_phrase(kind: str | None, text: str, question: str, term: str | None = None) -> str | None:
    """The phrase of `text` that answers `question` as `kind` asks, or None when there is none.

    `term`: the definition term the quote belongs to (an API signature, an option), the answer to "which" questions.
    """
    return _find(kind, text, question, term, first=False)


def has_phrase(kind: str | None, text: str, question: str) -> bool:
    """Whether `text` holds a phrase that answers `question` as `kind` asks (cheaper than finding the best one)."""
    return _find(kind, text, question, None, first=True) is not None


# The numbered part of a document a quoted title names: "see Table 11.2, " before “List of encoding values ...”.
_CROSS_REFERENCE = re.compile(r"\b(?:Section|Table|Figure|Chapter|Appendix|Example)\s+[\dA-Z][\d.]*,?\s*$", re.I)
# A key combination: "Ctrl-Alt-F3", "Shift+Tab" (its last key alone, "F3", would be a part of it).
_KEY_CHORD = re.compile(r"\b(?:Ctrl|Control|Alt|Shift|Meta|Super|Cmd|Command|Option|AltGr|Fn)(?:[-+][A-Za-z0-9]+)+\b")
# Words joined by a slash in prose are no path ("and/or", "his/her").
_SLASHED_WORDS = re.compile(r"(?i)and/or|either/or|he/she|she/he|s/he|his/her|her/his|him/her|he/she/it")
# An alternative the text turns down: "use getpwent rather than relying on /etc/passwd".
_REJECTED = re.compile(r"\b(?:rather\s+than|instead\s+of)\s+(?:[\w-]+\s+){0,3}$", re.I)
# Latin abbreviations are dotted like code but name nothing ("e.g", "i.e").
_ABBREVIATION = re.compile(r"(?:e\.g|i\.e|et\.al|viz|cf|vs|etc)\.?", re.I)
_PLACE_NAME = re.compile(r"\b(?:in|at)\s+((?:the\s+)?[A-Z][\w'’-]*(?:\s+(?:(?:of|de|du|del|and)\s+)?[A-Z][\w'’-]*)*"
                         r"(?:\s+(?:region|area|prefecture|province|state|city|county|district|islands?|valley|coast)"
                         r"(?:\s+of\s+[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)?)?)")
_WHO_DID = re.compile(r"^\W*who\s+(?:(?:has|had|have|was|were)\s+)?(\w+)\b", re.I)
# "... has already been respectfully declined by the Japanese side": the doer a passive names after "by".
_BY_AGENT = re.compile(r"\b(\w+)\s+by\s+((?:the\s+)?[^\s,.;:()\[\]]+(?:\s+[^\s,.;:()\[\]]+){0,3}?)"
                       r"(?=\s*(?:[,.;:()\[\]]|$)|\s+(?:in|on|at|for|with|and|who|which|to|from|during|after|before)\b)",
                       re.I)


_WORD = re.compile(r"[A-Za-z]+")
# Where a clause starts, so that what stands between it and a verb is the verb's subject.
_CLAUSE_START = re.compile(r"\b(?:that|which|who|whom|whose|when|where|because|and|but)\s+|[,;:()\[\]]\s*", re.I)
_AUXILIARY_END = re.compile(r"(?:\s+(?:had|has|have|was|were|is|are|would|will|could|also|then|not|been))+$", re.I)
# A noun phrase of a few words with its article ("a military attache of the Russian Embassy in Japan").
_ARTICLE_PHRASE = re.compile(r"(?:an?|the)\s+[\w'’-]+(?:\s+[\w'’-]+){0,9}", re.I)


_TITLE_WORDS = frozenset(["the", "of", "and", "for"])
_CALL_TERM = re.compile(r"^[\w.@ -]*?\w\(")  # a term that is a signature: "commit()", "jinja-filters.list(value)"
# "Which attribute ...", "What field ...": a named value of code or of a format is asked for.
_ASKS_NAMED_VALUE = re.compile(r"\b(?:which|what)\s+(?:[\w-]+\s+){0,2}?(?:attribute|property|field|setting|variable|"
                               r"key)s?\b", re.I)
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _words_before_titles(text: str, start: int) -> frozenset[str]:
    """The stems of the 40 characters before a name and the titles and bodies in front of it: "met with" of "... Kono
    met with the Minister of Foreign Affairs of the Russian Federation Igor Ivanov"."""
    words = text[:start].split()
    while words and (words[-1][:1].isupper() or words[-1] in _TITLE_WORDS):
        words.pop()
    return content_stems(" ".join(words)[-40:])


# Titles that stand before a person's name and say which office they hold: asked "Who is the President of Russia?",
# a person the quote gives another office ("Foreign Minister Kono") is not the one asked for.
_OFFICES = frozenset(["minister", "president", "secretary", "chairman", "chairwoman", "chairperson", "director",
                      "ambassador", "chancellor", "premier", "governor", "mayor", "senator", "king", "queen",
                      "emperor", "attache", "consul", "envoy", "spokesman", "spokeswoman", "spokesperson"])
_OFFICE_STEMS = frozenset(s for office in _OFFICES for s in content_stems(office))
_ASKS_ROLE = re.compile(r"\W*(?:who(?:'s|\s+(?:is|was|are|were))\s|which\s|what\s+\w+\s+(?:is|was)\s|"
                        r"what(?:'s|\s+(?:is|was|are|were))\s+(?:the|his|her|their)\s+(?:full\s+)?names?\s+of\s)",
                        re.I)
_TITLE_RUN_WORD = re.compile(r"[A-Za-z][\w'’.-]*$")


def title_run(text: str, start: int, names: frozenset[str] = frozenset()) -> list[re.Match[str]]:
    """The words of the title run right before `start`, in order: "the Minister of Foreign Affairs of the" before
    "Russian Federation Igor Ivanov"; it stops at another person's name (`names`: their words), a lower-case word
    that is no title, or punctuation."""
    run: list[re.Match[str]] = []
    for token in reversed(list(re.finditer(r"\S+", text[:start]))):
        word = token.group()
        if not _TITLE_RUN_WORD.fullmatch(word) or word in names or not (
                word[:1].isupper() or word.lower() in _TITLES or word in _TITLE_WORDS):
            break
        run.append(token)
    return run[::-1]


def _title_before(text: str, start: int, names: frozenset[str]) -> str:
    """The title run right before a name, as one string (title_run)."""
    return " ".join(token.group() for token in title_run(text, start, names))


def _untitled(words: list[str]) -> str:
    """A name without the titles in front of it: "Foreign Minister Kono" -> "Kono" ("" when only titles)."""
    start = next((i for i, w in enumerate(words) if w.lower() not in _TITLES), len(words))
    return " ".join(words[start:])


def _tense(verb: str) -> str | None:
    """The ending that marks a finite verb's tense: "ed" (past), "s" (present, third person); None for others."""
    word = verb.lower()
    return "ed" if word.endswith("ed") else "s" if word.endswith("s") and not word.endswith("ss") else None


def _doer(text: str, question: str) -> str | None:
    """Asked "Who declined the offer?", the doer of that verb the text names: after "by" in a passive ("declined by
    the Japanese side"), else just before the verb ("Foreign Minister Kono expressed ..." -> "Kono")."""
    asked = _WHO_DID.match(question)
    if not asked:
        return None
    verb = content_stems(asked.group(1))
    if not verb:
        return None
    for m in _BY_AGENT.finditer(text):
        if content_stems(m.group(1)) == verb:
            agent = m.group(2).strip()
            name = re.sub(r"^the\s+", "", agent, flags=re.I)
            # "the Technical Steering Committee" is a name; "the Japanese side" needs its article.
            return name if all(w[:1].isupper() for w in name.split()) else agent
    for words, said in names_then_verbs(text):
        name = _untitled(words)
        if name and content_stems(said) == verb:
            return name
    # Asked who expressed something, whoever says it with another verb: "Who expressed regret ...?" and "Foreign
    # Minister Kono stated his deep regret".
    said = content_stems(" ".join(question[asked.end():].split()[:2])) if is_speech_verb(asked.group(1)) else None
    for words in speakers_of(text, said) if said else ():
        if name := _untitled(words):
            return name
    # A verb after "and" shares its subject with the verb of the same tense before it: "Ivanov also repeated his
    # request that Kono pay a visit ... and suggested a summit" (Ivanov suggested it; Kono was asked to pay a visit).
    for m in _WORD.finditer(text):
        if content_stems(m.group()) != verb or not re.search(r"\band\s+(?:also\s+)?$", text[: m.start()]):
            continue
        tense = _tense(m.group())
        subjects = [words for words, said in names_then_verbs(text[: m.start()]) if tense and _tense(said) == tense]
        if subjects and (name := _untitled(subjects[-1])):
            return name
    # A doer the text does not name: "... established that a military attache of the Russian Embassy had acted".
    for m in _WORD.finditer(text):
        if content_stems(m.group()) != verb:
            continue
        clause = _CLAUSE_START.split(text[: m.start()])[-1].strip()
        subject = _AUXILIARY_END.sub("", clause)
        if _ARTICLE_PHRASE.fullmatch(subject):
            return subject
    return None


# A name followed by the kind of thing it is: "the `'close'` event", "the Path type".
# ("the Context.get_source() method", "the getchar() function": a call's parentheses are not part of its name)
_NAME_AND_KIND = re.compile(r"""(?:[`'"“‘]+([^`'"”’\n]{1,40}?)[`'"”’]+|\b[Tt]he\s+([A-Z][\w.-]*[A-Za-z0-9_]|[A-Za-z_][\w.]*(?=\(\))|[a-z][\w+]*(?:[-_.][\w+]+)+)(?:\(\))?)\s+([a-z]+)\b""")


_TITLED_AND_KIND = re.compile(rf"\b[Tt]he\s+({_TITLED_WORD}(?:\s+{_TITLED_WORD})+)\s+([a-z]+)\b")
_KIND_NAMED = re.compile(r"""\b(?:a|an|the)\s+(?:[\w-]+\s+)?([a-z]+)\s+(?:named|called)\s+[`'"“‘]?([\w.+/-]*[\w+])""")


_KIND_THEN_CODE = re.compile(r"\b(?:the|a|an)\s+((?:[a-z]+\s+)?[a-z]+)\s+[`'\"“‘]?([A-Za-z_][\w.]*(?:\(\))?)")
_DECORATED_WITH = re.compile(r"\bdecorated\s+(?:with|by)\s+(?:the\s+)?[`'\"]?@?([A-Za-z_][\w.]*\w)")
_DECORATOR_STEMS = frozenset(content_stems("decorator"))


def _written_in(name: str, question: str, flags: int = 0) -> bool:
    """The question writes the name itself, as a word of its own (a name it gives is no answer to it)."""
    return re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", question, flags) is not None


def named_thing(text: str, thing: frozenset[str], question: str) -> str | None:
    """Asked "which event ..." (`thing`: the stems of the asked kind), the name the text gives a thing of that kind:
    "... once the `'close'` event is emitted" -> "close"; not a name the question gives itself."""
    if not thing or asks_version(question):
        return None  # (a release is found as releases are: "version 2.9.2")
    # "a command named MAKEDEV", "a file called .RData": the name given to a thing of the asked kind
    for m in _KIND_NAMED.finditer(text):
        if content_stems(m.group(1)) & thing and not _written_in(m.group(2), question, re.I):
            return m.group(2)
    # "... using the keyword argument class_": the kind, then a code name of it
    for m in _KIND_THEN_CODE.finditer(text):
        name = m.group(2)
        if content_stems(m.group(1)) & thing and re.search(r"\w[_.]|_$|\(\)|[a-z][A-Z]", name) and \
                not _written_in(name, question):
            return name
    # "... is decorated with doit.create_after": the decorator, named by what it does to the function
    if thing & _DECORATOR_STEMS:
        for m in _DECORATED_WITH.finditer(text):
            if not _written_in(m.group(1), question):
                return m.group(1)
    for m in _NAME_AND_KIND.finditer(text):
        name = (m.group(1) or m.group(2)).strip("'\"` ")
        # (the question's own word for it is no answer; "closed" in the question does not give the `'close'` event.
        # A capitalised name is the question's word only as written: "The Footnotes extension" answers "Which
        # extension adds syntax for defining footnotes?")
        if name and content_stems(m.group(3)) & thing and \
                not _written_in(name, question, 0 if name[:1].isupper() else re.I):
            return name
    # A name of capitalised words and numbers before the kind: "The Debian 9 Stretch release" for "Which release
    # ...?" (the words the question gives are the thing's context: "Debian" of "Which Debian release ...?").
    for m in _TITLED_AND_KIND.finditer(text):
        name, said = m.group(1), content_stems(question)
        if content_stems(m.group(2)) & thing and not content_stems(name) <= said:
            return name
    # A proper name that ends in the kind: "the Krasnoyarsk Agreement" for "Which agreement ...?"
    for m in NAME.finditer(text):
        name = re.sub(r"^(?:The|A|An)\s+", "", m.group())
        words = name.split()
        if len(words) > 1 and content_stems(words[-1]) & thing and not content_stems(" ".join(words[:-1])) <= \
                content_stems(question):
            # (its number is part of it: "the 8th Informal APEC Economic Leaders' Meeting")
            number = re.search(r"\b\d+(?:st|nd|rd|th)[ \t]+$", text[: m.start()])
            return f"{number.group()}{name}" if number and name == m.group() else name
    return None


_ASKS_CODENAME = re.compile(r"\bcode\s*-?\s*names?\b|\bnicknames?\b", re.I)
_VERSIONED_NAME = re.compile(r"\b[A-Z][\w-]*\s+v?\d+(?:\.\d+)*\b")


def _codename(text: str, question: str) -> str | None:
    """The name a text gives the versioned thing the question names, right after it: "Debian 1.1 Buzz", "Debian 2.0
    (Hamm)", "Debian 9 “stretch”" (a capitalised word, or any word in brackets or quotes)."""
    for asked in _VERSIONED_NAME.finditer(question):
        after = re.search(re.escape(asked.group()) + r"(?![\d.]\d)\s*([(\"“']?)\s*([A-Za-z][a-z]+)\b", text)
        if not after:
            continue
        marked, name = after.group(1), after.group(2)
        if marked or (name[0].isupper() and name.lower() not in STOPWORDS):
            return name
    return None


# A release said in a sentence, not after "version": "The current version is 2.0.0", and a change with the release it
# came or comes with, "removed in 1.6", "added in 2.0".
_RELEASE_SAID = re.compile(r"\b(?:(?:version|release)\s+(?:is|was)|(?:added|removed|introduced|deprecated|changed|dropped)"
                           r"\s+in)\s+(v?\d+(?:\.\d+)+)\b", re.I)


def _release(text: str, question: str, asked: frozenset[str]) -> str | None:
    """The release a version note or a sentence gives ("Changed in version 2.9.2: ...", "Starting with Click 3.0"),
    not one the question itself names ("... introduced in PostgreSQL 14?")."""
    spans = [(m.start(), m.group()) for m in VERSION.finditer(text)]
    spans += [(m.start(1), m.group(1)) for m in _RELEASE_SAID.finditer(text)]  # "planned to be removed in 1.6"
    spans += [(m.start(), m.group()) for m in _NAMED_RELEASE.finditer(text) if content_stems(m.group(1)) & asked]
    # A release named by its codename or its year: "the Etch (Debian 4.0) release", "the 1991 release of S",
    # "Starting with Debian Jessie" (after the product the question names).
    spans += [(m.start(), m.group(1)) for m in _THE_RELEASE.finditer(text)]
    spans += [(m.start(1), m.group(1)) for m in _CODENAME.finditer(text) if content_stems(m.group(2)) & asked]
    said = normalize_spaces(question)
    for _, phrase in sorted(spans):
        if normalize_spaces(phrase) not in said:
            return phrase
    return None


# A heading that names a release ("Upgrading to 7.0", "Version 2.3 (2019-05-02)", "Click 3.0"): the number ends it
# (a section's own number opens it: "6.8. Copyright").
_HEADING_RELEASE = re.compile(r"(?:^|(\S+)\s+)v?(\d+(?:\.\d+)+)(?:\s*\([^()]*\))?$")


# A changelog's line that opens a release's items: "4.1.0 (2018-05-27)", "Version 2.3 - 2021-02-01", "v1.2". A
# numbered section heading has words after its number ("3.2 Installing"), a release at most its date.
_RELEASE_LINE = re.compile(
    r"\s*(?:version\s+|release\s+|v)?(?P<release>\d+(?:\.\d+)+[a-z]*\d*)(?:\s*(?:\(|[-–—:]\s*)?(?P<date>\d{4}-\d{2}-\d{2}|"
    r"\d{4}/\d{2}/\d{2}|[A-Z][a-z]+\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+[A-Z][a-z]+\.?\s+\d{4}|unreleased)\)?)?\s*", re.I)


def release_line(text: str) -> tuple[str, str | None] | None:
    """The release and its date (if given) of a changelog's release line ("4.1.0 (2018-05-27)"), else None."""
    found = _RELEASE_LINE.fullmatch(strip_markup(text.strip()))
    return (found.group("release"), found.group("date")) if found else None


def heading_release(heading: str, question: str) -> str | None:
    """The release a section's heading names ("7.0" of "Upgrading to 7.0"): what its text says came with it. Not
    another product's ("Python 3.8" asked about Click), nor one the question names itself."""
    found = _HEADING_RELEASE.search(heading.strip())
    if not found:
        return None
    before, release = found.group(1), found.group(2)
    if before and before[0].isupper() and before.lower() not in ("version", "release") and \
            not content_stems(before) & content_stems(question):
        return None
    return None if re.search(rf"(?<![\w.]){re.escape(release)}(?![\w.])", question) else release


def _find(kind: str | None, text: str, question: str, term: str | None, first: bool) -> str | None:
    if kind is None:
        return None
    asked = content_stems(question)
    if kind == "name":
        agent = _doer(text, question)
        if agent and not content_stems(agent) <= asked:
            return agent
    if kind == "term" and _ASKS_CODENAME.search(question):
        codename = _codename(text, question)
        if codename:
            return codename  # "What was the code name of Debian 1.1?" and "Debian 1.1 Buzz (June 17th, 1996)"
    if kind == "term" and asks_version(question):
        release = _release(text, question, asked)
        if release or not first:
            # "Since which version ...?" is answered by a release or not at all: a name beside it answers nothing.
            # (Whether a sentence holds a phrase of the kind still counts a name: that scores sentences.)
            return release
    if kind in ("term", "how") and term:
        name = term_name(term)
        # The question's own words answer nothing, but an option or code name that only shares a stem with them
        # ("--absolute" for "... as an absolute path") is the answer, unless the question spells it out.
        own = content_stems(name) <= asked if not re.search(r"[-_./()]", name) else \
            normalize_spaces(name) in normalize_spaces(question) or _called_in(name, question)
        if own and kind == "term" and _CALL_TERM.search(term) and not re.search(
                rf"(?<![\w.]){re.escape(name)}\s*\(|`{re.escape(name)}`" +
                (rf"|(?<![\w.]){re.escape(name)}(?![\w])" if re.search(r"[_.]", name) else ""), question, re.I):
            # An entry's name is code: "Which function commits any pending transaction?" is answered by commit(),
            # a word of the question only as a verb; asked about `commit()` itself, it would be the question's own.
            own = False
        elif own and kind == "term" and _ASKS_NAMED_VALUE.search(question) and _IDENTIFIER.fullmatch(name) and \
                not re.search(rf"`{re.escape(name)}`", question):
            # ... and so is an attribute's or a field's: "Which attribute gives the final URL of a response?" is
            # answered by `url`, the entry whose name is the question's word.
            own = False
        if name and not own:
            return name
    found = _candidates(kind, text, asked) if kind == "reason" else _text_candidates(kind, text)
    if kind == "number" and _HOW_OFTEN.search(question):
        found = [(*m.span(), 1.0) for m in FREQUENCY.finditer(text)] + list(found)
    if kind == "number" and _HOW_OLD.search(question):
        found = [c for c in found if not _YEAR.fullmatch(text[c[0]:c[1]])]  # an age is no year ("died in 2015")
    role = offices = frozenset()
    person_words: dict[int, frozenset[str]] = {}
    if kind == "name":
        # The question's own names (capitalised past its first word: "Who did Kono meet?" -> kono).
        asked_names = content_stems(" ".join(re.findall(r"(?<=\s)[A-Z][\w'’-]*", question)))
        # A name made of the question's own words ("the Debian Project" in "Who started the Debian project?") is
        # the asked thing's context, not a rival: the windows below read across it.
        found = [c for c in found if not content_stems(text[c[0]:c[1]]) <= asked]
        # "Who is the Russian foreign minister?", "Which minister ...?": the question's words describe the person
        # asked for, so the titles a name holds answer to them ("Whose trip did the ministers evaluate?" does not).
        role = asked if _ASKS_ROLE.match(question) else frozenset()
        offices = role & _OFFICE_STEMS  # "Who is the President of Russia?": a president is asked for
        # Each candidate's name words, where it names a person: a title run before a name stops at another's name.
        # (Only a question that describes the person asked for reads the titles.)
        person_words = {c[0]: frozenset(n.split()) for c in found
                        if (n := _strip_titles(text[c[0]:c[1]], asked, asked_names)) and _is_person_like(n)} \
            if role else {}
    if not found:
        return None
    wants_path = _WANTS_PATH.search(question) is not None
    asks_file = _ASKS_FILE.search(question) is not None  # "Which file ...": a path answers, and nothing else
    wants_command = _WANTS_COMMAND.search(question) is not None
    question_words = normalize_spaces(question) if kind in ("term", "how") else ""
    # The neighbourhoods of the candidates are weighed unless the first that passes answers.
    starts = sorted({c[0] for c in found}) if not first or kind == "number" else []
    ends = sorted({c[1] for c in found}) if not first or kind == "number" else []
    best: tuple[float, int, str] | None = None
    for candidate in found:
        start, end = candidate[0], candidate[1]
        prior = candidate[2] if len(candidate) > 2 else 0.0
        phrase = text[start:end].strip().strip(",;:")
        if phrase.endswith(".") and not phrase.endswith("..") and "/" in phrase:
            phrase = phrase[:-1]  # "/etc/apt/sources.list." at a sentence's end: the full stop is the sentence's
        if kind in ("term", "how"):
            phrase = _MAN_REF.sub(r"\1", phrase)
        if kind == "reason" and len(phrase) > 120:
            # A long reason leads with its first clause ("argparse does not allow proper nesting of commands by
            # design" of "... by design and has some deficiencies ..."): the rest is in the quote.
            # (or up to a condition: "... implementation" of "... implementation if necessary by assigning ...")
            clause = re.match(r".{20,}?(?=,\s|\s+(?:and|but|while|whereas|if|unless|when)\s)", phrase, re.S)
            phrase = clause.group() if clause else phrase
        if kind in ("term", "how") and _REJECTED.search(text, max(start - 60, 0), start):
            continue  # the alternative the text turns down is no answer
        stems = content_stems(phrase)
        own_words = (normalize_spaces(phrase) in question_words or _called_in(phrase, question)) \
            if kind in ("term", "how") else stems <= asked
        if not phrase or (stems and own_words) or len(phrase) > 120 or not _HAS_WORD.search(phrase):
            continue  # the question's own words answer nothing
        titled = ""
        if kind == "name" and not _EMAIL.fullmatch(phrase):
            spanned = phrase
            phrase = re.sub(r"['’]s$", "", _strip_titles(phrase, asked, asked_names))  # "Putin's visit": Putin
            if not phrase:
                continue
            titled = spanned[: spanned.rfind(phrase)]  # the titles and bodies the span holds before the name
        person = kind == "name" and _is_person_like(phrase)
        if first and kind == "name" and not _EMAIL.fullmatch(phrase) and not person:
            continue  # "who" is answered by a person: a body, an event or a time ("Security Council") names none
        title: frozenset[str] = frozenset()
        if person and role and not _EMAIL.fullmatch(phrase):
            # The person's own titles are the surest words beside a name ("the Minister of Foreign Affairs of the
            # Russian Federation Igor Ivanov" for "Who is the Russian foreign minister?"); an office asked for must
            # be among the words around it ("Foreign Minister Kono" is no president).
            names = frozenset(w for at, words in person_words.items() if at != start for w in words)
            title = content_stems(_title_before(text, start, names) + " " + titled)
            around = content_stems(text[max(start - 40, 0) : start]) | content_stems(text[end : end + 40])
            if offices and not offices & (title | around):
                continue
        if first and kind != "number":
            return phrase
        if kind in ("term", "how") and wants_path and _PATH.match(phrase):
            prior += 2.0 if asks_file else 1.0
        if kind in ("term", "how") and wants_command and prior >= 1.0:  # a manual page reference
            prior += 1.0
        # The words that qualify a phrase follow it ("23:50 Japan Standard Time", "tracepath(8) command"), but
        # precede a name ("Foreign Minister Kono"); each window stops at the neighbouring candidates.
        following = bisect.bisect_left(starts, end)
        next_start = starts[following] if following < len(starts) else len(text)
        preceding = bisect.bisect_right(ends, start)
        prev_end = ends[preceding - 1] if preceding else 0
        after = _window_stems(kind, text[end : min(end + 40, next_start)]) & asked
        before = _window_stems(kind, text[max(start - 40, prev_end) : start]) & asked
        before = before | (title & role)
        near, far = (before, after) if kind == "name" else (after, before)
        if kind == "date" and _BOUND_BEFORE.search(text, 0, start):
            # "... wrote the Debian manifesto in January 1994": a date a preposition joins to the clause before it
            # dates that clause ("from 1993 to 1996, wrote ..." dates the leading, not the writing).
            near, far = before, after
        if kind == "number" and asked and not (near or far):
            continue  # "how many developers": a count of something else ("59100 packages") does not answer
        if first:
            return phrase
        counted = re.match(r"\s*([A-Za-z][\w-]*)", text[end:]) if kind == "number" else None
        if counted and content_stems(counted.group(1)) & asked:
            prior += 0.5  # the noun right after the number is what it counts ("runs on 9 architectures")
        if kind == "name" and not person:
            prior -= 1.0  # as much as one question word beside it: a person, when the quote names one, answers
        evidence = len(near) + 0.25 * len(far) + prior
        # No word of the question beside it: a person the quote names in another role ("Who offered help?" and Kono,
        # who thanked for it). A body needs more than one word beside it.
        beside = (near or far or _words_before_titles(text, start) & asked) if person else evidence > 0
        if kind == "name" and not _EMAIL.fullmatch(phrase) and not beside:
            continue
        score = evidence - 0.001 * start
        if best is None or score > best[0]:
            best = (score, start, phrase)
    return best[2] if best else None

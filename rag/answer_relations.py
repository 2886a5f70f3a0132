"""Whether a quote states the relation a question asks about, not only the things it names.

Retrieval and the answer selector reward a sentence for sharing the question's words. A question that asks for a
bound ("What is the maximum size of X?") or for the default of one thing ("What is the default timeout of
connect()?") is about a relation between those words: a sentence about X that states no bound, or the default of
another parameter of connect(), shares the words and answers nothing. When no quote states the relation, the
documents most likely do not hold the answer: the answerer lowers its confidence, and a near miss abstains.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .answer_values import asked_thing, documented_parameter
from .structure import ENTRY_KIND_WORDS
from .terms import content_stems

_UPPER = r"max|maximum|maximal|largest|biggest|highest|greatest|upper\s+(?:limit|bound)|at\s+most|ceiling"
_LOWER = r"min|minimum|minimal|smallest|lowest|fewest|oldest|earliest|lower\s+(?:limit|bound)|at\s+least|at\s+a\s+minimum"
_BOUND_WORD = rf"(?<![\w-])(?:(?P<upper>{_UPPER})|(?P<lower>{_LOWER}))(?![\w-])"
# The bound is what the question asks for: "What is the (default) maximum size ...?", "Which minimum version ...?",
# "How many X can a Y hold at most?". A bound in a condition ("Which option takes at least one value?") is not.
_ASKS_BOUND = [
    re.compile(rf"^\s*(?:what|which)(?:\s+(?:is|was|are|were|'s))?\s+(?:the\s+)?(?:default\s+)?{_BOUND_WORD}", re.I),
    re.compile(rf"^\s*how\s+(?:many|much|long|big|large|high|old|far)\b[^?]*?{_BOUND_WORD}", re.I),
]
# Any superlative asks for a bound the same way ("What is the deepest a loop may nest?", "... the widest Click will
# format?"), but not one that picks a thing by merit or by time ("the best way", "the latest release").
_SUPERLATIVE = re.compile(r"(?:^|[,;:])\s*(?:what|which)(?:\s+(?:is|was|are|were|'s))?\s+(?:the\s+)?(?:default\s+)?"
                          r"(?P<word>[a-z]{2,}est)\b", re.I)
_NOT_BOUNDS = frozenset(["best", "latest", "newest", "nearest", "fastest", "easiest", "simplest", "cheapest",
                         "safest", "quickest", "cleanest", "finest", "interest", "request", "test", "suggest",
                         "digest", "manifest", "honest", "rest", "west", "guest", "quest", "contest", "protest"])
_LEAST_WORDS = frozenset(["oldest", "earliest", "shortest", "narrowest", "slowest", "thinnest", "least"])
# What a sentence says to give a bound. Limits and ranges bound both ways; "3.7 or newer" and "Python 3.7+" state a
# least version.
_STATES_BOTH = r"limit(?:s|ed|ing|ation|ations)?|range|between\s+\S+\s+and|from\s+\S+\s+(?:to|up\s+to)|restrict(?:s|ed)?"
# ("will not format things wider than 80 characters": a most, said as what never happens)
_STATES_UPPER = (rf"{_UPPER}|up\s+to|(?:not|never|no)\b[^.;]{{0,40}}?\b(?:\w+er|more|fewer|less)\s+than|no\s+more\s+than|not\s+more\s+than|(?:cannot|can't|must\s+not|may\s+not)\s+exceed|"
                 r"exceed(?:s|ed|ing)?|capped|caps|bounded|or\s+(?:less|fewer|smaller|lower|below|earlier|older)")
_STATES_LOWER = (rf"{_LOWER}|no\s+(?:less|fewer)\s+than|or\s+(?:more|greater|larger|higher|above|later|newer)|"
                 r"and\s+(?:above|later|newer|up)|requires?|required")
# (An identifier's parts count as words: "SQLITE_MAX_COLUMN" and "max_page_count" name a most.)
_STATES = {
    "upper": re.compile(rf"(?<![^\W_]|-)(?:{_STATES_BOTH}|{_STATES_UPPER})(?![^\W_]|-)", re.I),
    "lower": re.compile(rf"(?<![^\W_]|-)(?:{_STATES_BOTH}|{_STATES_LOWER})(?![^\W_]|-)|\d\+", re.I),
}

# "What is the default timeout of psycopg2.connect()?", "What is SharedDataMiddleware's default cache timeout?":
# the thing whose default is asked, and what it belongs to.
_ASKS_DEFAULT_OF = re.compile(
    r"^\s*(?:what|which)\s+(?:is|was|are|were|'s)\s+(?:the\s+)?(?:[\w.`]+['’]s\s+)?default\s+"
    r"(?P<thing>[\w`'’-]+(?:\s+[\w`'’-]+){0,3}?)"
    r"(?:\s+(?:of|for|in|on|used|that|when|if|after|under|with)\s+(?P<owner>[^?]*))?\s*\?*\s*$", re.I)
# Words that name no particular thing: "the default value of X" asks for X's default ("the default maximum number of
# columns", for the columns' bound).
_GENERIC = frozenset(content_stems("value values setting settings option options parameter parameters argument "
                                   "arguments choice configuration number numbers maximum minimum max min"))


# Things code defines and names: "Which exception does X raise?" is answered by a name, never by prose alone.
_CODE_ENTITIES = frozenset(content_stems("function method class exception error decorator filter module attribute "
                                         "property event hook callback"))
# ... of which these are also things of the world ("Which event in Brunei was mentioned?"): code only where the
# question speaks of code (a code name, or a word of what code does with them).
_ALSO_WORLDLY = frozenset(content_stems("event attribute property module filter"))
_CODE_TOKEN = re.compile(r"[`_()]|\b\w+\.\w+\b|\b[a-z]+[A-Z]\w*")
_CODE_WORDS = re.compile(r"\b(?:emit|emits|emitted|fire|fires|fired|listener|handler|raise|raises|raised|call|calls|"
                         r"called|return|returns|returned|pass|passed|template|api|code|library|object|instance|"
                         r"import)\b", re.I)


def asks_code_name(question: str) -> bool:
    """The question asks which function, class, exception ... does something: its answer is a code name."""
    asked = asked_thing(question) & _CODE_ENTITIES
    return bool(asked - _ALSO_WORLDLY) or bool(asked) and (
        _CODE_TOKEN.search(question) is not None or _CODE_WORDS.search(question) is not None)


# "What is the capital of Russia?": the attribute asked of a thing.
_ASKS_ATTRIBUTE = re.compile(r"^\s*what(?:'s|\s+is|\s+was|\s+are|\s+were)\s+the\s+(?:[\w-]+\s+){0,2}?(?P<attribute>[\w-]+)"
                             r"\s+of\b", re.I)


# Attributes a text states by giving their value, without the word: a name, a date, a number, a reason.
_VALUE_ATTRIBUTES = frozenset(content_stems(
    "name names date dates time times day days year years month number numbers amount count value values title "
    "version type kind length duration reason cause purpose result outcome meaning role goal aim topic subject "
    "content status location place"))


def unheard_attribute(question: str, absent_terms: Iterable[str]) -> bool:
    """The question asks for an attribute of a thing ("the capital of Russia") in a word the corpus never uses: the
    documents may name the thing, but say nothing of that attribute of it."""
    match = _ASKS_ATTRIBUTE.match(question)
    if not match:
        return False
    attribute = content_stems(match.group("attribute"))
    return bool(attribute) and not attribute & _VALUE_ATTRIBUTES and attribute <= content_stems(" ".join(absent_terms))


def asked_bound(question: str) -> str | None:
    """"upper" when the question asks for a most ("maximum", "at most", "largest"), "lower" for a least, else None."""
    for pattern in _ASKS_BOUND:
        match = pattern.search(question)
        if match:
            return "upper" if match.group("upper") else "lower"
    superlative = _SUPERLATIVE.search(question)
    word = superlative.group("word").lower() if superlative else ""
    if not word or word in _NOT_BOUNDS:
        return None
    return "lower" if word in _LEAST_WORDS else "upper"


def states_bound(text: str, direction: str) -> bool:
    """The text states a bound of that direction, or a limit or range that bounds both."""
    return _STATES[direction].search(text) is not None


def asked_default_thing(question: str) -> str | None:
    """The stem of the thing a "What is the default X (of Y)?" question asks the default of: "timeout" for "the
    default connection timeout of connect()"; for "the default value of R's digits option", "digit"."""
    match = _ASKS_DEFAULT_OF.match(question)
    if not match:
        return None
    # ("the default value of the encoding parameter of get_text_stream()": the owner's own owner is no thing asked)
    # (nor is what it is used for or when: "worker processes used for parallel runs" asks about processes)
    owner = re.split(r"\s+(?:of|for|in|on|used|that|when|if|after|under|with)\s+", match.group("owner") or "",
                     maxsplit=1)[0]
    for phrase in (match.group("thing"), owner):
        for word in reversed(phrase.split()):
            # (an identifier's parts: "SESSION_COOKIE_NAME" is said by "the session cookie's name")
            stems = _stems_of(re.sub(r"['’]s$", "", word.strip("`'’")))
            if stems and not stems <= _GENERIC:
                return min(stems)
    return None


def _stems_of(text: str) -> frozenset[str]:
    """The text's stems with identifiers split at their joins: "cache_timeout" holds "timeout"."""
    return content_stems(re.sub(r"[_.]|(?<=[a-z])(?=[A-Z])", " ", text))


# "... parameter of click.get_text_stream": the entry a parameter asked about belongs to.
_PARAMETER_OWNER = re.compile(r"\s+(?:of|to|for|in)\s+(?:the\s+)?`?([A-Za-z_][\w.]*)")
_SIGNATURE_NAME = re.compile(rf"\s*(?:(?:class|exception|def|async|{ENTRY_KIND_WORDS})\s+){{0,2}}@?([A-Za-z_][\w.]*)\(")


def _of_owner(text: str, owner: re.Match[str] | None) -> bool:
    """Whether a text that gives a parameter its default is the asked entry's: a signature of another entry is not
    ("click.confirm(text, abort=False)" for the abort parameter of click.unstyle)."""
    signature = _SIGNATURE_NAME.match(text)
    if owner is None or signature is None:
        return True
    return signature.group(1).split(".")[-1] == owner.group(1).rstrip(".").split(".")[-1]


# "the encoding parameter", "the `nl` argument": a parameter asked about by its name.
_ASKED_PARAMETER = re.compile(r"\bthe\s+`?([A-Za-z_]\w*)`?\s+(?:parameter|argument|keyword argument|kwarg)\b", re.I)
_KEYWORD_VALUE = re.compile(r"([A-Za-z_][\w.]*)\s*=\s*[^\s=]")


def _gives_default(text: str, thing: str) -> bool:
    """The text names the thing and gives a default: in words ("defaults to", "by default") or as a signature
    gives one to a parameter named after it ("cache_timeout=300", not "description=None")."""
    if thing not in _stems_of(text):
        return False
    return re.search(r"\bdefault", text, re.I) is not None or any(
        thing in _stems_of(m.group(1)) for m in _KEYWORD_VALUE.finditer(text))


def unstated_relation(question: str, quoted: Iterable[str]) -> bool:
    """The question asks for a bound or for one thing's default, and none of the quoted texts states it."""
    texts = list(quoted)
    direction = asked_bound(question)
    if direction and not any(states_bound(text, direction) for text in texts):
        return True
    thing = asked_default_thing(question)
    parameter = _ASKED_PARAMETER.search(question)
    if thing is not None and parameter:
        # "the default value of the device parameter of dev.set": the default of that parameter, as a signature
        # gives it ("device=NULL") or its own line says it; a device's "default set of parameters" is not it.
        name = parameter.group(1)
        owner = _PARAMETER_OWNER.match(question, parameter.end())
        return not any(re.search(rf"(?<![\w.]){re.escape(name)}\s*=\s*[^\s=]", text) and _of_owner(text, owner) or
                       documented_parameter(text) == name and "default" in text.lower() for text in texts)
    # The thing named is not enough: "408 Request Timeout" names a timeout and gives it no default.
    return thing is not None and not any(_gives_default(text, thing) for text in texts)

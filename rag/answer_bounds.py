"""Whether a question asks for a bound (the largest or smallest value allowed) and whether a text states one.

A question that asks for a maximum or a minimum ("What is the largest value X can be set to?", "How much memory does
R need at a minimum?") is answered only by a sentence that states a bound in that direction ("at most 128", "up to
1024", "a maximum of 10", "at least 6 characters"). Documentation that describes the thing without its limits
("The historySize option can be 0 now.") matches the question's words well and still does not answer it, which is
what the answerer's confidence must see. Words inside names are not read as bounds: `--max-old-space-size` and
`MAX_PATH` name a thing, they do not ask for its maximum.
"""

from __future__ import annotations

import re

# A word of a bound, not part of a name: no letter, digit, "-", "_" or "." touching it on either side.
_EDGE_BEFORE, _EDGE_AFTER = r"(?<![\w.-])", r"(?![\w-])"


def _words(alternatives: str) -> re.Pattern[str]:
    return re.compile(_EDGE_BEFORE + "(?:" + alternatives + ")" + _EDGE_AFTER, re.I)


# What a question says to ask for a bound. "most" and "least" alone are left out: "most recently", "the most common".
_ASKS_UPPER = _words(r"max|maximum|maximal|largest|biggest|highest|greatest|longest|upper\s+(?:limit|bound)|at\s+most|"
                     r"(?:how|what)\s+(?:large|big|high|long)\s+(?:can|may|could)")
_ASKS_LOWER = _words(r"min|minimum|minimal|smallest|lowest|shortest|fewest|lower\s+(?:limit|bound)|at\s+(?:a\s+)?least|"
                     r"at\s+a\s+minimum")
# How a text states one: the same words, and the ways prose puts a limit ("up to 8", "no more than", "limited to").
_STATES_UPPER = _words(r"max|maximum|maximal|largest|biggest|highest|greatest|longest|most|upper|up\s+to|"
                       r"(?:no|not|never)(?:\s+be)?\s+(?:more|larger|bigger|greater|higher|longer)\s+than|"
                       r"exceed(?:s|ed|ing)?|limit(?:s|ed)?|cap(?:s|ped)?|ceiling")
_STATES_LOWER = _words(r"min|minimum|minimal|smallest|lowest|shortest|fewest|least|lower|floor|or\s+more|"
                       r"(?:no|not|never)(?:\s+be)?\s+(?:less|fewer|smaller|shorter|lower)\s+than")


def asked_bound(question: str) -> str | None:
    """"upper" when the question asks for the largest value allowed, "lower" for the smallest, else None (both
    asked, as in "the minimum and maximum", counts as upper: a text stating either is checked for that one)."""
    if _ASKS_UPPER.search(question):
        return "upper"
    if _ASKS_LOWER.search(question):
        return "lower"
    return None


def states_bound(text: str, bound: str) -> bool:
    """Whether the text states a bound of that direction ("upper" or "lower")."""
    return (_STATES_UPPER if bound == "upper" else _STATES_LOWER).search(text) is not None

"""What kind of answer a question asks for, from its wording alone: the rows of `rag eval`'s by-type table."""

from __future__ import annotations

import re

# In the order reports list them; `other` is everything the rules below do not recognise.
QUESTION_TYPES = ("who", "when", "how long", "how many", "which", "what does", "why", "how to", "other")

_INTERROGATIVES = frozenset({"who", "whom", "whose", "when", "where", "which", "what", "what's", "why", "how"})
# A clause ends at punctuation followed by a space (not the dots of "modules.dep" or "2.6.30").
_CLAUSE_END = re.compile(r"[,;:.!?]+(?:\s+|$)")
# The interrogative may follow a short lead-in: "In which year", "Roughly how many", "To whom".
_LEAD_IN_WORDS = 2
_AUXILIARY = r"(?:does|do|did|is|are|was|were|has|have|had|can|could|should|would|will|must|might)\b"
_PRONOUN = r"(?:i|you|we|they|he|she|it)\b"
# Nouns that name a kind of thing to pick, common in technical questions: "What command rebuilds it?"
_THING_NOUN = (r"(?:command|file|package|tool|program|function|method|class|module|library|option|flag|setting"
               r"|variable|key|port|group|directory|folder|service|daemon|field)s?\b")
_TIME_NOUN = r"(?:time|date|year|day|month|week|hour|deadline)s?\b"

# First match wins, tried on the clause from its interrogative on, lowercased. The order is the point:
# "how long" before "how to", "what time" before "what is", "which year" before "which".
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple((name, re.compile(pattern)) for name, pattern in (
    ("who", r"^(?:who|whom|whose)\b"),
    ("when", r"^when\b|^(?:what|which)(?:'s|\s+(?:is|was|are|were))?\s+(?:(?:the|a|an)\s+)?(?:[\w-]+\s+)?"
             + _TIME_NOUN),
    ("how long", r"^how\s+(?:long|much\s+time)\b"),
    ("how many", r"^how\s+(?:many|much)\b"),
    # "What command should I run" asks to pick one thing, as "which command" does; "what did X say" does not.
    ("which", r"^which\b|^what\s+" + _THING_NOUN
              + r"|^what\s+(?:(?:kind|sort|type)\s+of\s+)?(?!" + _AUXILIARY + "|" + _PRONOUN + ")"
              + r"[\w'-]+(?:\s+[\w'-]+)?\s+" + _AUXILIARY),
    # "What does X do / mean / stand for", "what is X for", and "what is X" for a short X (a definition);
    # "what do I type" asks for an instruction, and "what is the default root password" for a value.
    ("what does", r"^what\s+(?:does|do)\s+(?!(?:i|we|you)\b)"
                  r"|^what(?:'s|\s+is|\s+are)\s+.*\bfor\W*$"
                  r"|^what(?:'s|\s+is|\s+are)\s+(?:(?:the|a|an)\s+)?\S+(?:\s+\S+){0,2}\W*$"),
    ("why", r"^why\b"),
    ("how to", r"^how\s+to\b|^how\s+(?:do|does|can|could|should|would|might|must|am)\s+(?:i|we|you|one)\b"),
))


def _question_clause(question: str) -> str | None:
    """The last clause that starts (after at most a short lead-in) with an interrogative, from that word on.

    The last, so that a preamble ("When I boot, the screen goes black. How do I fix it?") does not decide.
    """
    found = None
    for clause in _CLAUSE_END.split(question.lower().replace("\u2019", "'")):
        words = clause.split()
        for i, word in enumerate(words[: _LEAD_IN_WORDS + 1]):
            if word.strip("\"'(") in _INTERROGATIVES:
                found = " ".join(words[i:])
                break
    return found


def question_type(question: str) -> str:
    """One of QUESTION_TYPES; a question with no interrogative ("Is there ...?", "Did ...?") is `other`."""
    clause = _question_clause(question)
    if clause is None:
        return "other"
    for name, pattern in _RULES:
        if pattern.search(clause):
            return name
    return "other"

"""A person the question names by part of their name, and the fuller name the documents introduce them by.

A text introduces a person once in full, often with their office ("the Minister of Foreign Affairs of the Russian
Federation Igor Sergeyevich Ivanov"), and then says "Foreign Minister Ivanov" or "he". Asked "Who is Ivanov?",
"What is Ivanov's full name?" or "What is his first name?", that introduction answers, however few of the question's
words it shares: the sentence that holds the fullest form of the name is quoted, and the answer leads with the
name, the part of it asked for, or the office written before it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .answer_phrases import _TITLES, NAME, _is_person_like, _strip_titles, title_run
from .terms import content_stems

# The part of a name asked for, by the words that ask for it.
_PARTS = {"full": "full", "complete": "full", "first": "first", "given": "first", "christian": "first",
          "fore": "first", "middle": "middle", "last": "last", "family": "last", "sur": "last"}
_PART = r"(?P<part>full|complete|first|given|christian|middle|last|family)\s+name|(?P<joined>sur|fore)name"
_COPULA = r"^\W*what(?:'s|\s+(?:is|was|are|were))\s+"
# "What is Ivanov's first name?", "What was the Russian minister's full name?"
_POSSESSIVE = re.compile(_COPULA + r"(?P<whose>.+?)['’]s?\s+(?:" + _PART + r")\W*$", re.I)
# "What is the first name of Ivanov?", "What is the surname of the Russian foreign minister?"
_PART_OF = re.compile(_COPULA + r"the\s+(?:" + _PART + r")\s+of\s+(?P<whose>.+?)\W*$", re.I)
# "Who is Ivanov?", "Who was Foreign Minister Igor Ivanov?": a name, and nothing else, after the copula.
_WHO_IS = re.compile(r"^\W*who(?:'s|\s+(?:is|was))\s+(?P<whose>[A-Za-z][\w.'’-]*(?:\s+[A-Za-z][\w.'’-]*){0,4})\W*$",
                     re.I)
_NAMED = re.compile(r"[A-Z][\w.'’-]*(?:\s+(?:(?:de|da|van|von|der|bin|al)\s+)?[A-Z][\w.'’-]*){0,4}")


@dataclass(frozen=True)
class AskedName:
    """`part`: "full", "first", "middle", "last", or "who" (what the person is); `person`: the lower-case words of
    the name the question gives, titles dropped (empty when it describes the person instead: "the Russian foreign
    minister"); `description`: the words that describe them then."""

    part: str
    person: tuple[str, ...]
    description: str = ""


def asked_name(question: str) -> AskedName | None:
    """The person a question asks about by name, and what it asks of their name; None for other questions."""
    found = _POSSESSIVE.match(question) or _PART_OF.match(question)
    if found:
        part = _PARTS[(found.group("part") or found.group("joined")).lower()]
        whose = found.group("whose").strip()
        person = _person_words(whose)
        return AskedName(part, person, "" if person else whose)
    found = _WHO_IS.match(question)
    if found:
        # (lower case typed in a hurry is a name too, when it names no one's office: "who is ivanov")
        person = _person_words(found.group("whose"), typed_lower=True)
        return AskedName("who", person) if person else None
    return None


def name_part_asked(question: str) -> str | None:
    """The part of a name a question asks for by a description of the person ("the first name of the Russian foreign
    minister"): "first", "middle" or "last"; None when it asks for the whole name or names the person."""
    asked = asked_name(question)
    return asked.part if asked and not asked.person and asked.part in ("first", "middle", "last") else None


def without_part_frame(question: str) -> str:
    """The question asked of the whole name: "What is the Russian minister's first name?" -> "What is the full name
    of the Russian minister?" (the answerer finds the person as for any name, then cuts out the part asked). A question
    that names the person is kept as it is."""
    asked = asked_name(question)
    if asked is None or asked.part == "who" or asked.person:
        return question
    return f"What is the full name of {asked.description}?"


def _person_words(text: str, typed_lower: bool = False) -> tuple[str, ...]:
    """The words of a name with the titles in front dropped ("Foreign Minister Kono" -> ("kono",)); () for a
    description ("the Russian foreign minister", "his")."""
    text = re.sub(r"^(?:the|a|an)\s+", "", text.strip(), flags=re.I)
    # (typed in lower case, a name has no small words: "who is the author of this document" names no one)
    if not (_NAMED.fullmatch(text) or typed_lower and re.fullmatch(r"[a-z][\w'’-]*(?:\s+[a-z][\w'’-]*){0,3}", text)
            and all(content_stems(w) for w in text.split())):
        return ()
    words = [w.lower() for w in text.split()]
    while words and words[0] in _TITLES:
        words.pop(0)
    return tuple(words)


def names_of_people(text: str) -> Iterable[tuple[int, int, str]]:
    """Each person's name of two words or more the text writes, without the titles and bodies before it: (start,
    end, name) for "Minister of Foreign Affairs of the Russian Federation Igor Sergeyevich Ivanov" ->
    "Igor Sergeyevich Ivanov"."""
    for m in NAME.finditer(text):
        name = re.sub(r"['’]s?$", "", _strip_titles(m.group(), frozenset(), frozenset()))
        if len(name.split()) >= 2 and _is_person_like(name):
            end = m.start() + m.group().rfind(name) + len(name)
            yield end - len(name), end, name


def fullest_name(person: tuple[str, ...], texts: Iterable[str]) -> str | None:
    """The longest name of a person the texts write that holds the asked words in order ("Igor Sergeyevich Ivanov"
    for ("ivanov",) or ("igor", "ivanov")); None when none holds them."""
    best: str | None = None
    for text in texts:
        for _, _, name in names_of_people(text):
            words = [w.lower() for w in name.split()]
            if _in_order(person, words) and (best is None or len(words) > len(best.split())):
                best = name
    return best


def _in_order(wanted: tuple[str, ...], words: list[str]) -> bool:
    remaining = iter(words)
    return bool(wanted) and all(any(w == word for word in remaining) for w in wanted)


def name_part(name: str, part: str) -> str | None:
    """The part of a full name asked for: "first" (the first word), "last" (the last), "middle" (those between);
    None when the name has no such part (a name of two words has no middle one)."""
    words = name.split()
    if part == "full":
        return name
    if part == "first" and len(words) >= 2:
        return words[0]
    if part == "last" and len(words) >= 2:
        return words[-1]
    if part == "middle" and len(words) >= 3:
        return " ".join(words[1:-1])
    return None


def introduction(text: str, name: str) -> str | None:
    """The office written before a person's full name, with the name, as the text has it: "the Minister of Foreign
    Affairs of the Russian Federation Igor Sergeyevich Ivanov" (None when no title stands before it)."""
    at = text.find(name)
    if at < 0:
        return None
    run = title_run(text, at)
    # The run starts at an office or an article ("Appraisal of President" -> "President").
    while run and run[0].group().lower() not in _TITLES and run[0].group().lower() != "the":
        run.pop(0)
    if not any(t.group().lower() in _TITLES for t in run):
        return None
    return text[run[0].start() : at + len(name)]

"""Signals of a candidate sentence that look past its own words: the section it sits in, the question it answers.

Plain text properties, no model: the answerer (rag/answer.py) weighs them with the others (rag/answer_weights.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

from .terms import content_stems

# A sentence that asks: "?" last, "!?" and "?!" too, a closing quote or bracket aside.
_ASKS = re.compile(r"\?[!?]*[\"'”’)\]]*$")


# "What did Ivanov say about ...": a question that asks what one named person said, asked or did in words.
_SPEECH = (r"say|said|state|stated|note|noted|ask|asked|propose|proposed|suggest|suggested|express|expressed|request|"
           r"requested|want|wanted|think|thought|consider|considered|describe|described|declare|declared|regret|"
           r"regretted|add|added|agree|agreed|repeat|repeated|reply|replied|respond|responded|mention|mentioned|"
           r"announce|announced|claim|claimed|argue|argued|promise|promised|hope|hoped|urge|urged|stress|stressed|"
           r"welcome|welcomed|thank|thanked|nod|nodded|explain|explained|react|reacted|comment|commented")
_ASKED_SPEAKER = re.compile(r"\b(?:did|does|do|has|had|will|would)\s+(?:[A-Z][\w'’-]*\s+){0,3}?([A-Z][\w'’-]+)\s+"
                            r"(?:(?:also|then|first|again)\s+)?(?:" + _SPEECH + r")\b")
_SPEECH_VERBS = frozenset(_SPEECH.split("|"))
# "Ivanov's response", "Kono's view": a person's words, asked by the name of what they said.
_SPEAKERS_WORDS = re.compile(r"\b([A-Z][\w-]*[a-z][\w-]*)['’]s\s+(?:(?:first|initial|own|official)\s+)?(?:response|reaction|"
                             r"reply|answer|view|views|position|stance|opinion|comment|comments|remarks?|statements?|"
                             r"words|proposal|request|suggestion|assessment|appraisal)\b")
# A name and the verb right after it ("Foreign Minister Kono expressed ...", "Ivanov also repeated ..."): who does
# what, as a record of a meeting says it. The name's last word has a lower-case letter (not "UN", "HTTP").
_NAME_THEN_VERB = re.compile(r"\b((?:[A-Z][\w'’-]*\s+){0,3}[A-Z][\w'’-]*[a-z][\w'’-]*)\s+"
                             r"(?:(?:also|then|further|again|first|had|has|have|would|will)\s+)?([a-z]+)\b")
_AFTER_PREPOSITION = re.compile(r"\b(?:in|at|on|of|from|to|by|for|with|into|near|across)\s+(?:the\s+)?$", re.I)
# "He noted ..." for the one who spoke in the sentence before.
_PRONOUN_SPEAKER = re.compile(r"^\W*(?:\d+\.\s+)?(?:he|she)\s+(?:(?:also|then|further|again|had|has)\s+)?(?:"
                              + _SPEECH + r")\b", re.I)


# "Which body released this summary?", "When was the outline published?": the document's own making, which its
# front matter (the lines under its title: a date, an issuer, an author) states.
# ("Which version of the standard is this?": its version line is front matter too)
_MADE = re.compile(r"\b(?:publish|releas|issu|prepar|writ|wrote|author|dated|compil|produc|maintain)\w*\b|"
                   r"\b(?:date|version|edition|revision)\b", re.I)
_THE_DOCUMENT = re.compile(r"\b(?:this|the)\s+(?:[\w-]+\s+){0,2}?(?:document|summary|outline|report|page|notice|"
                           r"statement|release|text|article|paper|record|minutes|memo|announcement|letter|guide|manual|"
                           r"standard|specification|spec|handbook|book|faq|tutorial|howto)s?\b", re.I)


# "What does the next statement do (inside a loop)?", "What is an R list?": the thing asked about.
_ASKED_THING = re.compile(r"^\W*what\s+(?:does|do|is|are)\s+(.+?)\s+(?:do|mean|for)\b|^\W*what\s+(?:is|are)\s+(.+?)\W*$",
                          re.I)
# What a sentence says its subject does: "X can be used to ...", "X is used for ...", "X returns ...".
_DESCRIBES = re.compile(r"^\s*(?:(?:can|may|will)\s+be\s+used|is\s+used|are\s+used|is\s+an?|are|is|returns?|makes?|lets?|"
                        r"allows?|causes?|gives?|provides?|ensures?|prevents?|enables?|disables?|controls?|specifies|"
                        r"sets?|turns?|tells?|creates?|removes?|stops?|starts?|skips?|terminates?|discontinues?)\b", re.I)


def asked_thing_text(question: str) -> str:
    """The thing a "what does X do" / "what is X" question asks about ("the next statement"), or ""."""
    found = _ASKED_THING.match(question.strip())
    return (found.group(1) or found.group(2)) if found else ""


@dataclass(frozen=True)
class DescribedThing:
    """What a sentence must open with to describe the asked thing: its word stems and keywords, its symbols."""

    wanted: frozenset[str]
    keywords: frozenset[str]
    symbols: tuple[str, ...]
    codes: frozenset[str] = frozenset()  # its words with symbols ("--amend"): words of the sentence, not parts of one


# What may stand around a word of code in a sentence: quotes, brackets, a full stop after it.
_AROUND = "\"'`‘’“”()[],.;:"


def described_thing(thing: str, keywords: frozenset[str] = frozenset()) -> DescribedThing | None:
    """The parts of the asked thing (`asked_thing_text`) a describing sentence opens with: every content word's stem, a
    stopword naming code among `keywords` ("the with statement"), an operator's symbols ("<<-"); None when it has none."""
    wanted = content_stems(thing) | {k for k in keywords if re.search(rf"\b{re.escape(k)}\b", thing, re.I)}
    symbols = tuple(re.findall(r"[^\w\s'\"`‘’“”]{2,}", thing))
    # ("--fixup=amend:<commit>" holds "--" and "amend" and is another option than "--amend")
    # (a hyphen inside a word, "built-in", is no code)
    codes = frozenset(w.strip(_AROUND) for w in thing.split() if re.search(r"[^\w\s'\"`‘’“”-]|^-", w.strip(_AROUND)))
    return DescribedThing(wanted, keywords, symbols, codes) if wanted or symbols else None


_PREPOSITIONS = frozenset(["to", "of", "for", "from", "by", "with", "on", "at", "into", "about"])


def describes(text: str, thing: DescribedThing) -> bool:
    """The sentence opens with the asked thing, every word of it, and then says what it does or is."""
    wanted, keywords, symbols = thing.wanted, thing.keywords, thing.symbols
    words = text.split()
    held: set[str] = set()
    opened: set[str] = set()
    for n, word in enumerate(words[:8], start=1):
        if not held & wanted and word.lower() in _PREPOSITIONS:
            return False  # "The arguments to FrozenDict are ...": the thing is no subject, the arguments are
        held |= content_stems(word)  # (word by word: a word's stems are remembered, a new opening's would not be)
        held |= {k for k in keywords if re.search(rf"\b{re.escape(k)}\b", word, re.I)}
        opened.add(word.strip(_AROUND))
        if wanted <= held and all(sym in " ".join(words[:n]) for sym in symbols) and thing.codes <= opened:
            return _DESCRIBES.match(" ".join(words[n:])) is not None
    return False


def asks_about_document(question: str, titles: Collection[str] = ()) -> bool:
    """The question asks who made the document, when, or which version it is ("Which government body released this
    meeting summary?"); the document may be named by its title or the title's initials (`titles`: those of the
    documents read; "When was FHS 3.0 published?" of the "Filesystem Hierarchy Standard")."""
    if _MADE.search(question) is None:
        return False
    return _THE_DOCUMENT.search(question) is not None or any(_names_title(question, t) for t in titles)


def _names_title(question: str, title: str) -> bool:
    words = re.findall(r"[A-Za-z]\w*", title)
    if len(words) < 2:
        return False  # one word ("Options") names a topic as often as the document
    initials = "".join(w[0] for w in words if w[0].isupper())
    asked = " ".join(question.lower().split())
    return " ".join(w.lower() for w in words) in asked or \
        len(initials) >= 2 and re.search(rf"\b{initials}\b", question) is not None


def front_matter(sentences: Sequence[_Sentence], gap: Callable[[int, int], str], first_passage: bool) -> set[int]:
    """The positions of the lines under a document's title, before its first sentence of prose: a passage that opens
    the document starts with its title; the short one-line sentences after it that no full stop ends are its
    front matter ("15 September 2000", "Ministry of Foreign Affairs")."""
    if not first_passage:
        return set()
    out = set()
    for i in range(1, len(sentences)):
        text = sentences[i].text.strip()
        if "\n" in text or len(text) > 80 or text[-1:] in ".:;?!" or "\n" not in gap(i - 1, i):
            break
        out.add(i)
    return out


def asked_speaker(question: str) -> str | None:
    """The person whose words a question asks for ("What did Ivanov say about ...?", "What was Ivanov's response
    to ...?" -> "ivanov"), or None."""
    m = _ASKED_SPEAKER.search(question) or _SPEAKERS_WORDS.search(question)
    return m.group(1).lower() if m else None


def names_then_verbs(text: str) -> list[tuple[list[str], str]]:
    """Each name a verb follows in `text`: (the name's words, the verb). A name after a preposition is no subject:
    in "an attache of the Embassy in Japan had acted", Japan did not act."""
    return [(words, verb) for words, verb, _ in _names_then_verbs_at(text)]


def is_speech_verb(word: str) -> bool:
    """A verb of saying ("expressed", "stated", "noted", ...)."""
    return word.lower() in _SPEECH_VERBS


def speakers_of(text: str, said: frozenset[str]) -> list[list[str]]:
    """The names that say something in `text` whose next few words hold one of the stems `said` ("Foreign
    Minister Kono stated his deep regret" for {"regret"}): who expressed regret, whatever the verb of speech."""
    return [words for words, verb, end in _names_then_verbs_at(text)
            if verb in _SPEECH_VERBS and said & content_stems(" ".join(text[end:].split()[:5]))]


def _names_then_verbs_at(text: str) -> list[tuple[list[str], str, int]]:
    return [(m.group(1).split(), m.group(2), m.end()) for m in _NAME_THEN_VERB.finditer(text)
            if not _AFTER_PREPOSITION.search(text, 0, m.start())]


def speakers(sentences: Sequence[_Sentence], gap: Callable[[int, int], str]) -> list[str | None]:
    """Each sentence's speaker (lowercased): the one it names before a speech verb; for "He noted ..." or a
    sentence naming none ("However, it was noted that ..."), the speaker of the sentence before in its paragraph;
    else None."""
    out: list[str | None] = []
    for i, sentence in enumerate(sentences):
        said = [] if _PRONOUN_SPEAKER.match(sentence.text) else [
            name[-1].lower() for name, verb in names_then_verbs(sentence.text) if verb in _SPEECH_VERBS]
        if said:
            out.append(said[0])
        else:
            out.append(out[-1] if i > 0 and "\n\n" not in gap(i - 1, i) else None)
    return out


class _Sentence(Protocol):
    @property
    def text(self) -> str: ...
    @property
    def similarity(self) -> float: ...


def section_heading(context: str) -> str:
    """The innermost heading of a passage's context ("Title > Chapter > Section" -> "Section"): the passage lies
    wholly in that section (rag/split.py never lets one cross a heading)."""
    return context.rsplit(" > ", 1)[-1].strip() if context else ""


def heading_overlap(terms: frozenset[str], context: str) -> float:
    """The share of the question's terms that the heading of the sentence's own section holds: a sentence under
    "`timeout.unref()`" is about what "What does timeout.unref() do?" asks, one under "`timeout.ref()`" less so."""
    if not terms:
        return 0.0
    return len(terms & content_stems(section_heading(context))) / len(terms)


def is_question_line(sentences: Sequence[_Sentence], i: int, gap: Callable[[int, int], str]) -> bool:
    """Sentence i asks rather than answers: it ends in a question mark, or it is an FAQ entry's own line ending in
    "!" (a line of its own, its answer on the next line: "I receive the error ... and can't do anything else!").
    A "!" inside a paragraph is advice ("Never run it as root!"), which does answer."""
    text = sentences[i].text.strip()
    if _ASKS.search(text):
        return True
    if _sets_up_question(sentences, i, gap):
        return True
    if not text.endswith("!") or "\n" in text or i + 1 >= len(sentences):
        return False
    on_its_own = i == 0 or "\n\n" in gap(i - 1, i)
    return on_its_own and gap(i, i + 1).count("\n") == 1


def _sets_up_question(sentences: Sequence[_Sentence], i: int, gap: Callable[[int, int], str]) -> bool:
    """Sentence i opens a line whose question follows it on the same line, as an FAQ entry's may ("I've made a
    mistake in the last commit. How do I change it?"): it is part of what is asked, not an answer."""
    if i + 1 >= len(sentences) or "\n" in gap(i, i + 1) or "\n" in sentences[i].text.strip():
        return False
    if i > 0 and "\n" not in gap(i - 1, i):
        return False  # inside a paragraph: a statement before a question the text asks itself
    question = sentences[i + 1].text.strip()
    line_ends = i + 2 >= len(sentences) or "\n" in gap(i + 1, i + 2)
    return bool(_ASKS.search(question)) and line_ends and "\n" not in question


def question_lines(sentences: Sequence[_Sentence], gap: Callable[[int, int], str]) -> set[int]:
    """The positions of the sentences that ask (is_question_line)."""
    return {i for i in range(len(sentences)) if is_question_line(sentences, i, gap)}


def answered_match(sentences: Sequence[_Sentence], gap: Callable[[int, int], str], asking: Collection[int]
                   ) -> dict[int, float]:
    """For each sentence that answers a question line above it, that question's similarity to the asked question.

    A question in the documents (an FAQ's heading, a `<dt>`, a question in a paragraph) matches the user's best
    because it restates it, yet its answer is what follows: the sentences after it, to the end of the first
    paragraph after it or the next question, match as well as it does."""
    out: dict[int, float] = {}
    asked: dict[int, float] = {}  # how well each question matches, with the sentence before it on its line
    for i in sorted(asking):
        asked[i] = sentences[i].similarity
        if i - 1 in asked and "\n" not in gap(i - 1, i):
            asked[i] = max(asked[i], asked[i - 1])  # "I've made a mistake in the last commit." + "How do I ...?"
        j = i + 1
        while j < len(sentences) and j not in asking:
            out[j] = max(out.get(j, 0.0), asked[i])
            if j + 1 < len(sentences) and "\n\n" in gap(j, j + 1):
                break  # the answer's paragraph ends
            j += 1
    return out

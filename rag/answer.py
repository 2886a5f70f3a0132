"""Extractive answers: pick the sentences that answer the question and cite their exact spans."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .keyword import keyword_terms
from .records import Answer, Citation, Hit, ScoredSentence

NO_ANSWER = "The documents do not contain an answer to this question."

_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_NUMBER_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|million|billion|half|dozen"
_DURATION = re.compile(r"\b(\d+([.,]\d+)?|" + _NUMBER_WORDS + r")\s*(-\s*)?(second|minute|hour|day|week|month|year|decade)s?\b", re.I)
_NUMBER = re.compile(r"\b\d[\d,.]*\b|\b(" + _NUMBER_WORDS + r")\b", re.I)
_DATE = re.compile(r"\b(\d{1,2}:\d{2}|1\d{3}|20\d{2}|" + _MONTHS + r"|mid-\w+|(early|late) \w+)\b", re.I)
_PROPER_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+")

# What kind of phrase a question asks for, and how to recognise one in a sentence.
_ANSWER_TYPES: list[tuple[re.Pattern[str], re.Pattern[str]]] = [
    (re.compile(r"\bhow (long|much time)\b|\bfor how\b|\bduration\b", re.I), _DURATION),
    (re.compile(r"\bhow (many|much)\b|\bwhat (number|percentage|share)\b", re.I), _NUMBER),
    (re.compile(r"\bwhen\b|\b(what|which) (date|time|year|day|month)s?\b", re.I), _DATE),
    (re.compile(r"\bwho\b|\bwhom\b|\bwhose\b", re.I), _PROPER_NAME),
]
_LIST_MARKER = re.compile(r"^\s*(?:[-*•]|\d{1,3}[.)]|\(\w{1,3}\))\s+")
_NAME_LIKE = re.compile(r"^(?:.*[A-Z].*|.*\d.*[a-z].*|.*[a-z].*\d.*)$")
_SUFFIXES = ("ings", "ing", "edly", "ed", "es", "s", "ly")


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def word_stems(text: str) -> set[str]:
    """Crudely stemmed lowercase words, for overlap between a question (or claim) and a sentence."""
    return {_stem(t) for t in re.findall(r"\w+", text.lower())}


def _content_stems(text: str) -> set[str]:
    return {_stem(t) for t in keyword_terms(text) if not t.isdigit()}


@dataclass(frozen=True)
class AnswerConfig:
    threshold: float
    max_sentences: int = 3
    # Sentences within this score of the best one join the answer (up to max_sentences).
    join_margin: float = 0.04
    similarity_weight: float = 0.6
    overlap_weight: float = 0.25
    passage_weight: float = 0.15
    answer_type_penalty: float = 0.1
    answer_type_bonus: float = 0.05
    heading_penalty: float = 0.1
    # A sentence that only repeats the question's words (an echoing heading, say) answers nothing.
    echo_penalty: float = 0.15
    # Question-level evidence that the corpus cannot answer: it names something the corpus never mentions.
    absent_name_penalty: float = 0.15


@dataclass(frozen=True)
class _Candidate:
    hit: Hit
    sentence: ScoredSentence
    score: float


def _normalize(text: str) -> str:
    return " ".join(text.split()).lower()


def _looks_like_heading(text: str, headings: set[str]) -> bool:
    """A title, section heading or lead-in line: quoting it answers nothing."""
    stripped = text.strip()
    if stripped.endswith(":"):
        return True
    if re.search(r"""[.!?)"'”]$""", stripped):
        return False
    normalized = _normalize(stripped)
    return len(stripped) < 90 or any(normalized.startswith(h) for h in headings)


class ExtractiveAnswerer:
    """No model beyond the embedder: the answer is the best-supported sentences, quoted exactly."""

    def __init__(self, config: AnswerConfig) -> None:
        self.config = config

    def score_sentences(self, question: str, hits: Sequence[Hit]) -> list[_Candidate]:
        cfg = self.config
        terms = {_stem(t) for t in keyword_terms(question)}
        wanted = [pattern for q, pattern in _ANSWER_TYPES if q.search(question)]
        top_passage = max((h.score for h in hits), default=0.0) or 1.0
        seen: set[tuple[str, int, int]] = set()
        out: list[_Candidate] = []
        for hit in hits:
            context_stems = word_stems(hit.passage.context)
            headings = {_normalize(part) for part in (hit.title, *hit.passage.context.split(" > ")) if part}
            for sentence in hit.sentences:
                key = (hit.passage.doc_id, sentence.start, sentence.end)
                if key in seen:
                    continue
                seen.add(key)
                stems = word_stems(sentence.text)
                overlap = 0.0
                if terms:
                    overlap = sum(1.0 if t in stems else 0.5 if t in context_stems else 0.0 for t in terms) / len(terms)
                score = (cfg.similarity_weight * sentence.similarity + cfg.overlap_weight * overlap
                         + cfg.passage_weight * max(hit.score, 0.0) / top_passage)
                if wanted:
                    body = _LIST_MARKER.sub("", sentence.text, count=1)
                    if any(p.search(body) for p in wanted):
                        score += cfg.answer_type_bonus
                    else:
                        score -= cfg.answer_type_penalty
                if _looks_like_heading(sentence.text, headings):
                    score -= cfg.heading_penalty
                if len(_content_stems(sentence.text) - terms) < 2:
                    score -= cfg.echo_penalty
                out.append(_Candidate(hit, sentence, score))
        out.sort(key=lambda c: -c.score)
        return out

    def question_penalty(self, question: str, absent_terms: Sequence[str]) -> float:
        """How strongly the question's own words say the corpus cannot answer it."""
        if not absent_terms:
            return 0.0
        words = re.findall(r"\w[\w.+-]*\w|\w", question)
        # A name-like word (capitalised mid-sentence, mixed case, letters with digits) the corpus never uses.
        named = {w.lower() for i, w in enumerate(words) if i > 0 and _NAME_LIKE.match(w)} & set(absent_terms)
        return self.config.absent_name_penalty if named else 0.0

    def answer(self, question: str, hits: Sequence[Hit], absent_terms: Sequence[str] = ()) -> Answer:
        """`absent_terms`: the question's keyword terms that no passage of the corpus contains."""
        candidates = self.score_sentences(question, hits)
        confidence = (candidates[0].score if candidates else 0.0) - self.question_penalty(question, absent_terms)
        if not candidates or confidence < self.config.threshold:
            return Answer(question, NO_ANSWER, abstained=True, citations=[], confidence=confidence)
        chosen = [c for c in candidates if c.score >= candidates[0].score - self.config.join_margin]
        chosen = chosen[: self.config.max_sentences]
        citations: list[Citation] = []
        parts: list[str] = []
        for number, cand in enumerate(chosen, start=1):
            s, hit = cand.sentence, cand.hit
            citations.append(Citation(number, hit.passage.doc_id, hit.source, hit.title, s.start, s.end, s.text, cand.score))
            parts.append(f"{' '.join(s.text.split())} [{number}]")
        return Answer(question, " ".join(parts), abstained=False, citations=citations, confidence=confidence)

"""Extractive answers: pick the sentences that answer the question, quote their exact spans, lead with the phrase.

No model beyond the embedder: each retrieved sentence carries a similarity to the question (from vectors made at
ingest); it is scored with that, the question's words, the passage's score and whether it holds the kind of phrase
asked for. The best one is quoted with what it needs to stand alone (the sentence it continues, the definition term
it describes, the item a lead-in introduces) as one exact span, and the answer leads with the short phrase that
answers (a duration, a date, a name, a term) when the quote holds one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .answer_phrases import NAME, expected_kind, find_phrase, term_name
from .answer_phrases import normalize_spaces as _normalize
from .records import Answer, Citation, Hit, ScoredSentence
from .structure import asked_cell, described_term, is_header_row, layout, markdown_header, row_cells
from .terms import content_stems

NO_ANSWER = "The documents do not contain an answer to this question."

_LIST_MARKER = re.compile(r"^\s*(?:[-*•]|\d{1,3}[.)]|\(\w{1,3}\))\s+")
_NAME_LIKE = re.compile(r"^(?:.*[A-Z].*|.*\d.*[a-z].*|.*[a-z].*\d.*)$")
# A sentence that leans on the one before it: a pronoun or connective first ("It", "This", "However").
_REFERS_BACK = re.compile(
    r"^\W*(?:it|its|this|that|these|those|they|them|their|he|she|his|her|such|there|then|however|but|thus|"
    r"therefore|instead|otherwise|in (?:response|reply|return|addition)|to this|for this|as a result)\b", re.I)
_DEFINITE = re.compile(r"^\W*(?:the|this|that|these|those|such)\s+(\w+)(?:\s+(\w+))?", re.I)
# Phrase kinds that a sentence must hold to answer ("how long" needs a duration); a term or reason may be implicit.
_STRICT_KINDS = frozenset({"duration", "time", "day", "date", "number", "name"})


@dataclass(frozen=True)
class AnswerConfig:
    threshold: float
    # Quoted spans in an answer: the best one, and the next best when it scores within `join_margin` of it.
    max_sentences: int = 2
    join_margin: float = 0.02
    similarity_weight: float = 0.6
    overlap_weight: float = 0.25
    passage_weight: float = 0.15
    answer_type_penalty: float = 0.1
    answer_type_bonus: float = 0.05
    heading_penalty: float = 0.1
    # A description of the very term the question names ("What does os.path.join do?"): the question is about it.
    named_term_bonus: float = 0.1
    # A sentence that only repeats the question's words (an echoing heading, say) answers nothing.
    echo_penalty: float = 0.15
    # Question-level evidence that the corpus cannot answer: it names something the corpus never mentions.
    absent_name_penalty: float = 0.25
    # A question that asks for a duration, date, number or name, and no quote holds one: evidence of no answer.
    missing_phrase_penalty: float = 0.15
    # The sentence after the best one joins its quote when it refers back to it and scores within this margin.
    follow_margin: float = 0.08


@dataclass(frozen=True)
class _Candidate:
    hit: Hit
    position: int  # index of the sentence in hit.sentences
    score: float

    @property
    def sentence(self) -> ScoredSentence:
        return self.hit.sentences[self.position]


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


def _table_header(sentences: Sequence[ScoredSentence], i: int, gap: Callable[[int, int], str]) -> list[str] | None:
    """The column names of the table that row `i` belongs to: a Markdown table's header (above its "|---|" line),
    or the first row of a rendered table (rows one line apart), when it is in the passage."""
    found = markdown_header(sentences, i, gap)
    if found:
        return found
    first = i
    while first > 0 and " | " in sentences[first - 1].text and gap(first - 1, first).count("\n") == 1:
        first -= 1
    # A header names columns: no figures in it (a row of data above, from a table begun in an earlier passage, has).
    return row_cells(sentences[first].text) if first < i and not re.search(r"\d", sentences[first].text) else None


def _headings(hit: Hit) -> set[str]:
    """The passage's document title and heading chain, normalized: lines that name a section, not define a term."""
    return {_normalize(part) for part in (hit.title, *hit.passage.context.split(" > ")) if part}


def _looks_like_heading(text: str, headings: set[str]) -> bool:
    """A title, section heading, definition term or lead-in line: quoting it alone answers nothing."""
    stripped = text.strip()
    if " | " in stripped:  # a table row: its cells are the content
        return False
    if stripped.endswith(":"):
        return True
    if re.search(r"""[.!?)"'”]$""", stripped) and not _looks_like_term(stripped):
        return False
    normalized = _normalize(stripped)
    return len(stripped) < 90 or any(normalized.startswith(h) for h in headings)


def _looks_like_term(text: str) -> bool:
    """A definition term: one short line naming a thing (an API signature, an option, a glossary word)."""
    stripped = text.strip()
    if "\n" in stripped or len(stripped) > 160 or " | " in stripped or not stripped:
        return False
    if re.search(r"\w\(.*\)\s*(?:->.*)?$", stripped):  # a signature: name(arguments)
        return True
    return not re.search(r"[.!?:;,]$", stripped) and len(stripped.split()) <= 6


def _refers_back(text: str, previous: str) -> set[str] | None:
    """How `text` leans on `previous`: the stems of "the X" when X was just named (empty for a pronoun or a
    connective), or None when it does not."""
    if _REFERS_BACK.match(text):
        return set()
    definite = _DEFINITE.match(text)
    if definite:
        named = content_stems(previous)
        shared = {stem for word in definite.groups() if word for stem in content_stems(word) & named}
        return shared or None
    return None


def _introduces(term: str, gap: str) -> bool:
    """A definition term directly above its description: the loaders put one line break between them, where
    paragraphs (a byline, a heading) are apart by a blank line."""
    return gap.count("\n") == 1 and _looks_like_term(term)


def _gap(hit: Hit) -> Callable[[int, int], str]:
    """The passage text between two of the hit's sentences (the line breaks there show the layout)."""
    sentences, passage = hit.sentences, hit.passage
    return lambda a, b: passage.text[sentences[a].end - passage.start : sentences[b].start - passage.start]


def _described_terms(hit: Hit) -> dict[int, str]:
    """The term each sentence defines or describes (rag.structure): a description is about its term's words."""
    gap = _gap(hit)
    found = {position: described_term(hit.sentences, position, gap) for position in range(len(hit.sentences))}
    return {position: term for position, term in found.items() if term}


def _names(question: str, term: str) -> bool:
    """The question names the term: its full name, or the last part of a dotted one, as a word of the question."""
    asked = question.lower()
    for name in term_name(term).split(", "):  # an option list names several: "-v, --verbose"
        for form in {name.lower(), name.rsplit(".", 1)[-1].lower()}:
            if len(form) > 3 and re.search(rf"(?<![\w.-]){re.escape(form)}(?![\w-])", asked):
                return True
    return False


class ExtractiveAnswerer:
    """No model beyond the embedder: the answer is the best-supported span, quoted exactly."""

    def __init__(self, config: AnswerConfig) -> None:
        self.config = config

    def score_sentences(self, question: str, hits: Sequence[Hit]) -> list[_Candidate]:
        cfg = self.config
        terms = content_stems(question)
        kind = expected_kind(question)
        top_passage = max((h.score for h in hits), default=0.0) or 1.0
        seen: set[tuple[str, int, int]] = set()
        out: list[_Candidate] = []
        for hit in hits:
            context_stems = content_stems(hit.passage.context)
            headings = _headings(hit)
            hit_gap = _gap(hit)
            described = _described_terms(hit)
            for position, sentence in enumerate(hit.sentences):
                term = described.get(position)
                key = (hit.passage.doc_id, sentence.start, sentence.end)
                if key in seen:
                    continue
                seen.add(key)
                stems = content_stems(sentence.text) | (content_stems(term) if term else set())
                overlap = 0.0
                if terms:
                    overlap = sum(1.0 if t in stems else 0.5 if t in context_stems else 0.0 for t in terms) / len(terms)
                score = (cfg.similarity_weight * sentence.similarity + cfg.overlap_weight * overlap
                         + cfg.passage_weight * max(hit.score, 0.0) / top_passage)
                if kind in _STRICT_KINDS:
                    body = _LIST_MARKER.sub("", sentence.text, count=1)
                    if find_phrase(kind, body, question):
                        score += cfg.answer_type_bonus
                    else:
                        score -= cfg.answer_type_penalty
                if _looks_like_heading(sentence.text, headings) or is_header_row(hit.sentences, position, hit_gap):
                    score -= cfg.heading_penalty
                if term and kind not in _STRICT_KINDS and _names(question, term):
                    score += cfg.named_term_bonus
                if len(stems - terms) < 2:
                    score -= cfg.echo_penalty
                out.append(_Candidate(hit, position, score))
        out.sort(key=lambda c: -c.score)
        return out

    def question_penalty(self, question: str, absent_terms: Sequence[str], hits: Sequence[Hit] = ()) -> float:
        """How strongly the question's own words say the corpus cannot answer it."""
        words = re.findall(r"\w[\w.+-]*\w|\w", question)
        # A name-like word (capitalised mid-sentence, mixed case, letters with digits) the corpus never uses.
        named = {w.lower() for i, w in enumerate(words) if i > 0 and _NAME_LIKE.match(w)} & set(absent_terms)
        penalty = self.config.absent_name_penalty if named else 0.0
        # A name of several words ("Prime Minister") that no passage read for the answer holds, though its
        # words may each occur: the question is about something the documents do not name. Counted on top of
        # an absent word: the two are separate evidence (the corpus's vocabulary, the passages read).
        read = " ".join(_normalize(f"{h.title} {h.passage.context} {h.passage.text}") for h in hits)
        if any(_normalize(m.group()) not in read for m in NAME.finditer(question[1:])):
            penalty += self.config.absent_name_penalty
        return penalty

    def _quote(self, best: _Candidate, question_terms: set[str], scores: dict[tuple[int, int], float]) -> _Quote:
        """The best sentence with what it needs to stand alone, as one span of consecutive sentences."""
        hit, i = best.hit, best.position
        sentences, passage = hit.sentences, hit.passage
        headings = _headings(hit)

        gap = _gap(hit)
        first, last, term, lead = i, i, None, None
        current = sentences[i].text
        structured = layout(sentences, i, gap)  # a list item, a marked-up or one-line definition (rag.structure)
        if structured:
            first, last, term, lead = structured.first, structured.last, structured.term, structured.lead
        elif _looks_like_heading(current, headings) and i + 1 < len(sentences):
            # A definition term, heading or lead-in alone answers nothing: quote what it introduces too.
            term = current if _introduces(current, gap(i, i + 1)) and _normalize(current) not in headings else None
            last = i + 1
        elif i > 0:
            previous = sentences[i - 1].text
            if _introduces(previous, gap(i - 1, i)) and _normalize(previous) not in headings:
                first, term = i - 1, previous
            elif previous.rstrip().endswith(":") or _refers_back(current, previous) is not None:
                first = i - 1
        if last + 1 < len(sentences):
            # The next sentence says what became of what this one names ("The offer ... was declined").
            following = sentences[last + 1]
            score = scores.get((following.start, following.end), float("-inf"))
            link = _refers_back(following.text, sentences[last].text)
            if link is not None and (link & question_terms or score >= best.score - self.config.follow_margin):
                last += 1
        start, end = sentences[first].start, sentences[last].end
        header = _table_header(sentences, i, gap) if first == last == i and row_cells(current) else None
        if header:
            term = asked_cell(header, row_cells(current) or [], question_terms) or term
        return _Quote(start, end, passage.text[start - passage.start : end - passage.start], term, header, lead)

    def answer(self, question: str, hits: Sequence[Hit], absent_terms: Sequence[str] = ()) -> Answer:
        """`absent_terms`: the question's keyword terms that no passage of the corpus contains."""
        candidates = self.score_sentences(question, hits)
        if not candidates:
            return Answer(question, NO_ANSWER, abstained=True, citations=[], confidence=0.0)
        scores = {(c.sentence.start, c.sentence.end): c.score for c in candidates}
        kind = expected_kind(question)
        question_terms = content_stems(question)
        quotes: list[tuple[_Candidate, _Quote]] = []
        for cand in candidates:
            if len(quotes) >= self.config.max_sentences or cand.score < candidates[0].score - self.config.join_margin:
                break
            if is_header_row(cand.hit.sentences, cand.position, _gap(cand.hit)):
                continue  # column names: shown with the row they head, never an answer alone
            quote = self._quote(cand, question_terms, scores)
            doc = cand.hit.passage.doc_id
            if any(q.start < quote.end and quote.start < q.end and c.hit.passage.doc_id == doc for c, q in quotes):
                continue  # overlaps a quote already taken
            quotes.append((cand, quote))
        phrase = None
        for _, quote in quotes:
            phrase = find_phrase(kind, quote.text, question, quote.term)
            if phrase:
                break
        confidence = candidates[0].score - self.question_penalty(question, absent_terms, hits)
        if kind in _STRICT_KINDS and phrase is None:
            confidence -= self.config.missing_phrase_penalty  # "how many" with no number in sight: no answer
        if confidence < self.config.threshold:
            return Answer(question, NO_ANSWER, abstained=True, citations=[], confidence=confidence)
        citations: list[Citation] = []
        parts: list[str] = []
        for number, (cand, quote) in enumerate(quotes, start=1):
            hit = cand.hit
            citations.append(Citation(number, hit.passage.doc_id, hit.source, hit.title, quote.start, quote.end,
                                      quote.text, cand.score))
            parts.append(f"{quote.shown()} [{number}]")
        text = " ".join(parts)
        if phrase and _normalize(phrase) != _normalize(citations[0].text):
            text = f"{phrase} — {text}"
        return Answer(question, text, abstained=False, citations=citations, confidence=confidence)

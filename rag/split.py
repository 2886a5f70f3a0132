"""Split a document into passages sized in embedder tokens, on sentence boundaries, with exact spans."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import groupby

from .errors import InvalidInputError
from .records import Document, Passage, Section
from .sentences import sentence_spans
from .structure import introduces, is_list_item, is_signature_line

TokenCounter = Callable[[Sequence[str]], list[int]]
_WORD = re.compile(r"\S+")
_MAX_CONTEXT_CHARS = 200
# What is prepended to a passage's text when it is embedded (the stored, searched `context` is always "chain"):
# the title and heading chain, the nearest heading (the title where there is none), the title, or nothing.
CONTEXT_MODES = ("chain", "heading", "title", "none")


def whitespace_token_counter(texts: Sequence[str]) -> list[int]:
    """A model-free counter (one token a word), for tests and tools that have no tokenizer."""
    return [len(t.split()) for t in texts]


@dataclass(frozen=True)
class SplitConfig:
    max_tokens: int = 128
    overlap_tokens: int = 32
    context: str = "chain"  # one of CONTEXT_MODES: the prefix embedded with each passage
    context_tokens: int = 0  # at most this many embedder tokens of it, nearest heading first (0: no cap)

    def __post_init__(self) -> None:
        if self.context not in CONTEXT_MODES:
            raise InvalidInputError(f"passage context must be one of {', '.join(CONTEXT_MODES)}, got {self.context!r}")
        if self.context_tokens < 0:
            raise InvalidInputError(f"passage context cap must be >= 0 tokens, got {self.context_tokens}")
        if self.max_tokens < 8:
            raise InvalidInputError(f"passage size must be at least 8 tokens, got {self.max_tokens}")
        if not 0 <= self.overlap_tokens < self.max_tokens:
            raise InvalidInputError(
                f"overlap ({self.overlap_tokens}) must be >= 0 and below the passage size ({self.max_tokens})"
            )


@dataclass(frozen=True)
class _Unit:
    start: int
    end: int
    tokens: int
    section: int  # index into the document's sections, -1 before the first heading


def _section_index(sections: Sequence[Section], starts: list[int], offset: int) -> int:
    return bisect.bisect_right(starts, offset) - 1 if sections else -1


# How much of its description a long signature's passage holds past the signature itself.
_DESCRIPTION_TOKENS = 32


def _oversize_pieces(text: str, start: int, end: int, max_tokens: int, count: TokenCounter) -> list[tuple[int, int, int]]:
    """Cut a sentence longer than the limit at word boundaries; word-piece counts add up across words.

    A long API signature ("subprocess.Popen(args, bufsize=-1, ...)" over the limit) is not cut: its first piece
    holds it whole and the first words of its description, so that one passage says what the name is (the
    definitions index and the answerer read an entry as its signature line with its description under it)."""
    words = [(m.start() + start, m.end() + start) for m in _WORD.finditer(text[start:end])]
    word_tokens = count([text[s:e] for s, e in words])
    limit = max_tokens
    line_end = text.find("\n", start, end)
    if line_end > start and is_signature_line(text[start:line_end]):
        signature_tokens = sum(n for (s, _), n in zip(words, word_tokens, strict=True) if s < line_end)
        if max_tokens < signature_tokens + _DESCRIPTION_TOKENS <= 2 * max_tokens:
            limit = signature_tokens + _DESCRIPTION_TOKENS
    pieces: list[tuple[int, int, int]] = []
    piece_start, piece_tokens, last_end = words[0][0], 0, words[0][0]
    for (s, e), n in zip(words, word_tokens, strict=True):
        if piece_tokens and piece_tokens + n > (limit if not pieces else max_tokens):
            pieces.append((piece_start, last_end, piece_tokens))
            piece_start, piece_tokens = s, 0
        piece_tokens += n
        last_end = e
    pieces.append((piece_start, last_end, piece_tokens))
    # A single word over the limit stays whole; the embedder truncates it, the quote stays exact.
    return pieces


def _units(doc: Document, config: SplitConfig, count: TokenCounter) -> list[_Unit]:
    spans = sentence_spans(doc.text)
    if not spans:
        return []
    tokens = count([doc.text[s:e] for s, e in spans])
    starts = [s.start for s in doc.sections]
    units: list[_Unit] = []
    for (s, e), n in zip(spans, tokens, strict=True):
        section = _section_index(doc.sections, starts, s)
        if n <= config.max_tokens:
            units.append(_Unit(s, e, n, section))
        else:
            units.extend(_Unit(ps, pe, pn, section) for ps, pe, pn in _oversize_pieces(doc.text, s, e, config.max_tokens, count))
    return units


def _context_parts(doc: Document, section: int) -> list[str]:
    """The document title and the chain of headings above a passage, outermost first."""
    parts = [doc.title]
    if section >= 0:
        chain: list[Section] = []
        for sec in reversed(doc.sections[: section + 1]):
            if not chain or sec.level < chain[-1].level:
                chain.append(sec)
        parts.extend(s.title for s in reversed(chain) if s.title != doc.title)
    return [p for p in parts if p]


def _context(parts: Sequence[str]) -> str:
    """The stored and searched context of a passage: its title and heading chain, never quoted."""
    return " > ".join(parts)[:_MAX_CONTEXT_CHARS]


def _embedding_context(parts: Sequence[str], config: SplitConfig, count: TokenCounter) -> str:
    """The prefix embedded with a passage, as `config.context` and `config.context_tokens` ask."""
    if config.context == "none" or not parts:
        return ""
    chosen = {"chain": list(parts), "heading": list(parts[-1:]), "title": list(parts[:1])}[config.context]
    text = _context(chosen)
    if not config.context_tokens or count([text])[0] <= config.context_tokens:
        return text
    kept: list[str] = []  # the nearest headings that fit, then the words of the nearest one that fit
    for part in reversed(chosen):
        if count([" > ".join([part, *kept])])[0] > config.context_tokens:
            break
        kept.insert(0, part)
    if kept:
        return _context(kept)
    words = chosen[-1].split()
    n = 0
    while n < len(words) and count([" ".join(words[: n + 1])])[0] <= config.context_tokens:
        n += 1
    return " ".join(words[:n])


def _kept_with(text: str, current: list[_Unit], first: int, unit: _Unit, max_tokens: int) -> list[_Unit]:
    """The units of `current` from `first` on, carried into the next passage; and, when the first carried one (or
    `unit`) needs what is above it (its definition term, the lead-in of its list) and all fits, from there on."""
    j = first
    while j > 1:  # current[0] stays behind: the passage just flushed must not come back whole
        following = current[j].start if j < len(current) else unit.start
        previous = current[j - 1]
        gap, nxt = text[previous.end : following], text[following : (current[j] if j < len(current) else unit).end]
        if introduces(text[previous.start : previous.end], gap, nxt):
            j -= 1
            break
        if not (is_list_item(nxt) and is_list_item(text[previous.start : previous.end]) and gap.count("\n") in (1, 2)):
            return current[first:]
        j -= 1  # back over the list's earlier items, looking for its lead-in
    else:
        return current[first:]
    kept = current[j:]
    return kept if sum(u.tokens for u in kept) + unit.tokens <= max_tokens else current[first:]


def _bare_headings(doc: Document, units: list[_Unit]) -> bool:
    """Whether the units are only headings, each its section's whole text (a chapter's heading right above its
    first section's): such a passage says nothing, so it opens the next section's first passage instead."""
    for section, group in groupby(units, key=lambda u: u.section):
        run = list(group)
        if section < 0 or doc.text[run[0].start : run[-1].end].split() != doc.sections[section].title.split():
            return False
    return True


def split_document(doc: Document, config: SplitConfig, count: TokenCounter) -> list[Passage]:
    """Greedy packing of whole sentences into passages of at most `max_tokens` (a long API signature's, at most
    twice that: `_oversize_pieces`).

    A passage never crosses a section heading (but a heading with no text of its own opens the passage of the
    section after it, whose context it is part of); consecutive passages in a section share up to
    `overlap_tokens` of trailing sentences so an answer cut by a boundary is still found whole.
    """
    units = _units(doc, config, count)
    passages: list[Passage] = []
    current: list[_Unit] = []
    contexts: dict[int, tuple[str, str]] = {}  # section -> (stored context, embedded context)

    def flush() -> None:
        first, last = current[0], current[-1]
        if last.section not in contexts:  # the last: a bare heading carried over is outside its own section
            parts = _context_parts(doc, last.section)
            contexts[last.section] = (_context(parts), _embedding_context(parts, config, count))
        context, embedding_context = contexts[last.section]
        passages.append(
            Passage(
                doc_id=doc.id,
                start=first.start,
                end=last.end,
                text=doc.text[first.start : last.end],
                ordinal=len(passages),
                context=context,
                embedding_context=embedding_context,
            )
        )

    for unit in units:
        if current and unit.section != current[-1].section and not _bare_headings(doc, current):
            flush()
            current = []
        elif current and sum(u.tokens for u in current) + unit.tokens > config.max_tokens:
            flush()
            overlap: list[_Unit] = []
            for prev in reversed(current[1:]):
                if sum(u.tokens for u in overlap) + prev.tokens + unit.tokens > min(config.overlap_tokens + unit.tokens, config.max_tokens):
                    break
                overlap.insert(0, prev)
            current = _kept_with(doc.text, current, len(current) - len(overlap), unit, config.max_tokens)
        current.append(unit)
    if current:
        flush()
    return passages

"""The typed records that travel between pipeline stages: document, passage, hit, citation, answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Section:
    """A heading and the span of canonical text it governs (until the next heading of any level)."""

    title: str
    start: int
    end: int
    level: int = 1


@dataclass(frozen=True)
class Document:
    """One source document. Every character offset in the system refers to `text`."""

    id: str
    source: str
    title: str
    text: str
    content_hash: str
    media_type: str = "text/plain"
    sections: tuple[Section, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Passage:
    """A retrievable span of a document: `text == document.text[start:end]` always.

    `context` (the document title and heading chain) is stored and searched with the passage, never quoted.
    `embedding_context` is what is prepended to the text when it is embedded (None: `context`); the splitter
    sets it from `SplitConfig.context` so the embedded prefix can be shorter than the stored one.
    """

    doc_id: str
    start: int
    end: int
    text: str
    ordinal: int
    context: str = ""
    id: int | None = None
    embedding_context: str | None = None

    def embedding_text(self) -> str:
        prefix = self.context if self.embedding_context is None else self.embedding_context
        return f"{prefix}\n{self.text}" if prefix else self.text


@dataclass(frozen=True)
class SentenceVectors:
    """The sentences of one passage, made at ingest: their spans (document offsets) and one vector each.

    Vectors are float16 (half the bytes of float32; the similarities they give differ by about 1e-3).
    """

    spans: np.ndarray  # (n, 2) int32, [start, end) in the document's text
    vectors: np.ndarray  # (n, dimension) float16

    def __len__(self) -> int:
        return len(self.spans)


@dataclass(frozen=True)
class ScoredSentence:
    """A sentence of a retrieved passage, in document offsets, with its similarity to the query."""

    start: int
    end: int
    text: str
    similarity: float


@dataclass
class Hit:
    """A passage found for a query, with the scores of each retrieval stage that saw it."""

    passage: Passage
    score: float
    source: str = ""
    title: str = ""
    dense_score: float | None = None
    keyword_score: float | None = None
    fused_score: float | None = None
    sentence_score: float | None = None
    sentences: list[ScoredSentence] = field(default_factory=list)

    def between(self, a: int, b: int) -> str:
        """The passage text between sentence a's end and sentence b's start (its line breaks show the layout)."""
        start = self.passage.start
        return self.passage.text[self.sentences[a].end - start : self.sentences[b].start - start]

    def as_dict(self) -> dict[str, Any]:
        p = self.passage
        return {
            "passage_id": p.id,
            "doc_id": p.doc_id,
            "source": self.source,
            "title": self.title,
            "start": p.start,
            "end": p.end,
            "text": p.text,
            "score": round(self.score, 4),
            "scores": {
                name: round(value, 4)
                for name, value in (
                    ("dense", self.dense_score),
                    ("keyword", self.keyword_score),
                    ("fused", self.fused_score),
                    ("sentence", self.sentence_score),
                )
                if value is not None
            },
        }


@dataclass(frozen=True)
class Citation:
    """An exact quote: `text == document_text[start:end]` for the document named by `doc_id`."""

    number: int
    doc_id: str
    source: str
    title: str
    start: int
    end: int
    text: str
    score: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "doc_id": self.doc_id,
            "source": self.source,
            "title": self.title,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "score": round(self.score, 4),
        }


@dataclass
class Answer:
    """What the service says to a question: prose with numbered markers, and the citations behind them."""

    question: str
    text: str
    abstained: bool
    citations: list[Citation]
    confidence: float
    mode: str = "extractive"
    timings_ms: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # The phrase the answer leads with ("approximately 50 minutes", "Ian Murdock"), when the quotes hold one.
    short_answer: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.text,
            "short_answer": self.short_answer,
            "abstained": self.abstained,
            "confidence": round(self.confidence, 4),
            "mode": self.mode,
            "citations": [c.as_dict() for c in self.citations],
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
            "notes": list(self.notes),
        }

"""Sentence vectors made at ingest, so that answering a question needs no model call beyond embedding it.

Late chunking: one forward pass over a passage (with its title and heading context) yields contextual token
vectors; the passage vector is the mean of all of them (exactly what the embedder's `encode` gives), and each
sentence's vector is the mean of its own tokens. The sentence vector "knows" its neighbours (whose offer was
declined, which function "it" is), and costs no model time beyond the passage's. Embedders without token
output, and sentences cut off by the model's token limit, fall back to embedding the sentence on its own.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .embed import Embedder, TokenVectors
from .records import Passage, SentenceVectors
from .sentences import sentence_spans

SENTENCE_MODES = ("late", "separate")


def passage_sentence_spans(passage: Passage) -> np.ndarray:
    """The passage's sentences as (n, 2) int32 spans in document offsets."""
    spans = [(passage.start + s, passage.start + e) for s, e in sentence_spans(passage.text)]
    return np.asarray(spans, dtype=np.int32).reshape(-1, 2)


def pool_spans(tokens: TokenVectors, spans: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean token vector of each character span (text offsets), normalized; and which spans had any token."""
    dim = tokens.vectors.shape[1]
    out = np.zeros((len(spans), dim), dtype=np.float32)
    found = np.zeros(len(spans), dtype=bool)
    real = ~tokens.special & (tokens.offsets[:, 1] > tokens.offsets[:, 0])
    starts, ends, vectors = tokens.offsets[real, 0], tokens.offsets[real, 1], tokens.vectors[real]
    for row, (s, e) in enumerate(spans):
        # Tokens start in order; a token belongs to the span it starts in (a word-piece never straddles spans).
        lo, hi = np.searchsorted(starts, s, "left"), np.searchsorted(starts, e, "left")
        hi = lo + int(np.count_nonzero(ends[lo:hi] <= e + 1)) if hi > lo else hi
        if hi > lo:
            mean = vectors[lo:hi].mean(axis=0)
            out[row] = mean / max(float(np.linalg.norm(mean)), 1e-12)
            found[row] = True
    return out, found


def embed_passages(embedder: Embedder, passages: Sequence[Passage],
                   mode: str = "late") -> tuple[np.ndarray, list[SentenceVectors]]:
    """Passage vectors (float32, as `embedder.encode` gives them) and each passage's sentence vectors."""
    texts = [p.embedding_text() for p in passages]
    spans = [passage_sentence_spans(p) for p in passages]
    sentence_rows: list[np.ndarray] = [np.zeros((len(s), 0), dtype=np.float32) for s in spans]
    missing: list[tuple[int, int]] = []  # (passage, sentence) to embed on their own
    encode_tokens = getattr(embedder, "encode_tokens", None)
    if mode == "late" and encode_tokens is not None:
        token_sets = encode_tokens(texts)
        passage_vectors = np.zeros((len(passages), embedder.dimension), dtype=np.float32)
        for i, (passage, tokens) in enumerate(zip(passages, token_sets, strict=True)):
            mean = tokens.vectors.mean(axis=0)
            passage_vectors[i] = mean / max(float(np.linalg.norm(mean)), 1e-12)
            shift = len(texts[i]) - len(passage.text) - passage.start  # document offsets -> embedded-text offsets
            sentence_rows[i], found = pool_spans(tokens, spans[i] + shift)
            missing += [(i, j) for j in np.flatnonzero(~found)]
    else:
        passage_vectors = embedder.encode(texts)
        for i, s in enumerate(spans):
            sentence_rows[i] = np.zeros((len(s), embedder.dimension), dtype=np.float32)
            missing += [(i, j) for j in range(len(s))]
    if missing:
        alone = embedder.encode([passages[i].text[spans[i][j, 0] - passages[i].start : spans[i][j, 1] - passages[i].start]
                                 for i, j in missing])
        for (i, j), vector in zip(missing, alone, strict=True):
            sentence_rows[i][j] = vector
    sentences = [SentenceVectors(s, rows.astype(np.float16)) for s, rows in zip(spans, sentence_rows, strict=True)]
    return passage_vectors, sentences


def passage_vector_sentences(passages: Sequence[Passage], vectors: np.ndarray) -> list[SentenceVectors]:
    """Each passage's sentence spans, every one given its passage's vector: for tools with vectors and no model
    (synthetic benchmarks, tests), where only the sizes and the spans matter."""
    out = []
    for passage, vector in zip(passages, np.asarray(vectors, dtype=np.float16), strict=True):
        spans = passage_sentence_spans(passage)
        out.append(SentenceVectors(spans, np.repeat(vector[None, :], len(spans), axis=0)))
    return out

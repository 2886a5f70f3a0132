"""Hybrid retrieval: dense (FAISS) and keyword (BM25, rag/keyword.py) candidates, fused, then re-scored by sentence."""

from __future__ import annotations

import contextlib
import functools
import re
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from .answer_signals import asks_about_document
from .definitions import asked_definitions
from .embed import Embedder
from .errors import InvalidInputError
from .fusion import reciprocal_rank_fusion
from .index_backend import IndexBackend
from .keyword import keyword_terms
from .lru import LruCache
from .records import Hit, Passage, ScoredSentence, SentenceVectors
from .sentence_vectors import embed_passages


@dataclass(frozen=True)
class RetrievalConfig:
    candidates: int = 40
    rerank_passages: int = 8
    # Passages read beside them because they define a code name the query gives (rag/definitions.py).
    defined_passages: int = 2
    # Weights of the final passage score: its best sentence, the whole passage, its keyword rank.
    sentence_weight: float = 0.5
    passage_weight: float = 0.4
    keyword_weight: float = 0.1


T = TypeVar("T")
# A question by its first word ("what", "is", ...), after a preposition ("On which dates ...").
_ASKS = re.compile(r"\W*(?:(?:on|in|at|for|to|from|by|with|of|under|after|before|during|since|until)\s+)?"
                   r"(?:what|which|who|whom|whose|when|where|why|how|is|are|was|were|do|does|did|can|could|should|"
                   r"would|will|may|might|must|has|have|had)\b", re.I)


def _timed(call: Callable[[], T]) -> tuple[T, float]:
    """What `call()` returns and its milliseconds."""
    t = time.perf_counter()
    value = call()
    return value, (time.perf_counter() - t) * 1000


class Retriever:
    """Searches one index with one embedder. Thread-safe: reads of the store are serialized, unless the index
    declares `concurrent_reads` (PostgreSQL: one pooled connection a read), when searches run side by side and
    the keyword lookup of one search runs beside its dense lookup (a search waits for the slower, not the sum)."""

    def __init__(self, index: IndexBackend, embedder: Embedder, config: RetrievalConfig | None = None) -> None:
        self.index = index
        self.embedder = embedder
        self.config = config or RetrievalConfig()
        self._query_cache: LruCache[str, np.ndarray] = LruCache(1024)
        concurrent = bool(getattr(index, "concurrent_reads", False))
        self._store_lock: contextlib.AbstractContextManager = (
            contextlib.nullcontext() if concurrent else threading.Lock())
        # Threads for the reads a search runs beside its own (started on demand): up to three a search, for more
        # concurrent searches than the API serves, so that a read never queues behind another search's.
        self._beside = ThreadPoolExecutor(64, thread_name_prefix="rag-read") if concurrent else None

    def embed_query(self, query: str) -> np.ndarray:
        # Typed with or without its question mark, a question is the same question: the model reads the mark as a
        # token of its own and moves the vector enough to change which passages rank, and ranks better with it
        # (evals/README.md, session 10), so a question typed without one is embedded with one.
        text = query.rstrip()
        if not text.endswith("?") and _ASKS.match(text):
            text += "?"
        cached = self._query_cache.get(text)
        if cached is None:
            cached = self.embedder.encode([text])[0]
            self._query_cache.put(text, cached)
        return cached

    def search(self, query: str, top_k: int = 5, doc_ids: Sequence[str] | None = None,
               timings: dict[str, float] | None = None, rescore: bool = True) -> list[Hit]:
        query = query.strip()
        if not query:
            raise InvalidInputError("the query is empty")
        if top_k < 1:
            raise InvalidInputError(f"top_k must be at least 1, got {top_k}")
        timings = {} if timings is None else timings
        cfg = self.config
        n_candidates = max(cfg.candidates, top_k)

        t0 = time.perf_counter()
        qvec = self.embed_query(query)
        t1 = time.perf_counter()
        timings["embed_query"] = (t1 - t0) * 1000

        with self._store_lock:
            # Side by side with the lookups when reads may overlap (nothing here depends on the generation read).
            fresh = self._beside.submit(self.index.refresh) if self._beside else self.index.refresh()
            allowed = None
            if doc_ids is not None:
                allowed = self.index.passage_ids_for_documents(list(doc_ids))
            keyword_lookup = functools.partial(self.index.keyword_candidates, query, n_candidates, allowed)
            side = self._beside.submit(_timed, keyword_lookup) if self._beside else None
            (dense_ids, _), dense_ms = _timed(lambda: self.index.dense_candidates(qvec, n_candidates, allowed))
            keyword, keyword_ms = side.result() if side else _timed(keyword_lookup)
            if self._beside:
                fresh.result()  # its error, if any, is this search's
            t4 = time.perf_counter()
            fused = reciprocal_rank_fusion([dense_ids.tolist(), [pid for pid, _ in keyword]])
            keep = fused[: max(cfg.rerank_passages, top_k) if rescore else top_k]
            # The entries that define the code the query names are read whatever their rank: the guides use a name
            # in many examples, which outrank its definition ("What does click.echo do?").
            lookups = asked_definitions(query)
            defined = self._defined(lookups, allowed, [pid for pid, _ in fused]) if lookups else []
            kept = {pid for pid, _ in keep}
            keep += [(pid, 0.0) for pid in defined if pid not in kept]
            ids = [pid for pid, _ in keep]
            if self._beside:  # the three reads side by side; sentence vectors ahead of the re-scoring
                later = [self._beside.submit(self.index.passage_vectors, ids)]
                if rescore:
                    later.append(self._beside.submit(self.index.sentence_vectors, ids))
                rows = self.index.passages(ids)
                cand_vectors, *sentences = [f.result() for f in later]
            else:
                rows = self.index.passages(ids)
                cand_vectors, sentences = self.index.passage_vectors([i for i in ids if i in rows]), []
            # Asked who made a document, when, or which version it is: its first passage (the title and the lines
            # under it) is read too, however little its words resemble the question ("When was FHS 3.0 published?"
            # and "Version 3.0" + "Publication date March 19, 2015").
            front = self._front_passages(query, keep, rows)
            unread = [pid for pid in front if pid not in cand_vectors]
            if unread:
                cand_vectors.update(self.index.passage_vectors(unread))
                if sentences:
                    sentences[0].update(self.index.sentence_vectors(unread))
                keep += [(pid, 0.0) for pid in unread]
            t5 = time.perf_counter()
        # Side by side, the two overlap: `total` (rag/service.py) is the wall time, not these summed.
        timings["dense_search"] = dense_ms
        timings["keyword_search"] = keyword_ms
        timings["fusion"] = (t5 - t4) * 1000

        keyword_scores = dict(keyword)
        top_keyword = max(keyword_scores.values(), default=0.0) or 1.0
        hits: list[Hit] = []
        for (pid, fused_score) in keep:
            if pid not in rows or pid not in cand_vectors:
                continue  # removed by a writer since the candidates were found
            passage, source, title = rows[pid]
            dense = float(cand_vectors[pid] @ qvec)
            hits.append(Hit(passage, score=dense, source=source, title=title, dense_score=dense,
                            keyword_score=keyword_scores.get(pid), fused_score=fused_score))
        if rescore:
            t6 = time.perf_counter()
            self._rescore(hits, qvec, top_keyword, timings, sentences[0] if sentences else None)
            timings["sentence_rescore"] = (time.perf_counter() - t6) * 1000
        hits.sort(key=lambda h: -h.score)
        chosen = hits[:top_k]
        forced = set(defined) | set(front)
        missing = [h for h in hits[top_k:] if h.passage.id in forced]
        if missing:  # in place of the lowest that define nothing asked
            others = [h for h in chosen if h.passage.id not in forced]
            dropped = {id(h) for h in others[max(len(others) - len(missing), 0):]}
            chosen = [h for h in chosen if id(h) not in dropped] + missing[: len(dropped)]
            chosen.sort(key=lambda h: -h.score)
        return chosen

    def _front_passages(self, query: str, keep: list[tuple[int, float]],
                        rows: dict[int, tuple[Passage, str, str]], documents: int = 2) -> list[int]:
        """The first passages of the best candidates' documents, when the query asks about a document itself (the
        rows of those not read yet are added to `rows`: a store read only then)."""
        if not asks_about_document(query, {title for _, _, title in rows.values()}):
            return []
        docs: list[str] = []
        for pid, _ in keep:
            doc = rows[pid][0].doc_id if pid in rows else None
            if doc and doc not in docs:
                docs.append(doc)
            if len(docs) == documents:
                break
        firsts = [int(min(ids)) for doc in docs if len(ids := self.index.passage_ids_for_documents([doc]))]
        rows.update(self.index.passages([pid for pid in firsts if pid not in rows]))
        return [pid for pid in firsts if pid in rows and rows[pid][0].ordinal == 0]

    def _defined(self, lookups: list[list[str]], allowed: np.ndarray | None, ranked: list[int]) -> list[int]:
        """The passages that define the query's code names, at most `defined_passages`: the best fused first."""
        found = self.index.definition_candidates(lookups, allowed)
        rank = {pid: i for i, pid in enumerate(ranked)}
        return sorted(found, key=lambda pid: (rank.get(pid, len(rank)), pid))[: self.config.defined_passages]

    def absent_terms(self, query: str) -> list[str]:
        """The query's keyword terms that occur in no passage."""
        with self._store_lock:
            return self.index.absent_terms(keyword_terms(query))

    def _rescore(self, hits: list[Hit], qvec: np.ndarray, top_keyword: float,
                 timings: dict[str, float] | None = None, stored: dict[int, SentenceVectors] | None = None) -> None:
        """Score each candidate's sentences with the vectors made at ingest (`stored`: already read, for at least
        these hits); re-score the passage by its best."""
        cfg = self.config
        if stored is None:
            with self._store_lock:
                stored = self.index.sentence_vectors([h.passage.id or 0 for h in hits])
        lacking = [h.passage for h in hits if h.passage.id not in stored]
        if lacking:  # an index of an older format, not migrated yet: make them now (a model call)
            t = time.perf_counter()
            _, made = embed_passages(self.embedder, lacking)
            stored.update({p.id or 0: s for p, s in zip(lacking, made, strict=True)})
            if timings is not None:
                timings["sentence_embed"] = (time.perf_counter() - t) * 1000
        for hit in hits:
            p = hit.passage
            sentences = stored[p.id or 0]
            sims = sentences.vectors.astype(np.float32) @ qvec
            for (start, end), sim in zip(sentences.spans.tolist(), sims.tolist(), strict=True):
                hit.sentences.append(ScoredSentence(start, end, p.text[start - p.start : end - p.start], sim))
            keyword_norm = (hit.keyword_score or 0.0) / top_keyword
            best = max((s.similarity for s in hit.sentences), default=hit.dense_score or 0.0)
            hit.sentence_score = best
            hit.score = (cfg.sentence_weight * best + cfg.passage_weight * (hit.dense_score or 0.0)
                         + cfg.keyword_weight * keyword_norm)

"""Keyword search: BM25 over passage text and headings, held in memory as numpy arrays.

SQLite FTS5 scores every passage that holds any query term, so its cost grows with the corpus (about 150 ms
a query at 100k passages, evals/bench/README.md). Here the postings are one compressed-sparse array per term
with each posting's BM25 impact precomputed, so a query adds a few slices into one score array. The index
is derived from the store and follows the index's generations by applying only what changed.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Sequence
from itertools import chain
from pathlib import Path

import numpy as np

from .definitions import DEFINED_PER_NAME, definition_terms
from .errors import MissingDependencyError

_WORD = re.compile(r"\w+", re.UNICODE)

# Words too common to help a keyword match; the dense side still sees them.
STOPWORDS = frozenset(
    ["a", "an", "the", "and", "or", "but", "if", "then", "else", "of", "at", "by", "for", "with", "about", "against", "between", "into", "through", "during", "before", "after", "above", "below", "to", "from", "up", "down", "in", "out", "on", "off", "over", "under", "again", "further", "once", "here", "there", "when", "where", "why", "how", "all", "any", "both", "each", "few", "more", "most", "other", "some", "such", "no", "nor", "not", "only", "own", "same", "so", "than", "too", "very", "s", "t", "can", "will", "just", "don", "should", "now", "is", "are", "was", "were", "be", "been", "being", "have", "has", "had", "having", "do", "does", "did", "doing", "i", "me", "my", "myself", "we", "our", "ours", "you", "your", "he", "him", "his", "she", "her", "it", "its", "they", "them", "their", "what", "which", "who", "whom", "this", "that", "these", "those", "am", "would", "could", "shall", "may", "might", "must", "also", "as", "per", "via"]
)


# BM25's parameters and the weight of a heading word against a body word (one value for every backend).
K1, B, CONTEXT_WEIGHT = 1.2, 0.75, 0.4


def keyword_terms(text: str) -> list[str]:
    """Lowercased content words of a query, in order, without repeats."""
    seen: dict[str, None] = {}
    for term in _WORD.findall(text.lower()):
        if term not in STOPWORDS and term not in seen:
            seen[term] = None
    return list(seen)


def _stemmer():  # noqa: ANN202 - a Stemmer.Stemmer
    try:
        import Stemmer
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingDependencyError("keyword search needs PyStemmer: pip install pystemmer==3.1.0") from exc
    return Stemmer.Stemmer("porter")


class Analyzer:
    """Text -> index terms: lowercase words, stopwords dropped, Porter stems (as SQLite FTS5's porter tokenizer)."""

    # Names what turns words into terms; a saved index made by another analyzer is not reused.
    name = "porter/stopwords-1+defines-2"

    def __init__(self) -> None:
        self._stemmer = _stemmer()
        self._stemmer_lock = threading.Lock()  # a PyStemmer object is not thread-safe

    def stems(self, words: list[str]) -> list[str]:
        """The stem of each lowercase word, stopwords included."""
        with self._stemmer_lock:
            return self._stemmer.stemWords(words)

    def stems_of(self, words: list[str]) -> list[str | None]:
        """The stem of each lowercase word, None for a stopword."""
        return [None if w in STOPWORDS else s for w, s in zip(words, self.stems(words), strict=True)]

    def terms(self, text: str) -> list[str]:
        """The distinct index terms of a query, in order."""
        return list(dict.fromkeys(s for s in self.stems_of(_WORD.findall(text.lower())) if s))

    def weighted_terms(self, text: str, context: str,
                       context_weight: float = CONTEXT_WEIGHT) -> tuple[dict[str, float], float]:
        """A passage's terms with their weighted counts (a body word 1, a heading word `context_weight`) and
        its weighted length: what `KeywordIndex` holds for one passage, for an index kept elsewhere."""
        weights: dict[str, float] = {}
        length = 0.0
        for words, weight in ((_WORD.findall(text.lower()), 1.0), (_WORD.findall(context.lower()), context_weight)):
            kept = [s for s in self.stems_of(words) if s]
            for stem in kept:
                weights[stem] = weights.get(stem, 0.0) + weight
            length += len(kept) * weight
        for term in definition_terms(text):  # what it defines is no word of its length
            weights[term] = 1.0
        return weights, length


class KeywordIndex:
    """BM25 (k1 1.2, b 0.75; heading words count `context_weight` of a body word) over a set of passages.

    Immutable once built: `updated()` returns a new index, so readers keep searching the one they hold.
    The vocabulary dicts are shared between versions and only ever grows; a version ignores terms newer than it.
    """

    def __init__(self, analyzer: Analyzer | None = None, context_weight: float = CONTEXT_WEIGHT,
                 k1: float = K1, b: float = B) -> None:
        self.analyzer = analyzer or Analyzer()
        self.context_weight = context_weight
        self.k1, self.b = k1, b
        self._vocab: dict[str, int] = {}      # stem -> term id
        self._word_terms: dict[str, int] = {}  # indexed word -> its term id, -1 for a stopword
        self.ids = np.zeros(0, dtype=np.int64)          # passage id of each row
        self._lengths = np.zeros(0, dtype=np.float32)   # weighted term count of each row
        self._ptr = np.zeros(1, dtype=np.int64)          # term t's postings: [_ptr[t], _ptr[t + 1])
        self._rows = np.zeros(0, dtype=np.int32)
        self._tf = np.zeros(0, dtype=np.float32)
        self._impact = np.zeros(0, dtype=np.float32)

    def __len__(self) -> int:
        return len(self.ids)

    # -- building -------------------------------------------------------------------------------
    def _postings(self, texts: Sequence[str], weight: float, first_row: int) -> tuple[np.ndarray, np.ndarray,
                                                                                      np.ndarray, np.ndarray]:
        """(term ids, rows, weights) of every kept word of `texts`, and each text's weighted length."""
        words_per_text = [_WORD.findall(t.lower()) for t in texts]
        counts = np.fromiter(map(len, words_per_text), dtype=np.int64, count=len(texts))
        flat = list(chain.from_iterable(words_per_text))
        word_terms, vocab = self._word_terms, self._vocab
        new_words = list(set(flat).difference(word_terms))
        for word, stem in zip(new_words, self.analyzer.stems_of(new_words), strict=True):
            word_terms[word] = -1 if stem is None else vocab.setdefault(stem, len(vocab))
        term_ids = np.fromiter(map(word_terms.__getitem__, flat), dtype=np.int64, count=len(flat))
        rows = np.repeat(np.arange(first_row, first_row + len(texts), dtype=np.int64), counts)
        keep = term_ids >= 0
        term_ids, rows = term_ids[keep], rows[keep]
        lengths = np.bincount(rows - first_row, minlength=len(texts)).astype(np.float32) * weight
        return term_ids, rows, np.full(len(term_ids), weight, dtype=np.float32), lengths

    def _definition_postings(self, texts: Sequence[str], first_row: int) -> tuple[np.ndarray, np.ndarray]:
        """(term ids, rows) of the names each text defines (rag/definitions.py); they add nothing to its length."""
        terms = [definition_terms(t) for t in texts]
        vocab = self._vocab
        term_ids = np.fromiter((vocab.setdefault(t, len(vocab)) for ts in terms for t in ts), dtype=np.int64)
        rows = np.repeat(np.arange(first_row, first_row + len(texts), dtype=np.int64), [len(ts) for ts in terms])
        return term_ids, rows

    def _added_postings(self, added: Sequence[tuple[int, str, str]], first_row: int,
                        chunk: int = 20_000) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(terms, rows, weights, row lengths) of `added`, one posting per (term, row), a chunk at a time
        so that a million passages never hold all their words in memory at once."""
        parts = []
        for start in range(0, len(added), chunk):
            rows_chunk = added[start : start + chunk]
            first = first_row + start
            t_terms, t_rows, t_tf, t_len = self._postings([a[1] for a in rows_chunk], 1.0, first)
            c_terms, c_rows, c_tf, c_len = self._postings([a[2] for a in rows_chunk], self.context_weight, first)
            d_terms, d_rows = self._definition_postings([a[1] for a in rows_chunk], first)
            # Sum the body and heading weights of the same term in the same row.
            span = len(rows_chunk)
            key = np.concatenate([t_terms, c_terms, d_terms]) * span + (np.concatenate([t_rows, c_rows, d_rows]) - first)
            unique, inverse = np.unique(key, return_inverse=True)
            weights = np.bincount(inverse, weights=np.concatenate([t_tf, c_tf, np.ones(len(d_terms), np.float32)]))
            weights = weights.astype(np.float32)
            parts.append(((unique // span).astype(np.int32), (unique % span + first).astype(np.int32), weights,
                          t_len + c_len))
        return tuple(np.concatenate([p[i] for p in parts]) for i in range(4))  # type: ignore[return-value]

    def updated(self, added: Sequence[tuple[int, str, str]], removed_ids: np.ndarray) -> KeywordIndex:
        """A new index without the passages `removed_ids` and with `added` (id, text, context) rows."""
        if not added and not len(removed_ids):
            return self
        new = KeywordIndex(self.analyzer, self.context_weight, self.k1, self.b)
        new._vocab, new._word_terms = self._vocab, self._word_terms
        rows, tf, lengths, ids = self._rows, self._tf, self._lengths, self.ids
        terms = np.repeat(np.arange(len(self._ptr) - 1, dtype=np.int32), np.diff(self._ptr))
        if len(removed_ids):
            alive = ~np.isin(ids, removed_ids)
            renumber = (np.cumsum(alive) - 1).astype(np.int32)
            keep = alive[rows]
            terms, rows, tf = terms[keep], renumber[rows[keep]], tf[keep]
            ids, lengths = ids[alive], lengths[alive]
        if added:
            a_terms, a_rows, a_tf, a_len = self._added_postings(added, len(ids))
            terms, rows, tf = np.concatenate([terms, a_terms]), np.concatenate([rows, a_rows]), np.concatenate([tf, a_tf])
            ids = np.concatenate([ids, np.fromiter((a[0] for a in added), dtype=np.int64, count=len(added))])
            lengths = np.concatenate([lengths, a_len])
        # Stable: each term's postings stay in row order (old rows first, then the added ones).
        order = np.argsort(terms, kind="stable")
        new._rows, new._tf = rows[order], tf[order]
        del order
        new._ptr = np.zeros(len(self._vocab) + 1, dtype=np.int64)
        np.cumsum(np.bincount(terms, minlength=len(self._vocab)), out=new._ptr[1:])
        new.ids, new._lengths = ids, lengths
        new._impact = new._impacts()
        return new

    def _impacts(self) -> np.ndarray:
        """Each posting's BM25 contribution: idf(term) * tf (k1 + 1) / (tf + k1 (1 - b + b len / avg len)).

        Stems, idf and weights follow the SQLite FTS5 index this replaced (porter tokenizer, bm25() with the
        headings weighted 0.4); body and heading words share one length normalization here.
        """
        n = len(self.ids)
        if n == 0:
            return np.zeros(0, dtype=np.float32)
        df = np.diff(self._ptr).astype(np.float64)
        # FTS5's idf, floored near 0: a word in over half the passages says little about any of them.
        idf = np.maximum(np.log((n - df + 0.5) / (df + 0.5)), 1e-6)
        avg = float(self._lengths.mean()) or 1.0
        norm = self.k1 * (1.0 - self.b + self.b * self._lengths / avg)
        per_posting_idf = np.repeat(idf, np.diff(self._ptr))
        return (per_posting_idf * self._tf * (self.k1 + 1.0) / (self._tf + norm[self._rows])).astype(np.float32)

    # -- reading --------------------------------------------------------------------------------
    def _term_id(self, term: str) -> int | None:
        term_id = self._vocab.get(term)
        if term_id is None or term_id >= len(self._ptr) - 1 or self._ptr[term_id] == self._ptr[term_id + 1]:
            return None
        return term_id

    def search(self, query: str, k: int, allowed_ids: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The `k` best (passage id, BM25 score) for the query's terms, best first; ties by id."""
        if k <= 0 or not len(self.ids):
            return []
        term_ids = [t for t in (self._term_id(s) for s in self.analyzer.terms(query)) if t is not None]
        if not term_ids:
            return []
        scores = np.zeros(len(self.ids), dtype=np.float32)
        for t in term_ids:
            start, end = self._ptr[t], self._ptr[t + 1]
            scores[self._rows[start:end]] += self._impact[start:end]
        if allowed_ids is not None:
            scores[~np.isin(self.ids, allowed_ids)] = 0.0
        # Everything that scores at least the k-th best, so ties at the cut are broken by id, not by chance.
        kth = scores[np.argpartition(scores, len(scores) - k)[len(scores) - k]] if len(scores) > k else 0.0
        matched = np.flatnonzero(scores >= max(kth, np.finfo(np.float32).tiny))
        best = matched[np.lexsort((self.ids[matched], -scores[matched]))][:k]
        return [(int(self.ids[r]), float(scores[r])) for r in best]

    def defining(self, lookups: Sequence[Sequence[str]], allowed_ids: np.ndarray | None = None,
                 limit: int = DEFINED_PER_NAME) -> list[int]:
        """The passages that define the names looked up (rag/definitions.py): for each name, those of the first of
        its terms that any passage defines (the first `limit` by id); in id order."""
        found: set[int] = set()
        for terms in lookups:
            for term in terms:
                term_id = self._term_id(term)
                if term_id is not None:
                    ids = self.ids[self._rows[self._ptr[term_id] : self._ptr[term_id + 1]]]
                    if allowed_ids is not None:
                        ids = ids[np.isin(ids, allowed_ids)]
                    if len(ids):
                        found.update(int(i) for i in np.sort(ids)[:limit])
                        break
        return sorted(found)

    def absent_terms(self, terms: Sequence[str]) -> list[str]:
        """The words among `terms` whose stem occurs in no passage (stopwords are never absent)."""
        stems = self.analyzer.stems_of([t.lower() for t in terms])
        return [t for t, s in zip(terms, stems, strict=True) if s is not None and self._term_id(s) is None]

    # -- saving ---------------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        """Write to `path` atomically (a temporary file, then a rename)."""
        terms = sorted(self._vocab, key=self._vocab.__getitem__)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        try:
            with open(tmp, "wb") as handle:
                np.savez(handle, ids=self.ids, lengths=self._lengths, ptr=self._ptr[: len(terms) + 1],
                         rows=self._rows, tf=self._tf, params=np.array([self.context_weight, self.k1, self.b]),
                         vocab=np.frombuffer("\n".join(terms).encode("utf-8"), dtype=np.uint8),
                         analyzer=np.frombuffer(self.analyzer.name.encode("utf-8"), dtype=np.uint8))
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: Path, analyzer: Analyzer | None = None) -> KeywordIndex:
        """An index written by `save` (ValueError or OSError when the file is not one)."""
        with np.load(path, allow_pickle=False) as data:
            context_weight, k1, b = (float(x) for x in data["params"])
            index = cls(analyzer, context_weight, k1, b)
            made_by = data["analyzer"].tobytes().decode("utf-8") if "analyzer" in data.files else "unknown"
            if made_by != index.analyzer.name:
                raise ValueError(f"{path} was made by analyzer {made_by!r}, not {index.analyzer.name!r}")
            text = data["vocab"].tobytes().decode("utf-8")
            index._vocab = {term: i for i, term in enumerate(text.split("\n"))} if text else {}
            index.ids, index._lengths, index._ptr = data["ids"], data["lengths"], data["ptr"]
            index._rows, index._tf = data["rows"], data["tf"]
        if len(index._ptr) != len(index._vocab) + 1 or len(index._rows) != index._ptr[-1]:
            raise ValueError(f"{path} is not a consistent keyword index")
        index._impact = index._impacts()
        return index

    def lengths_of(self, ids: np.ndarray) -> np.ndarray:
        """The weighted term counts of the passages `ids`, all held by this index (rows are in id order)."""
        return self._lengths[np.searchsorted(self.ids, ids)]

"""How rare each query word is in the PostgreSQL index: the IDF that `ts_rank_cd` lacks, from the planner's statistics.

ANALYZE keeps, for a `tsvector` column, its most common lexemes and the fraction of rows holding each
(`pg_stats.most_common_elems` / `most_common_elem_freqs`, about a thousand lexemes). A word among them gets the
BM25 IDF of that fraction; a word rarer than all of them gets the IDF of half the smallest listed fraction. Words
are stemmed with Snowball's English stemmer, the one PostgreSQL's `english` configuration uses. Without statistics
yet (a new or small table before autovacuum's ANALYZE) every word weighs the same.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .pool import Pool


class TermRarity:
    def __init__(self) -> None:
        self._freqs: dict[str, float] | None = None
        self._floor = 0.0
        self._lock = threading.Lock()
        self._stemmer = None

    def forget(self) -> None:
        with self._lock:
            self._freqs = None

    def _load(self, pool: Pool) -> None:
        with pool.connection() as conn:
            row = conn.execute("SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
                               "WHERE schemaname = current_schema() AND tablename = 'passages' "
                               "AND attname = 'terms'").fetchone()
        freqs: dict[str, float] = {}
        floor = 0.0
        if row and row[0] and row[1]:
            elems, values = row
            freqs = dict(zip(elems, values[: len(elems)], strict=True))
            floor = values[len(elems)] / 2  # after the elements: the smallest and largest frequency, then nulls
        with self._lock:
            self._freqs, self._floor = freqs, floor

    def weights(self, words: Sequence[str], pool: Pool) -> list[float]:
        """A weight per word: BM25's IDF of its document frequency, or 1.0 each without statistics."""
        if self._freqs is None:
            self._load(pool)
        freqs, floor = self._freqs or {}, self._floor
        if not freqs or floor <= 0:
            return [1.0] * len(words)
        stems = self._stems(words)
        return [_idf(freqs.get(stem, floor)) for stem in stems]

    def _stems(self, words: Sequence[str]) -> list[str]:
        with self._lock:
            if self._stemmer is None:
                import Stemmer

                self._stemmer = Stemmer.Stemmer("english")
            return self._stemmer.stemWords([w.lower() for w in words])


def _idf(fraction: float) -> float:
    fraction = min(max(fraction, 1e-9), 1.0)
    return math.log(1.0 + (1.0 - fraction + 1e-9) / (fraction + 1e-9))

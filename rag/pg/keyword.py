"""Keyword search on PostgreSQL: the local index's BM25 (same terms, same scores), with top-k pruning.

Terms come from the local analyzer (rag/keyword.py: lowercase words, stopwords dropped, Porter stems; heading
words weigh 0.4), so the scores are the in-memory BM25's, not PostgreSQL full text's. Tables (migration 2):

- `keyword_postings(passage_id, term, tf, length, key)`: one row per term of a passage; `tf` its weighted count,
  `length` the passage's weighted length, `key` = tf / (tf + k1 (1 - b + b length / L0)), BM25's term-frequency
  part at a fixed reference length L0 (`rag_meta.keyword_key_length`). A B-tree on (term, key DESC) carrying
  (passage_id, tf, length) hands out a term's postings best first, by index-only scans; the primary key
  (passage_id, term) finds one posting of a passage.
- `keyword_terms(term, df)`: each term's document frequency, and `rag_state.keyword_length` the summed lengths,
  both changed by the writer in the transaction that writes the passages. BM25's idf and average length are
  therefore exact at every generation, as in the local index.

A query takes one of two ways, both exact:
- its terms are in at most `ALL_POSTINGS_MAX` postings together: one statement reads them all (an index-only scan
  a term, each term's postings returned as binary arrays) and numpy sums them per passage, as the local index
  does (in float64; an SQL hash aggregate over the same postings took 1.3-3x as long at 100k passages);
- more (common words of a large corpus): the threshold algorithm of Fagin et al. It reads the `depth` best
  postings of each term, scores each passage seen there (its other terms by primary-key lookups, only for the
  passages that could still reach the top k), and keeps the k best. A passage seen in none of the lists scores at
  most the sum, over the terms whose list was cut, of the BM25 of that list's last key (bounded for the current
  average length, see `_bound`); when the k-th best score beats that bound the answer is the local one. Otherwise
  the lists are flat (many passages with nearly the same key, the worst case): with at most
  `SUMMED_AFTER_LISTS_MAX` postings they are all summed as in the first way, else the depth grows eightfold and
  the lists are read again (a list shorter than its depth is complete: bound 0).

Writers change `keyword_terms` only after taking the `rag_state` row lock (the last step of every write), so the
document-frequency updates of concurrent writers are serialized: never a deadlock between two writers adding
the same terms in different orders, and never a lost count.
"""

from __future__ import annotations

import functools
import math
import struct
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..definitions import DEFINED_PER_NAME, DEFINES, definition_terms
from ..keyword import K1, Analyzer, B

if TYPE_CHECKING:
    import psycopg
    from psycopg.abc import Buffer


# The reference length of `key` in a new database; a migrated one takes the mean length of its first passages.
DEFAULT_KEY_LENGTH = 60.0
KEY_LENGTH_META = "keyword_key_length"
# Postings read per query term at first; eightfold each time the bound says the answer might not be exact yet.
FIRST_DEPTH = 100
# Query terms in at most this many postings together are scored in full (one index-only scan a term, the postings
# summed in numpy: about 24k postings in 9-19 ms on the loaded 2-core machine); beyond it the pruned lists first.
ALL_POSTINGS_MAX = 100_000
# When the first round of the lists does not prove the top k (flat lists, as in the synthetic benchmark corpus),
# terms in at most this many postings are summed in full after all (about 290k in 240 ms on the loaded machine,
# where the lists took 8 s to depth 51,200); beyond it the lists are read deeper.
SUMMED_AFTER_LISTS_MAX = 1_000_000
_IDF_FLOOR = 1e-6  # as the local index: a word in over half the passages says little about any of them

# The index that hands out a term's postings best first (index-only scans); a bulk load may drop it and build it after.
BEST_INDEX_SQL = ("CREATE INDEX keyword_postings_best ON keyword_postings(term, key DESC) "
                  "INCLUDE (passage_id, tf, length)")

SCHEMA = f"""
ALTER TABLE rag_state ADD COLUMN keyword_length double precision NOT NULL DEFAULT 0;
CREATE TABLE keyword_terms(term text PRIMARY KEY, df bigint NOT NULL CHECK (df > 0));
CREATE TABLE keyword_postings(
    passage_id bigint NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
    term text NOT NULL,
    tf real NOT NULL, length real NOT NULL, key real NOT NULL,
    PRIMARY KEY (passage_id, term));
{BEST_INDEX_SQL};
INSERT INTO rag_meta(key, value) VALUES ('{KEY_LENGTH_META}', '{DEFAULT_KEY_LENGTH}');
-- PostgreSQL full text is replaced by the postings above.
DROP INDEX passages_terms;
ALTER TABLE passages DROP COLUMN terms;
"""


_COPY_POSTINGS = "COPY keyword_postings (passage_id, term, tf, length, key) FROM STDIN WITH (FORMAT BINARY)"


def key_of(tf: float, length: float, key_length: float) -> float:
    return tf / (tf + K1 * (1.0 - B + B * length / key_length))


def key_length(conn: psycopg.Connection) -> float:
    return float(conn.execute("SELECT value FROM rag_meta WHERE key = %s", (KEY_LENGTH_META,)).fetchone()[0])


class Postings:
    """What one transaction adds to and removes from the keyword tables, published under the state row's lock."""

    def __init__(self, analyzer: Analyzer, key_length: float) -> None:
        self.analyzer, self.key_length = analyzer, key_length
        self.df: dict[str, int] = {}
        self.length = 0.0

    def add(self, conn: psycopg.Connection, passages: Iterable[tuple[int, str, str]]) -> None:
        """Write the postings of new (id, text, context) passages (no other transaction sees them before the commit)."""
        with conn.cursor() as cur, cur.copy(_COPY_POSTINGS) as copy:
            copy.set_types(["int8", "text", "float4", "float4", "float4"])
            for pid, text, context in passages:
                weights, length = self.analyzer.weighted_terms(text, context)
                length = float(np.float32(length))  # as stored (float4), so the sum is the stored lengths' sum
                self.length += length
                for term, tf in weights.items():
                    self.df[term] = self.df.get(term, 0) + 1
                    copy.write_row((pid, term, tf, length, key_of(tf, length, self.key_length)))

    def remove(self, conn: psycopg.Connection, doc_id: str) -> None:
        """Count what the document's postings held, before its passages (and their postings) are deleted."""
        of_doc = "FROM keyword_postings WHERE passage_id IN (SELECT id FROM passages WHERE doc_id = %s)"
        for term, n in conn.execute(f"SELECT term, COUNT(*) {of_doc} GROUP BY term", (doc_id,)):
            self.df[term] = self.df.get(term, 0) - int(n)
        self.length -= float(conn.execute(
            f"SELECT COALESCE(SUM(l::float8), 0) FROM (SELECT MAX(length) AS l {of_doc} GROUP BY passage_id) x",
            (doc_id,)).fetchone()[0])

    def publish(self, conn: psycopg.Connection) -> None:
        """Apply the document-frequency changes. Call only while holding the `rag_state` row lock."""
        changed = sorted((t, d) for t, d in self.df.items() if d)
        if not changed:
            return
        added = [(t, d) for t, d in changed if d > 0]
        if added:
            conn.execute("INSERT INTO keyword_terms AS k (term, df) SELECT * FROM unnest(%s::text[], %s::int8[]) "
                         "ORDER BY 1 ON CONFLICT (term) DO UPDATE SET df = k.df + EXCLUDED.df",
                         ([t for t, _ in added], [d for _, d in added]))
        fewer = [(t, d) for t, d in changed if d < 0]
        if fewer:  # (a CHECK applies to a row proposed for insertion, so these are no upsert)
            params = ([t for t, _ in fewer], [d for _, d in fewer])
            conn.execute("DELETE FROM keyword_terms k USING unnest(%s::text[], %s::int8[]) AS d(term, delta) "
                         "WHERE k.term = d.term AND k.df + d.delta <= 0", params)
            conn.execute("UPDATE keyword_terms k SET df = k.df + d.delta "
                         "FROM unnest(%s::text[], %s::int8[]) AS d(term, delta) WHERE k.term = d.term", params)


_LISTS = """
WITH st AS (
    SELECT passages AS n, CASE WHEN keyword_length > 0 AND passages > 0 THEN keyword_length / passages ELSE 1.0 END
        AS avg
    FROM rag_state),
q AS MATERIALIZED (
    SELECT w.n AS i, t.term, GREATEST(ln(GREATEST((st.n - t.df + 0.5::float8) / (t.df + 0.5::float8), 1e-300)), %(floor)s) AS idf
    FROM unnest(%(terms)s::text[]) WITH ORDINALITY AS w(term, n) JOIN keyword_terms t USING (term), st),
best AS MATERIALIZED (
    SELECT q.i, b.passage_id, b.key,
        q.idf * b.tf * %(k1p1)s / (b.tf + %(k1)s * (%(one_b)s + %(b)s * b.length / st.avg)) AS score
    FROM q CROSS JOIN st CROSS JOIN LATERAL (
        SELECT p.passage_id, p.tf, p.length, p.key FROM keyword_postings p WHERE p.term = q.term {filter}
        ORDER BY p.key DESC LIMIT %(depth)s) b)
SELECT 0 AS kind, passage_id AS n, SUM(score) AS value, array_agg(i) AS seen FROM best GROUP BY passage_id
UNION ALL SELECT 1, i, MIN(key), ARRAY[COUNT(*)] FROM best GROUP BY i
UNION ALL SELECT 2, i, idf, NULL FROM q
UNION ALL SELECT 3, 0, avg, NULL FROM st
"""
# Every posting of the query's terms, as three arrays a term (passage ids, weighted counts, lengths) that the
# caller sums per passage in numpy: exact, one index-only scan per term, when the terms are in at most `most`
# postings together (no lists to cut, no lookups). Else the arrays are NULL and only the count comes back.
# One statement: one snapshot. (Summed in SQL instead, a hash aggregate, it took about 4x as long.)
_ARRAYS = """
WITH st AS (
    SELECT passages AS n, CASE WHEN keyword_length > 0 AND passages > 0 THEN keyword_length / passages ELSE 1.0 END
        AS avg
    FROM rag_state),
q AS MATERIALIZED (
    SELECT w.n AS i, t.term, t.df FROM unnest(%(terms)s::text[]) WITH ORDINALITY AS w(term, n)
    JOIN keyword_terms t USING (term)),
total AS (SELECT COALESCE(SUM(df), 0) AS n FROM q)
SELECT q.df, st.n, st.avg, (SELECT n FROM total), x.ids, x.tfs, x.lengths
FROM q CROSS JOIN st CROSS JOIN LATERAL (  -- lateral: an index scan per term, whatever the planner estimates
    SELECT array_agg(p.passage_id) AS ids, array_agg(p.tf) AS tfs, array_agg(p.length) AS lengths
    FROM keyword_postings p WHERE p.term = q.term AND (SELECT n FROM total) <= %(most)s {filter}) x
"""
# The postings a candidate holds for terms whose list did not show it (one primary-key lookup each).
_LOOKUP = """
SELECT w.passage_id, w.i, x.tf, x.length
FROM unnest(%s::int8[], %s::int8[], %s::text[]) AS w(passage_id, i, term)
CROSS JOIN LATERAL (SELECT p.tf, p.length FROM keyword_postings p
                    WHERE p.passage_id = w.passage_id AND p.term = w.term) x
"""


def search(conn: psycopg.Connection, terms: Sequence[str], k: int, allowed: Sequence[int] | None,
           key_length: float, *, depth: int = FIRST_DEPTH, all_postings_max: int = ALL_POSTINGS_MAX,
           summed_after_lists_max: int = SUMMED_AFTER_LISTS_MAX,
           stats: dict[str, object] | None = None) -> list[tuple[int, float]]:
    """The k best (passage id, BM25 score) for the query terms (stems), best first, ties by id: exact.

    Terms in at most `all_postings_max` postings together: all of them read in one statement and summed here.
    More: the lists, `depth` postings a term; when they do not prove the top k, every posting is summed after all
    if there are at most `summed_after_lists_max`, else the lists are read deeper until the bound proves it. One
    snapshot for everything. `stats` (for measuring) receives the way taken and the depth of each round."""
    filter_ = "AND p.passage_id = ANY(%(allowed)s)" if allowed is not None else ""
    params: dict[str, object] = {"terms": list(terms), "floor": _IDF_FLOOR, "k1p1": K1 + 1.0, "k1": K1, "k": k,
                                 "one_b": 1.0 - B, "b": B, "allowed": list(allowed) if allowed is not None else None}
    stats = {} if stats is None else stats
    rows = _postings(conn, filter_, params, all_postings_max)
    if not rows or rows[0][3] <= all_postings_max:
        stats["way"] = "all"
        return _summed(rows, k)
    total = rows[0][3]
    from psycopg.pq import TransactionStatus

    outside = conn.info.transaction_status == TransactionStatus.IDLE  # else the caller's transaction is the snapshot
    with conn.transaction():
        if outside:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        stats["way"], stats["depths"] = "lists", []
        sql = _LISTS.format(filter=filter_)
        while True:
            params["depth"] = depth
            stats["depths"].append(depth)
            hits, unseen = _round(conn, sql, params, terms, k, depth, key_length)
            if (len(hits) >= k and hits[k - 1][1] > unseen) or unseen == 0.0:
                return hits[:k]
            if total <= summed_after_lists_max:  # flat lists: summing them all is cheaper than reading deeper
                stats["way"] = "lists, then all"
                return _summed(_postings(conn, filter_, params, summed_after_lists_max), k)
            depth *= 8


def _postings(conn: psycopg.Connection, filter_: str, params: dict[str, object], most: int) -> list[tuple]:
    """The rows of `_ARRAYS`: each known query term's postings as arrays when there are at most `most` in all."""
    with conn.cursor(binary=True) as cur:
        for oid in _ARRAY_OIDS:  # this cursor only: the arrays come back as their bytes, parsed by numpy
            cur.adapters.register_loader(oid, _raw_array_loader())
        return cur.execute(_ARRAYS.format(filter=filter_), {**params, "most": most}).fetchall()


_ARRAY_OIDS = (1016, 1021)  # int8[], float4[]
# Passage ids below this are summed in an array indexed by id (32 MB of float64 at most) instead of sorted first.
_DENSE_IDS_MAX = 4_000_000


@functools.cache
def _raw_array_loader() -> type:
    """A loader of a binary array as its bytes (`_array` reads them), not a list of Python numbers."""
    from psycopg.adapt import Loader
    from psycopg.pq import Format

    class RawArray(Loader):
        format = Format.BINARY

        def load(self, data: Buffer) -> bytes:
            return bytes(data)

    return RawArray


def _array(data: bytes | None, dtype: str) -> np.ndarray:
    """The elements of a one-dimensional PostgreSQL array without NULLs, sent in binary, as a native numpy array.

    The format: ndim, has-nulls flag, element type, then per dimension its size and lower bound (int32 each), then
    each element as its int32 byte length and its big-endian bytes."""
    if data is None:
        return np.zeros(0, dtype=dtype)
    ndim, has_nulls, _ = struct.unpack_from(">iiI", data)
    if ndim == 0:  # an empty array: no dimensions follow
        return np.zeros(0, dtype=dtype)
    if ndim != 1 or has_nulls:
        raise ValueError(f"expected a one-dimensional array without NULLs, got {ndim} dimension(s), "
                         f"NULLs: {bool(has_nulls)}")
    (size,) = struct.unpack_from(">i", data, 12)
    big = np.dtype(dtype).newbyteorder(">")
    items = np.frombuffer(data, dtype=[("length", ">i4"), ("value", big)], count=size, offset=20)
    if size and not (items["length"] == big.itemsize).all():
        raise ValueError("array elements of an unexpected width")
    return items["value"].astype(dtype)


def _summed(rows: list[tuple], k: int) -> list[tuple[int, float]]:
    """The k best passages of the postings arrays of `_ARRAYS` (one row a term), BM25 summed as the local index
    does (in float64, as SQL would), ties by id."""
    if not rows:
        return []
    n, avg = float(rows[0][1]), float(rows[0][2])
    ids, scores = [], []
    for df, _, _, _, raw_ids, raw_tfs, raw_lengths in rows:
        idf = max(math.log(max((n - df + 0.5) / (df + 0.5), 1e-300)), _IDF_FLOOR)
        tf = _array(raw_tfs, "float32").astype(np.float64)
        length = _array(raw_lengths, "float32").astype(np.float64)
        ids.append(_array(raw_ids, "int64"))
        scores.append(idf * (K1 + 1.0) * tf / (tf + K1 * (1.0 - B) + (K1 * B / avg) * length))
    every = np.concatenate(ids)
    if not len(every):
        return []
    weights = np.concatenate(scores)
    if every.max() < max(4 * len(every), _DENSE_IDS_MAX):  # ids in a small range: one slot each, no sort
        slots = np.bincount(every, weights=weights)
        passages = np.flatnonzero(slots > 0)  # every posting adds more than 0 (idf >= its floor, tf > 0)
        summed = slots[passages]
    else:
        passages, at = np.unique(every, return_inverse=True)
        summed = np.bincount(at, weights=weights, minlength=len(passages))
    # Everything that scores at least the k-th best, so ties at the cut are broken by id, not by chance.
    kth = np.partition(summed, len(summed) - k)[len(summed) - k] if len(summed) > k else -np.inf
    keep = np.flatnonzero(summed >= kth)
    best = keep[np.lexsort((passages[keep], -summed[keep]))][:k]
    return [(int(passages[i]), float(summed[i])) for i in best]


def _round(conn: psycopg.Connection, sql: str, params: dict[str, object], terms: Sequence[str], k: int,
           depth: int, key_length: float) -> tuple[list[tuple[int, float]], float]:
    """The best k among the passages the lists show, exactly scored, and the most a passage they do not show
    can score."""
    rows = conn.execute(sql, params).fetchall()
    partial = {r[1]: (float(r[2]), r[3]) for r in rows if r[0] == 0}
    idf = {r[1]: float(r[2]) for r in rows if r[0] == 2}
    avg = next((float(r[2]) for r in rows if r[0] == 3), 1.0)
    cut = {r[1]: _bound(idf[r[1]], float(r[2]), avg, key_length) for r in rows if r[0] == 1 and r[3][0] >= depth}
    # A passage's partial score (its terms in the lists) is a floor of its score; adding the bounds of the cut
    # lists it is missing from gives a ceiling. Only a passage whose ceiling reaches the k-th floor can be in the
    # top k: its missing terms are looked up, the others are never scored in full.
    floor = sorted((p for p, _ in partial.values()), reverse=True)[k - 1] if len(partial) >= k else 0.0
    asks: list[tuple[int, int]] = []
    for pid, (score, seen) in partial.items():
        missing = [i for i in cut if i not in seen]
        if missing and score + sum(cut[i] for i in missing) >= floor:
            asks.extend((pid, i) for i in missing)
    scores = {pid: score for pid, (score, _) in partial.items()}
    if asks:
        found = conn.execute(_LOOKUP, ([a[0] for a in asks], [a[1] for a in asks],
                                       [terms[a[1] - 1] for a in asks])).fetchall()
        for pid, i, tf, length in found:
            scores[pid] += idf[i] * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * length / avg))
    best = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    return best[:k], sum(cut.values())


def _bound(idf: float, key: float, avg: float, key_length: float) -> float:
    """The most a posting whose key is at most `key` adds to a score at average length `avg`.

    With c(L) = k1 (1 - b + b length / L), c(avg) >= r c(L0) for r = min(1, L0 / avg); so from
    tf / (tf + c(L0)) <= key follows tf / (tf + c(avg)) <= key / (key + r (1 - key)).
    """
    key = min(1.0, key * (1 + 1e-6))  # the stored key is a float4
    r = min(1.0, key_length / avg)
    return idf * (K1 + 1.0) * key / (key + r * (1.0 - key)) * (1 + 1e-9)


def absent_terms(conn: psycopg.Connection, analyzer: Analyzer, words: Sequence[str]) -> list[str]:
    """The words whose stem no passage holds (stopwords are never absent)."""
    stems = analyzer.stems_of([w.lower() for w in words])
    asked = sorted({s for s in stems if s})
    if not asked:
        return []
    present = {r[0] for r in conn.execute("SELECT term FROM keyword_terms WHERE term = ANY(%s)", (asked,))}
    return [w for w, s in zip(words, stems, strict=True) if s is not None and s not in present]


def defining(conn: psycopg.Connection, lookups: Sequence[Sequence[str]], allowed: Sequence[int] | None,
             limit: int = DEFINED_PER_NAME) -> list[int]:
    """The passages that define the names looked up: per name, those of the first of its terms any passage holds
    (the first `limit` by id; one index scan a term tried)."""
    sql = "SELECT passage_id FROM keyword_postings WHERE term = %s" + \
        ("" if allowed is None else " AND passage_id = ANY(%s)") + " ORDER BY passage_id LIMIT %s"
    found: set[int] = set()
    for terms_of_name in lookups:
        for term in terms_of_name:
            params = (term, limit) if allowed is None else (term, list(allowed), limit)
            rows = [r[0] for r in conn.execute(sql, params)]
            if rows:
                found.update(rows)
                break
    return sorted(found)


# -- migration, checking, repairing -------------------------------------------------------------------------------
def _stored_passages(conn: psycopg.Connection, chunk: int) -> Iterator[list[tuple[int, str, str]]]:
    """Every stored passage's (id, text, context), in id order, `chunk` rows at a time."""
    last = -1
    while True:
        rows = conn.execute("SELECT id, text, context FROM passages WHERE id > %s ORDER BY id LIMIT %s",
                            (last, chunk)).fetchall()
        if not rows:
            return
        yield [tuple(r) for r in rows]
        last = rows[-1][0]


def backfill(conn: psycopg.Connection, chunk: int = 2000) -> None:
    """Postings, document frequencies and lengths of the passages already stored (migration 2)."""
    analyzer = Analyzer()
    first = conn.execute("SELECT text, context FROM passages ORDER BY id LIMIT %s", (chunk,)).fetchall()
    if not first:
        return
    lengths = [analyzer.weighted_terms(text, context)[1] for text, context in first]
    reference = (sum(lengths) / len(lengths)) or DEFAULT_KEY_LENGTH
    conn.execute("UPDATE rag_meta SET value = %s WHERE key = %s", (str(reference), KEY_LENGTH_META))
    postings = Postings(analyzer, reference)
    for rows in _stored_passages(conn, chunk):
        postings.add(conn, rows)
    conn.execute("UPDATE rag_state SET keyword_length = %s", (postings.length,))
    postings.publish(conn)


def backfill_definitions(conn: psycopg.Connection, chunk: int = 2000) -> None:
    """The postings of the names the passages already stored define (migration 4; rag/definitions.py)."""
    analyzer = Analyzer()
    postings = Postings(analyzer, key_length(conn))
    # Run again (the migration's record deleted by hand), it writes them anew rather than twice.
    conn.execute("DELETE FROM keyword_postings WHERE starts_with(term, %s)", (DEFINES,))
    conn.execute("DELETE FROM keyword_terms WHERE starts_with(term, %s)", (DEFINES,))
    for rows in _stored_passages(conn, chunk):
        with conn.cursor() as cur, cur.copy(_COPY_POSTINGS) as copy:
            copy.set_types(["int8", "text", "float4", "float4", "float4"])
            for pid, text, context in rows:
                terms = definition_terms(text)
                if terms:
                    length = float(np.float32(analyzer.weighted_terms(text, context)[1]))
                    for term in terms:
                        postings.df[term] = postings.df.get(term, 0) + 1
                        copy.write_row((pid, term, 1.0, length, key_of(1.0, length, postings.key_length)))
    postings.publish(conn)


_DF_MISMATCH = ("FROM (SELECT term, COUNT(*) AS n FROM keyword_postings GROUP BY term) p "
                "FULL JOIN keyword_terms t USING (term) WHERE p.n IS DISTINCT FROM t.df")
_LENGTHS = "SELECT COALESCE(SUM(l::float8), 0) FROM (SELECT MAX(length) AS l FROM keyword_postings GROUP BY passage_id) x"


# Passages without a single posting. One whose words are all stopwords rightly has none: the analyzer decides.
_UNPOSTED = ("SELECT p.id, p.text, p.context FROM passages p WHERE NOT EXISTS "
             "(SELECT 1 FROM keyword_postings k WHERE k.passage_id = p.id) ORDER BY p.id")
# Passages with some of their postings gone: a passage's weighted term counts sum to its weighted length
# (`Analyzer.weighted_terms`), both stored as float4.
# (The names a passage defines are terms of their own, not words: they add nothing to its length.)
_PARTIAL = ("SELECT p.id, p.text, p.context FROM passages p JOIN (SELECT passage_id FROM keyword_postings "
            "GROUP BY passage_id HAVING abs(COALESCE(SUM(tf::float8) FILTER (WHERE NOT starts_with(term, "
            f"'{DEFINES}')), 0) - MAX(length)) > 1e-3 + 1e-4 * MAX(length)) x "
            "ON x.passage_id = p.id ORDER BY p.id")


def _unposted(conn: psycopg.Connection, analyzer: Analyzer) -> tuple[list[tuple[int, str, str]],
                                                                     list[tuple[int, str, str]]]:
    """(id, text, context) of the passages missing every posting their terms call for, and of those missing some
    of theirs."""
    missing = [r for r in conn.execute(_UNPOSTED).fetchall() if analyzer.weighted_terms(r[1], r[2])[0]]
    return missing, [tuple(r) for r in conn.execute(_PARTIAL).fetchall()]


def problems(conn: psycopg.Connection) -> list[str]:
    out = []
    missing, partial = _unposted(conn, Analyzer())
    if missing:
        out.append(f"{len(missing)} passages have no keyword postings (keyword search cannot find them; "
                   "`rag repair` writes them)")
    if partial:
        out.append(f"{len(partial)} passages miss some of their keyword postings (`rag repair` writes them again)")
    bad = conn.execute(f"SELECT COUNT(*) {_DF_MISMATCH}").fetchone()[0]
    if bad:
        out.append(f"{bad} keyword terms whose document frequency is not their postings' count (`rag repair`)")
    stored = float(conn.execute("SELECT keyword_length FROM rag_state").fetchone()[0])
    summed = float(conn.execute(_LENGTHS).fetchone()[0])
    if not math.isclose(stored, summed, rel_tol=1e-6, abs_tol=1e-3):
        out.append(f"the state's keyword length {stored:g} is not the passages' {summed:g} (`rag repair`)")
    return out


def repair(conn: psycopg.Connection) -> list[str]:
    """Write the postings of passages missing some or all of theirs, then recount document frequencies and
    lengths from the postings. Call holding the `rag_state` row lock (no writer changes postings meanwhile)."""
    actions = []
    analyzer = Analyzer()
    missing, partial = _unposted(conn, analyzer)
    if missing or partial:
        conn.execute("DELETE FROM keyword_postings WHERE passage_id = ANY(%s)", ([r[0] for r in partial],))
        # Their document frequencies and the summed length are recounted below, from the postings.
        Postings(analyzer, key_length(conn)).add(conn, [*missing, *partial])
        actions.append(f"wrote the keyword postings of {len(missing) + len(partial)} passages that missed them")
    bad = conn.execute(f"SELECT COUNT(*) {_DF_MISMATCH}").fetchone()[0]
    if bad:
        conn.execute("DELETE FROM keyword_terms")
        conn.execute("INSERT INTO keyword_terms(term, df) SELECT term, COUNT(*) FROM keyword_postings "
                     "GROUP BY term ORDER BY term")
        actions.append(f"recounted the document frequency of {bad} keyword terms")
    summed = float(conn.execute(_LENGTHS).fetchone()[0])
    stored = float(conn.execute("SELECT keyword_length FROM rag_state").fetchone()[0])
    if not math.isclose(stored, summed, rel_tol=1e-6, abs_tol=1e-3):
        conn.execute("UPDATE rag_state SET keyword_length = %s", (summed,))
        actions.append(f"recounted the keyword length: {summed:g} (the state said {stored:g})")
    return actions


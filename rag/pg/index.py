"""The index in PostgreSQL + pgvector: many writers and stateless readers over one database.

Dense candidates come from an HNSW index (`hnsw.ef_search` set per query; with a `doc_ids` filter an exact scan
of the filtered passages, or an iterative HNSW scan when the filter is large, so k rows still come back);
keyword candidates are the local index's BM25 over postings tables the writers keep (rag/pg/keyword.py). The
retriever fuses them by RRF as it does for the local index.

Writes: one `apply` is one transaction. It takes an advisory lock per document id (sorted, so writers never
deadlock), skips a document whose stored content hash is already the same (two writers ingesting one file at
once give one document), and ends by advancing the generation row, which every reader polls in `refresh()`.
A killed writer's transaction is rolled back by the server: nothing partial is ever visible.

Reads for search may go to a streaming replica (`read_url`); document lookups stay on the primary, so an upload
reads back at once. This process holds no copy of the index, only the generation it last saw.
"""

from __future__ import annotations

import json
import time
import weakref
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from .. import index as local_index
from ..definitions import DEFINED_PER_NAME
from ..errors import IndexMismatchError, RagError
from ..index import DocumentUpdate
from ..index_backend import IndexState
from ..keyword import Analyzer
from ..records import Passage, SentenceVectors
from ..store import StoredDocument, like_prefix
from . import keyword, migrations
from .pool import Pool, psycopg_module

if TYPE_CHECKING:
    import psycopg

# With a filter to at most this many passages, dense search scores them all (exact); above it, an iterative
# HNSW scan (pgvector 0.8 `hnsw.iterative_scan`) keeps looking until k filtered rows are found.
EXACT_FILTER_MAX = 20_000
# The steps of `apply` where `RAG_CRASH_AT` may kill the writer (see rag.index.crash_point).
CRASH_POINTS = ("pg_rows_written", "pg_state_updated", "pg_committed")

_DOCUMENT_COLUMNS = ("d.id, d.source, d.title, d.media_type, d.content_hash, d.added_at,"
                     " (SELECT COUNT(*) FROM passages p WHERE p.doc_id = d.id), char_length(d.text)")


class PgIndex:
    concurrent_reads = True  # every read takes its own pooled connection; nothing in memory is swapped

    def __init__(self, url: str, embedder_name: str | None, dimension: int | None,
                 read_url: str | None = None, ef_search: int = 200,
                 hnsw: migrations.HnswParams | None = None) -> None:
        """`embedder_name=None` opens whatever the database holds; `dimension=None` refuses to create the schema;
        `hnsw` shapes the HNSW index of a database created here (an existing one keeps its own)."""
        psycopg_module()  # a clear install hint before anything else
        self.ef_search = ef_search
        self._hnsw = hnsw
        self._write = Pool(url)
        self._read = Pool(read_url) if read_url else self._write
        try:
            self._embedder, self._dimension = self._open(embedder_name, dimension)
        except BaseException:
            self.close()
            raise
        self._generation = -1
        # The dense index's storage decides the ORDER BY that uses it; read again whenever the index changes
        # (its oid, checked with the generation: a bulk load drops and recreates it, migration 3 replaces it).
        self._dense_index: int | None = -1
        self.dense_storage = "vector"
        self._analyzer = Analyzer()
        self._key_length: float | None = None  # set by the schema's creator, never changed after

    def _open(self, embedder_name: str | None, dimension: int | None) -> tuple[str, int]:
        # The migration runs on a connection of its own, closed afterwards: it may create the vector type,
        # which a pooled connection must see when it registers its adapter.
        with self._write.connection() as conn:
            try:
                todo = migrations.pending(conn)
                if todo:
                    if migrations.applied_version(conn) == 0 and (dimension is None or embedder_name is None):
                        raise RagError(f"no index in the database {self._write.where}: run "
                                       "`rag ingest PATH --index URL` first")
                    migrations.migrate(conn, dimension, only_additive=True, hnsw=self._hnsw)
                with conn.transaction():
                    if embedder_name is not None and dimension is not None:  # the first opener names the embedder
                        conn.execute("INSERT INTO rag_meta(key, value) VALUES ('embedder', %s), ('dimension', %s) "
                                     "ON CONFLICT (key) DO NOTHING", (embedder_name, str(dimension)))
                    meta = dict(conn.execute("SELECT key, value FROM rag_meta").fetchall())
            finally:
                conn.close()
        if "embedder" not in meta:
            raise RagError(f"the index database {self._write.where} has no embedder yet: run "
                           "`rag ingest PATH --index URL` first")
        stored, stored_dim = meta["embedder"], int(meta["dimension"])
        if embedder_name is not None and (stored != embedder_name or (dimension is not None and dimension != stored_dim)):
            raise IndexMismatchError(
                f"the index database {self._write.where} was built with embedder {stored!r} (dimension "
                f"{stored_dim}), not {embedder_name!r}: use that embedder or another database")
        return stored, stored_dim

    def close(self) -> None:
        self._write.close()
        if self._read is not self._write:
            self._read.close()

    # -- generations ----------------------------------------------------------------------------
    def refresh(self) -> bool:
        with self._read.connection() as conn:
            generation, dense_index = conn.execute(
                "SELECT generation, to_regclass(%s)::oid FROM rag_state", (migrations.INDEX_NAME,)).fetchone()
            self._note_dense_index(conn, dense_index)
        changed, self._generation = int(generation) != self._generation, int(generation)
        return changed

    def _note_dense_index(self, conn: psycopg.Connection, dense_index: int | None) -> None:
        if dense_index != self._dense_index:
            built = migrations.hnsw_params(conn)
            # Without an index (a bulk load) every passage is scored: the float column's order is exact.
            self.dense_storage, self._dense_index = built.storage if built else "vector", dense_index

    def state(self) -> IndexState:
        with self._read.connection() as conn:
            generation, documents, passages = conn.execute(
                "SELECT generation, documents, passages FROM rag_state").fetchone()
        return IndexState(int(generation), int(documents), int(passages), self._embedder, self._dimension)

    def warm_up(self) -> None:
        self.refresh()  # nothing is held in memory; this proves the database answers

    # -- search ---------------------------------------------------------------------------------
    def dense_candidates(self, query: np.ndarray, k: int,
                         allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        if k <= 0 or (allowed is not None and not len(allowed)):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        q = np.ascontiguousarray(query, dtype=np.float32)
        with self._read.connection() as conn:
            if self._dense_index == -1:  # not refreshed yet
                self._note_dense_index(conn, conn.execute("SELECT to_regclass(%s)::oid",
                                                          (migrations.INDEX_NAME,)).fetchone()[0])
            order = migrations.dense_order(self.dense_storage, self._dimension)
            _set_ef_search(conn, max(self.ef_search, k))
            if allowed is None:  # one statement, one round trip (prepared by psycopg once it repeats)
                rows = conn.execute(f"SELECT id, -(embedding <#> %s) FROM passages ORDER BY {order} LIMIT %s",
                                    (q, q, k)).fetchall()
                if self.dense_storage != "vector":
                    # Found by half-precision distances, ranked by the float scores (as the local index ranks).
                    rows.sort(key=lambda r: -r[1])
            else:  # sorted by the float scores there
                rows = self._filtered_dense(conn, q, k, allowed, order)
        return (np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)),
                np.fromiter((r[1] for r in rows), dtype=np.float32, count=len(rows)))

    @staticmethod
    def _filtered_dense(conn: psycopg.Connection, q: np.ndarray, k: int, allowed: np.ndarray,
                        order: str) -> list[tuple]:
        ids = list(map(int, allowed))
        if len(ids) <= EXACT_FILTER_MAX:
            # Ordered by an expression the HNSW index does not serve: every filtered passage is scored.
            return conn.execute("SELECT id, -(embedding <#> %s) AS score FROM passages WHERE id = ANY(%s) "
                                "ORDER BY score DESC, id LIMIT %s", (q, ids, k)).fetchall()
        with conn.transaction():
            conn.execute("SELECT set_config('hnsw.iterative_scan', 'relaxed_order', true)")
            rows = conn.execute(f"SELECT id, -(embedding <#> %s) FROM passages WHERE id = ANY(%s) "
                                f"ORDER BY {order} LIMIT %s", (q, ids, q, k)).fetchall()
        rows.sort(key=lambda r: -r[1])  # relaxed order: nearly sorted
        return rows

    def keyword_candidates(self, query: str, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        terms = self._analyzer.terms(query)
        if not terms or k <= 0 or (allowed is not None and not len(allowed)):
            return []
        with self._read.connection() as conn:
            return keyword.search(conn, terms, k, None if allowed is None else list(map(int, allowed)),
                                  self._keyword_key_length(conn))

    def _keyword_key_length(self, conn: psycopg.Connection) -> float:
        if self._key_length is None:
            self._key_length = keyword.key_length(conn)
        return self._key_length

    def definition_candidates(self, lookups: Sequence[Sequence[str]], allowed: np.ndarray | None = None,
                              limit: int = DEFINED_PER_NAME) -> list[int]:
        if not lookups or (allowed is not None and not len(allowed)):
            return []
        with self._read.connection() as conn:
            return keyword.defining(conn, lookups, None if allowed is None else list(map(int, allowed)), limit)

    def absent_terms(self, terms: Sequence[str]) -> list[str]:
        if not terms:
            return []
        with self._read.connection() as conn:
            return keyword.absent_terms(conn, self._analyzer, terms)

    def passages(self, ids: Sequence[int]) -> dict[int, tuple[Passage, str, str]]:
        if not len(ids):
            return {}
        with self._read.connection() as conn:
            rows = conn.execute(
                'SELECT p.id, p.doc_id, p.start, p."end", p.text, p.ordinal, p.context, d.source, d.title '
                "FROM passages p JOIN documents d ON d.id = p.doc_id WHERE p.id = ANY(%s)",
                (list(map(int, ids)),)).fetchall()
        return {pid: (Passage(doc_id, start, end, text, ordinal, context, pid), source, title)
                for pid, doc_id, start, end, text, ordinal, context, source, title in rows}

    def passage_vectors(self, ids: Sequence[int]) -> dict[int, np.ndarray]:
        if not len(ids):
            return {}
        with self._read.connection() as conn:
            rows = conn.execute("SELECT id, embedding FROM passages WHERE id = ANY(%s)",
                                (list(map(int, ids)),)).fetchall()
        return {pid: _array(vec) for pid, vec in rows}

    def sentence_vectors(self, passage_ids: Sequence[int]) -> dict[int, SentenceVectors]:
        if not len(passage_ids):
            return {}
        with self._read.connection() as conn:
            rows = conn.execute("SELECT passage_id, spans, vectors FROM passage_sentences WHERE passage_id = ANY(%s)",
                                (list(map(int, passage_ids)),)).fetchall()
        out = {}
        for pid, spans, vectors in rows:
            spans = np.frombuffer(spans, dtype="<i4").reshape(-1, 2)
            out[pid] = SentenceVectors(spans, np.frombuffer(vectors, dtype="<f2").reshape(len(spans), self._dimension))
        return out

    def passage_ids_for_documents(self, doc_ids: Sequence[str]) -> np.ndarray:
        if not doc_ids:
            return np.zeros(0, dtype=np.int64)
        with self._read.connection() as conn:
            rows = conn.execute("SELECT id FROM passages WHERE doc_id = ANY(%s)", (list(doc_ids),)).fetchall()
        return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))

    # -- documents (on the primary: what a client just wrote reads back at once) ----------------
    def documents(self, limit: int = 100, offset: int = 0) -> list[StoredDocument]:
        with self._write.connection() as conn:
            rows = conn.execute(f"SELECT {_DOCUMENT_COLUMNS} FROM documents d ORDER BY d.added_at, d.id "
                                "LIMIT %s OFFSET %s", (limit, offset)).fetchall()
        return [StoredDocument(*row) for row in rows]

    def document(self, doc_id: str) -> StoredDocument | None:
        with self._write.connection() as conn:
            row = conn.execute(f"SELECT {_DOCUMENT_COLUMNS} FROM documents d WHERE d.id = %s", (doc_id,)).fetchone()
        return StoredDocument(*row) if row else None

    def _one(self, sql: str, value: str) -> str | None:
        with self._write.connection() as conn:
            row = conn.execute(sql, (value,)).fetchone()
        return row[0] if row else None

    def document_text(self, doc_id: str) -> str | None:
        return self._one("SELECT text FROM documents WHERE id = %s", doc_id)

    def document_hash(self, doc_id: str) -> str | None:
        return self._one("SELECT content_hash FROM documents WHERE id = %s", doc_id)

    def find_by_hash(self, content_hash: str) -> str | None:
        return self._one("SELECT id FROM documents WHERE content_hash = %s ORDER BY added_at, id LIMIT 1",
                         content_hash)

    def doc_ids_matching(self, doc_ids: Iterable[str] = (), sources: Iterable[str] = ()) -> list[str]:
        doc_ids, sources = list(doc_ids), list(sources)
        found: set[str] = set()
        with self._write.connection() as conn:
            if doc_ids:
                found.update(r[0] for r in conn.execute("SELECT id FROM documents WHERE id = ANY(%s)", (doc_ids,)))
            for source in sources:
                # A source filter matches a file or any file below a folder.
                prefix = like_prefix(source.rstrip("/") + "/")
                found.update(r[0] for r in conn.execute(
                    "SELECT id FROM documents WHERE source = %s OR source LIKE %s", (source, prefix)))
        return sorted(found)

    # -- writing --------------------------------------------------------------------------------
    def apply(self, updates: Sequence[DocumentUpdate] = (), removals: Sequence[str] = ()) -> IndexState:
        if not updates and not removals:
            return self.state()
        for update in updates:
            if update.vectors.shape != (len(update.passages), self._dimension):
                raise IndexMismatchError(f"{update.document.source}: vectors of shape {update.vectors.shape}, the "
                                         f"index holds {self._dimension}-dimension vectors")
        psycopg = psycopg_module()
        try:
            with self._write.connection() as conn:
                with conn.transaction():
                    state = self._apply(conn, updates, removals)
                local_index.crash_point("pg_committed")
        except psycopg.DataError as exc:  # text PostgreSQL cannot store (a NUL character), a bad value
            raise RagError(f"cannot write to the index database: {str(exc).strip()}; nothing was written") from exc
        self._generation = state.generation
        return state

    def _apply(self, conn: psycopg.Connection, updates: Sequence[DocumentUpdate],
               removals: Sequence[str]) -> IndexState:
        touched = sorted({*removals, *(u.document.id for u in updates)})
        for doc_id in touched:  # in one order for every writer: no deadlocks
            conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (doc_id,))
        documents = passages = 0
        postings = keyword.Postings(self._analyzer, self._keyword_key_length(conn))
        for doc_id in removals:
            d, p = self._delete(conn, doc_id, postings)
            documents, passages = documents - d, passages - p
        removed = set(removals)
        for update in updates:
            doc = update.document
            if doc.id not in removed and self._stored_hash(conn, doc.id) == doc.content_hash:
                continue  # the same content is already there (another writer may have just put it)
            d, p = self._delete(conn, doc.id, postings)
            self._insert(conn, update, postings)
            documents, passages = documents - d + 1, passages - p + len(update.passages)
        local_index.crash_point("pg_rows_written")
        # Last, so the one row every writer updates is held only until the commit. Its lock serializes the
        # writers' document-frequency updates that follow (rag/pg/keyword.py).
        generation, documents, passages = conn.execute(
            "UPDATE rag_state SET generation = generation + 1, documents = documents + %s, "
            "passages = passages + %s, keyword_length = keyword_length + %s "
            "RETURNING generation, documents, passages", (documents, passages, postings.length)).fetchone()
        postings.publish(conn)
        local_index.crash_point("pg_state_updated")
        return IndexState(int(generation), int(documents), int(passages), self._embedder, self._dimension)

    @staticmethod
    def _stored_hash(conn: psycopg.Connection, doc_id: str) -> str | None:
        row = conn.execute("SELECT content_hash FROM documents WHERE id = %s", (doc_id,)).fetchone()
        return row[0] if row else None

    @staticmethod
    def _delete(conn: psycopg.Connection, doc_id: str, postings: keyword.Postings) -> tuple[int, int]:
        """(documents, passages) removed."""
        passages = conn.execute("SELECT COUNT(*) FROM passages WHERE doc_id = %s", (doc_id,)).fetchone()[0]
        if passages:
            postings.remove(conn, doc_id)
        documents = conn.execute("DELETE FROM documents WHERE id = %s", (doc_id,)).rowcount  # passages cascade
        return documents, int(passages) if documents else 0

    def _insert(self, conn: psycopg.Connection, update: DocumentUpdate, postings: keyword.Postings) -> None:
        doc = update.document
        conn.execute("INSERT INTO documents(id, source, title, media_type, content_hash, text, metadata, added_at) "
                     "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                     (doc.id, doc.source, doc.title, doc.media_type, doc.content_hash, doc.text,
                      json.dumps(doc.metadata), time.time()))
        n = len(update.passages)
        ids = [r[0] for r in conn.execute("SELECT nextval('passage_ids') FROM generate_series(1, %s)", (n,))]
        vectors = np.ascontiguousarray(update.vectors, dtype=np.float32)
        with conn.cursor() as cur, cur.copy('COPY passages (id, doc_id, ordinal, start, "end", context, text, '
                                            'embedding) FROM STDIN WITH (FORMAT BINARY)') as copy:
            copy.set_types(["int8", "text", "int4", "int4", "int4", "text", "text", "vector"])
            for pid, p, vec in zip(ids, update.passages, vectors, strict=True):
                copy.write_row((pid, doc.id, p.ordinal, p.start, p.end, p.context, p.text, vec))
        postings.add(conn, ((pid, p.text, p.context) for pid, p in zip(ids, update.passages, strict=True)))
        with conn.cursor() as cur:
            sentences = list(update.sentences or ())
            if sentences:
                with cur.copy("COPY passage_sentences (passage_id, spans, vectors) FROM STDIN WITH (FORMAT BINARY)") as copy:
                    copy.set_types(["int8", "bytea", "bytea"])
                    for pid, sv in zip(ids, sentences, strict=True):
                        copy.write_row((pid, np.ascontiguousarray(sv.spans, dtype="<i4").tobytes(),
                                        np.ascontiguousarray(sv.vectors, dtype="<f2").tobytes()))

    # -- checking and repairing -----------------------------------------------------------------
    def check(self) -> list[str]:
        with self._write.connection() as conn, conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")  # one snapshot
            return _problems(conn, self._dimension)

    def repair(self) -> list[str]:
        """Drop documents whose passages do not match their text, rebuild invalid indexes, recount the sizes
        and the keyword statistics."""
        actions: list[str] = []
        with self._write.connection() as conn:
            actions += [f"applied migration {m.version} ({m.name})"
                        for m in migrations.migrate(conn, self._dimension, only_additive=True)]
            with conn.transaction():
                # The state row first: writers that commit meanwhile add their change to the recounted sizes.
                stored = conn.execute("SELECT documents, passages FROM rag_state FOR UPDATE").fetchone()
                for (doc_id,) in conn.execute(_BAD_SPANS_DOCS).fetchall():
                    conn.execute("DELETE FROM documents WHERE id = %s", (doc_id,))
                    actions.append(f"removed document {doc_id}: its passages did not match its text; ingest it again")
                for (name,) in conn.execute(_INVALID_INDEXES).fetchall():
                    conn.execute(f'REINDEX INDEX "{name}"')
                    actions.append(f"rebuilt the invalid index {name}")
                actions += keyword.repair(conn)
                counted = conn.execute("SELECT (SELECT COUNT(*) FROM documents), (SELECT COUNT(*) FROM passages)"
                                       ).fetchone()
                if tuple(counted) != tuple(stored):
                    actions.append(f"recounted: {counted[0]} documents, {counted[1]} passages "
                                   f"(the state said {stored[0]} and {stored[1]})")
                if actions:
                    conn.execute("UPDATE rag_state SET generation = generation + 1, documents = %s, passages = %s",
                                 tuple(counted))
        return actions


# The hnsw.ef_search each pooled connection was last given: set for the session, once, not per query (a
# transaction and a `SET LOCAL` cost three round trips a search).
_EF_SEARCH: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _set_ef_search(conn: psycopg.Connection, value: int) -> None:
    if _EF_SEARCH.get(conn) != value:
        conn.execute("SELECT set_config('hnsw.ef_search', %s, false)", (str(value),))
        _EF_SEARCH[conn] = value


def _array(vector: object) -> np.ndarray:
    """A float32 array from what pgvector's adapter returns (a `Vector` for binary results, else an array)."""
    to_numpy = getattr(vector, "to_numpy", None)
    return np.asarray(to_numpy() if to_numpy else vector, dtype=np.float32)


_BAD_SPANS = ('FROM passages p JOIN documents d ON d.id = p.doc_id '
              'WHERE substr(d.text, p.start + 1, p."end" - p.start) IS DISTINCT FROM p.text')
_BAD_SPANS_DOCS = f"SELECT DISTINCT p.doc_id {_BAD_SPANS} ORDER BY 1"
_INVALID_INDEXES = ("SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                    "WHERE NOT i.indisvalid AND i.indrelid IN ('passages'::regclass, 'documents'::regclass, "
                    "'passage_sentences'::regclass, 'keyword_postings'::regclass, 'keyword_terms'::regclass) "
                    "ORDER BY 1")


def _problems(conn: psycopg.Connection, dimension: int) -> list[str]:
    problems = [f"migration {m.version} ({m.name}) is not applied: run `rag db migrate`"
                for m in migrations.pending(conn)]
    if problems:
        return problems
    bad = conn.execute(f"SELECT COUNT(*) {_BAD_SPANS}").fetchone()[0]
    if bad:
        problems.append(f"{bad} passages whose text is not their document's text at their span")
    problems += [f"index {name} is invalid (`rag repair` rebuilds it)"
                 for (name,) in conn.execute(_INVALID_INDEXES).fetchall()]
    width = conn.execute("SELECT atttypmod FROM pg_attribute WHERE attrelid = 'passages'::regclass "
                         "AND attname = 'embedding'").fetchone()[0]
    if width != dimension:
        problems.append(f"the embedding column holds {width}-dimension vectors, the index says {dimension}")
    bad_sentences = conn.execute(
        "SELECT COUNT(*) FROM passage_sentences WHERE length(spans) %% 8 != 0 "
        "OR length(vectors) != (length(spans) / 8) * %s * 2", (dimension,)).fetchone()[0]
    if bad_sentences:
        problems.append(f"{bad_sentences} passages whose stored sentence spans and vectors disagree in length")
    stored = conn.execute("SELECT documents, passages FROM rag_state").fetchone()
    counted = conn.execute("SELECT (SELECT COUNT(*) FROM documents), (SELECT COUNT(*) FROM passages)").fetchone()
    if stored[0] != counted[0]:
        problems.append(f"the state counts {stored[0]} documents, the database holds {counted[0]}")
    if stored[1] != counted[1]:
        problems.append(f"the state counts {stored[1]} passages, the database holds {counted[1]}")
    return problems + keyword.problems(conn)


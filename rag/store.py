"""The passage and document store (SQLite): documents, passages and their vectors; the index's point of commit."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .records import Document, Passage, SentenceVectors

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents(
    id TEXT PRIMARY KEY, source TEXT NOT NULL, title TEXT NOT NULL, media_type TEXT NOT NULL,
    content_hash TEXT NOT NULL, text TEXT NOT NULL, metadata TEXT NOT NULL, added_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS documents_hash ON documents(content_hash);
CREATE TABLE IF NOT EXISTS passages(
    id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(id), ordinal INTEGER NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, context TEXT NOT NULL, text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS passages_doc ON passages(doc_id);
-- Keyword search moved to memory (rag/keyword.py); stores made before that drop their FTS5 index on first write.
DROP TRIGGER IF EXISTS passages_ai;
DROP TRIGGER IF EXISTS passages_ad;
DROP TABLE IF EXISTS passages_fts;
-- Each passage's vector (float32 bytes), committed with it: the vectors file can always be rebuilt from here.
CREATE TABLE IF NOT EXISTS passage_vectors(id INTEGER PRIMARY KEY, vector BLOB NOT NULL);
CREATE TRIGGER IF NOT EXISTS passages_vector_ad AFTER DELETE ON passages BEGIN
    DELETE FROM passage_vectors WHERE id = old.id; END;
-- Each passage's sentences, made at ingest (rag/sentence_vectors.py): int32 [start, end) pairs in document offsets
-- and float16 vectors, one row a passage, read only for the few passages a question's answer is picked from.
CREATE TABLE IF NOT EXISTS passage_sentences(id INTEGER PRIMARY KEY, count INTEGER NOT NULL,
    spans BLOB NOT NULL, vectors BLOB NOT NULL);
CREATE TRIGGER IF NOT EXISTS passages_sentences_ad AFTER DELETE ON passages BEGIN
    DELETE FROM passage_sentences WHERE id = old.id; END;
"""
# Sentence vectors are read by key from a memory-mapped file: no copy into the process for each question.
_MMAP_BYTES = 1 << 30

@dataclass(frozen=True)
class StoredDocument:
    id: str
    source: str
    title: str
    media_type: str
    content_hash: str
    added_at: float
    passages: int
    chars: int


class Store:
    """One SQLite connection. Writes happen inside `transaction()`; WAL lets readers go on meanwhile."""

    def __init__(self, path: Path, read_only: bool = False) -> None:
        self.path = path
        if read_only:
            self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False, isolation_level=None)
            try:
                self._db.execute("SELECT COUNT(*) FROM meta").fetchone()
            except sqlite3.OperationalError:
                # WAL needs a writable -shm file; on a read-only filesystem nothing can change the file anyway.
                self._db.close()
                self._db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False,
                                           isolation_level=None)
        else:
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(_SCHEMA)
        self._db.execute(f"PRAGMA mmap_size={_MMAP_BYTES}")

    def close(self) -> None:
        self._db.close()

    # -- transactions ---------------------------------------------------------------------------
    def begin(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        self._db.execute("COMMIT")

    def rollback(self) -> None:
        if self._db.in_transaction:
            self._db.execute("ROLLBACK")

    def snapshot(self) -> None:
        """Start a read transaction so a series of reads sees one committed version."""
        self._db.execute("BEGIN")

    def end_snapshot(self) -> None:
        if self._db.in_transaction:
            self._db.execute("COMMIT")

    # -- meta -----------------------------------------------------------------------------------
    def meta(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT key, value FROM meta").fetchall())

    def set_meta(self, values: dict[str, str]) -> None:
        self._db.executemany(
            "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            list(values.items()),
        )

    # -- documents ------------------------------------------------------------------------------
    def document_hash(self, doc_id: str) -> str | None:
        row = self._db.execute("SELECT content_hash FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return row[0] if row else None

    def find_by_hash(self, content_hash: str) -> str | None:
        row = self._db.execute("SELECT id FROM documents WHERE content_hash = ? LIMIT 1", (content_hash,)).fetchone()
        return row[0] if row else None

    def passage_ids_of(self, doc_id: str) -> list[int]:
        return [r[0] for r in self._db.execute("SELECT id FROM passages WHERE doc_id = ?", (doc_id,))]

    def delete_document(self, doc_id: str) -> None:
        self._db.execute("DELETE FROM passages WHERE doc_id = ?", (doc_id,))
        self._db.execute("DELETE FROM documents WHERE id = ?", (doc_id,))

    def insert_document(self, doc: Document, passages: Sequence[Passage]) -> None:
        self._db.execute(
            "INSERT INTO documents(id, source, title, media_type, content_hash, text, metadata, added_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (doc.id, doc.source, doc.title, doc.media_type, doc.content_hash, doc.text,
             json.dumps(doc.metadata), time.time()),
        )
        self._db.executemany(
            'INSERT INTO passages(id, doc_id, ordinal, start, "end", context, text) VALUES (?, ?, ?, ?, ?, ?, ?)',
            [(p.id, p.doc_id, p.ordinal, p.start, p.end, p.context, p.text) for p in passages],
        )

    def insert_vectors(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        rows = np.ascontiguousarray(vectors, dtype=np.float32)
        self._db.executemany("INSERT INTO passage_vectors(id, vector) VALUES (?, ?)",
                             [(int(i), row.tobytes()) for i, row in zip(ids, rows, strict=True)])

    def insert_sentences(self, ids: np.ndarray, sentences: Sequence[SentenceVectors]) -> None:
        self._db.executemany(
            "INSERT INTO passage_sentences(id, count, spans, vectors) VALUES (?, ?, ?, ?)",
            [(int(i), len(s), np.ascontiguousarray(s.spans, dtype=np.int32).tobytes(),
              np.ascontiguousarray(s.vectors, dtype=np.float16).tobytes()) for i, s in zip(ids, sentences, strict=True)])

    def sentences(self, ids: Sequence[int], dimension: int) -> dict[int, SentenceVectors]:
        """The stored sentences of these passages; passages without any (an index not yet migrated) are absent."""
        return {pid: SentenceVectors(np.frombuffer(spans, dtype=np.int32).reshape(count, 2),
                                     np.frombuffer(vectors, dtype=np.float16).reshape(count, dimension))
                for pid, count, spans, vectors in self._rows_by_id(
                    "SELECT id, count, spans, vectors FROM passage_sentences WHERE id IN ({ids})", ids)}

    def passages_without_sentences(self, limit: int = -1) -> list[int]:
        return [r[0] for r in self._db.execute(
            "SELECT id FROM passages WHERE id NOT IN (SELECT id FROM passage_sentences) ORDER BY id LIMIT ?", (limit,))]

    def stored_vectors(self, dimension: int) -> tuple[np.ndarray, np.ndarray]:
        """All stored (ids, vectors), ordered by id; the source from which a vectors file is rebuilt."""
        rows = self._db.execute("SELECT id, vector FROM passage_vectors ORDER BY id").fetchall()
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        matrix = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(len(rows), dimension)
        return ids, matrix

    def vectors_of(self, ids: Sequence[int], dimension: int) -> dict[int, np.ndarray]:
        """The stored vectors of these passages (float32); ids without one are absent."""
        ids = [int(i) for i in ids]
        out: dict[int, np.ndarray] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            for pid, blob in self._db.execute(
                    f"SELECT id, vector FROM passage_vectors WHERE id IN ({','.join('?' * len(chunk))})", chunk):
                out[pid] = np.frombuffer(blob, dtype=np.float32, count=dimension)
        return out

    def stored_vector_ids(self) -> list[int]:
        return [r[0] for r in self._db.execute("SELECT id FROM passage_vectors ORDER BY id")]

    def max_passage_id(self) -> int:
        return int(self._db.execute("SELECT COALESCE(MAX(id), 0) FROM passages").fetchone()[0])

    def document_text(self, doc_id: str) -> str | None:
        row = self._db.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return row[0] if row else None

    def documents(self, limit: int = 100, offset: int = 0) -> list[StoredDocument]:
        rows = self._db.execute(
            "SELECT d.id, d.source, d.title, d.media_type, d.content_hash, d.added_at,"
            " (SELECT COUNT(*) FROM passages p WHERE p.doc_id = d.id), LENGTH(d.text)"
            " FROM documents d ORDER BY d.added_at, d.id LIMIT ? OFFSET ?",
            (limit, offset),
        ).fetchall()
        return [StoredDocument(*row) for row in rows]

    def document(self, doc_id: str) -> StoredDocument | None:
        row = self._db.execute(
            "SELECT d.id, d.source, d.title, d.media_type, d.content_hash, d.added_at,"
            " (SELECT COUNT(*) FROM passages p WHERE p.doc_id = d.id), LENGTH(d.text)"
            " FROM documents d WHERE d.id = ?",
            (doc_id,),
        ).fetchone()
        return StoredDocument(*row) if row else None

    def count_documents(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])

    def count_passages(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM passages").fetchone()[0])

    def doc_ids_matching(self, doc_ids: Iterable[str] = (), sources: Iterable[str] = ()) -> list[str]:
        doc_ids, sources = list(doc_ids), list(sources)
        found = {r[0] for r in self._db.execute(
            f"SELECT id FROM documents WHERE id IN ({','.join('?' * len(doc_ids))})", doc_ids)} if doc_ids else set()
        for source in sources:
            # A source filter matches a file or any file below a folder.
            found.update(r[0] for r in self._db.execute(
                "SELECT id FROM documents WHERE source = ? OR source LIKE ? ESCAPE '\\'",
                (source, like_prefix(source.rstrip("/") + "/"))))
        return sorted(found)

    # -- passages -------------------------------------------------------------------------------
    def passages(self, ids: Sequence[int]) -> dict[int, tuple[Passage, str, str]]:
        """Passages by id with their document's source and title; ids no longer stored are absent."""
        out: dict[int, tuple[Passage, str, str]] = {}
        rows = self._rows_by_id('SELECT p.id, p.doc_id, p.start, p."end", p.text, p.ordinal, p.context, d.source,'
                                " d.title FROM passages p JOIN documents d ON d.id = p.doc_id WHERE p.id IN ({ids})", ids)
        for pid, doc_id, start, end, text, ordinal, context, source, title in rows:
            out[pid] = (Passage(doc_id, start, end, text, ordinal, context, pid), source, title)
        return out

    def passage_texts(self, ids: np.ndarray) -> list[tuple[int, str, str]]:
        """(id, text, context) of the stored passages among `ids`, in id order."""
        if not len(ids):
            return []
        wanted = sorted(set(np.asarray(ids, dtype=np.int64).tolist()))
        if len(wanted) <= 2000:  # a few ids: look each up; many: one scan of their id range
            return list(self._rows_by_id("SELECT id, text, context FROM passages WHERE id IN ({ids}) ORDER BY id",
                                         wanted))
        keep = set(wanted)
        rows = self._db.execute("SELECT id, text, context FROM passages WHERE id BETWEEN ? AND ? ORDER BY id",
                                (wanted[0], wanted[-1]))
        return [row for row in rows if row[0] in keep]

    def _rows_by_id(self, sql: str, ids: Iterable[int]) -> Iterator[tuple]:
        """The rows of `sql` (whose `{ids}` is filled with placeholders) for these ids, 500 ids a query."""
        ids = [int(i) for i in ids]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            yield from self._db.execute(sql.format(ids=",".join("?" * len(chunk))), chunk)

    def passage_ids_for_documents(self, doc_ids: Sequence[str]) -> list[int]:
        if not doc_ids:
            return []
        return [r[0] for r in self._db.execute(
            f"SELECT id FROM passages WHERE doc_id IN ({','.join('?' * len(doc_ids))})", list(doc_ids))]

    def all_passage_ids(self) -> list[int]:
        return [r[0] for r in self._db.execute("SELECT id FROM passages ORDER BY id")]

    def integrity_problems(self) -> list[str]:
        """Rows that break the store's own invariants (spans, orphans, vectors)."""
        problems: list[str] = []
        for count_sql, message in _INVARIANT_VIOLATIONS:
            count = self._db.execute(count_sql).fetchone()[0]
            if count:
                problems.append(message.format(count=count))
        return problems

    def repair_rows(self) -> list[str]:
        """Inside a write transaction: drop rows that belong to nothing."""
        actions: list[str] = []
        cur = self._db.execute("DELETE FROM passages WHERE doc_id NOT IN (SELECT id FROM documents)")
        if cur.rowcount:
            actions.append(f"removed {cur.rowcount} passages that belonged to no document")
        cur = self._db.execute("DELETE FROM passage_vectors WHERE id NOT IN (SELECT id FROM passages)")
        if cur.rowcount:
            actions.append(f"removed {cur.rowcount} stored vectors that belonged to no passage")
        cur = self._db.execute(_BAD_SENTENCE_ROWS.replace("SELECT COUNT(*)", "DELETE", 1))
        if cur.rowcount:
            actions.append(f"removed {cur.rowcount} damaged or orphaned sentence rows (`rag migrate` re-makes them)")
        return actions

    def documents_without_vectors(self) -> list[str]:
        return [r[0] for r in self._db.execute(
            "SELECT DISTINCT doc_id FROM passages WHERE id NOT IN (SELECT id FROM passage_vectors) ORDER BY doc_id")]


# Sentence rows of no passage, or whose blobs do not hold `count` spans inside their passage.
_BAD_SENTENCE_ROWS = (
    "SELECT COUNT(*) FROM passage_sentences WHERE NOT EXISTS (SELECT 1 FROM passages p"
    " WHERE p.id = passage_sentences.id) OR length(spans) != 8 * count OR length(vectors) % (2 * MAX(count, 1)) != 0")

# Each query counts the rows that break one invariant of the store; the message says which.
_INVARIANT_VIOLATIONS: tuple[tuple[str, str], ...] = (
    ("SELECT COUNT(*) FROM passages WHERE doc_id NOT IN (SELECT id FROM documents)",
     "{count} passages belong to no document"),
    ('SELECT COUNT(*) FROM passages p JOIN documents d ON d.id = p.doc_id'
     ' WHERE substr(d.text, p.start + 1, p."end" - p.start) != p.text',
     "{count} passages whose text is not their document's text at their span"),
    ("SELECT COUNT(*) FROM passages WHERE id NOT IN (SELECT id FROM passage_vectors)",
     "{count} passages have no stored vector"),
    ("SELECT COUNT(*) FROM passage_vectors WHERE id NOT IN (SELECT id FROM passages)",
     "{count} stored vectors belong to no passage"),
    (_BAD_SENTENCE_ROWS, "{count} sentence rows belong to no passage or are damaged"),
    ("SELECT COUNT(*) FROM passages WHERE id NOT IN (SELECT id FROM passage_sentences)",
     "{count} passages have no sentence vectors (`rag migrate` makes them)"),
)


def like_prefix(prefix: str) -> str:
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"

"""Versioned schema migrations of the PostgreSQL index; `rag db migrate` applies them, opening applies the safe ones.

A migration is *additive* when it only adds (tables, columns with defaults, indexes): servers of the previous
version keep working beside it, so any process may apply it on start. Anything else (a rewrite, a drop, a new
vector dimension) waits for `rag db migrate`, run once by an operator while the writers are stopped.
Migrations run in one transaction under an advisory lock, so replicas starting together apply each exactly once.

HNSW parameters (migration 1) are the creator's `HnswParams` (`Settings.hnsw_m`, `Settings.hnsw_ef_construction`):
they shape the graph when a database is created; a database keeps its own after that, until its index is rebuilt
(docs/scale-out.md says how, and what each costs). `hnsw.ef_search` is set per query (`Settings.hnsw_ef_search`,
raised to k) with SET LOCAL, never per server.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import IndexMismatchError, InvalidInputError
from . import keyword

if TYPE_CHECKING:
    import psycopg

MIGRATION_LOCK = 0x5241_4701  # pg_advisory_xact_lock key of migrations ("RAG" 1)


@dataclass(frozen=True)
class HnswParams:
    """The HNSW build parameters of a new database's dense index.

    m: links a node keeps (pgvector's default 16). ef_construction: candidates weighed per insertion; 128 gave
    recall@10 0.03-0.06 higher than pgvector's default 64 at every ef_search on 100k passages, for about twice
    the build time (evals/bench/README.md, "PostgreSQL at 1M passages")."""

    m: int = 16
    ef_construction: int = 128

    def __post_init__(self) -> None:
        # pgvector's own limits, said before any SQL runs.
        if not 2 <= self.m <= 100:
            raise InvalidInputError(f"hnsw_m must be 2..100, not {self.m}")
        if not 4 <= self.ef_construction <= 1000 or self.ef_construction < 2 * self.m:
            raise InvalidInputError(f"hnsw_ef_construction must be 4..1000 and at least twice hnsw_m "
                                    f"({2 * self.m}), not {self.ef_construction}")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str  # `{dimension}` is the embedder's dimension; `{hnsw_m}`, `{hnsw_ef_construction}` the HnswParams
    additive: bool
    # Fills what the SQL added from the rows already there (in the same transaction), e.g. with Python's analyzer.
    backfill: Callable[[psycopg.Connection], None] | None = None


_INITIAL = """
CREATE EXTENSION IF NOT EXISTS vector;
CREATE TABLE rag_meta(key text PRIMARY KEY, value text NOT NULL);
-- One row: the generation every published change advances, and the sizes it publishes with it.
CREATE TABLE rag_state(
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    generation bigint NOT NULL DEFAULT 0,
    documents bigint NOT NULL DEFAULT 0,
    passages bigint NOT NULL DEFAULT 0);
INSERT INTO rag_state DEFAULT VALUES;
CREATE TABLE documents(
    id text PRIMARY KEY, source text NOT NULL, title text NOT NULL, media_type text NOT NULL,
    content_hash text NOT NULL, text text NOT NULL, metadata jsonb NOT NULL, added_at double precision NOT NULL);
CREATE INDEX documents_hash ON documents(content_hash);
CREATE INDEX documents_source ON documents(source text_pattern_ops);
CREATE INDEX documents_added ON documents(added_at, id);
-- Passage ids come from a sequence: never reused, even by a rolled-back or killed writer.
CREATE SEQUENCE passage_ids;
CREATE TABLE passages(
    id bigint PRIMARY KEY DEFAULT nextval('passage_ids'),
    doc_id text NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    ordinal integer NOT NULL, start integer NOT NULL, "end" integer NOT NULL,
    context text NOT NULL, text text NOT NULL,
    embedding vector({dimension}) NOT NULL,
    -- Body words weigh 1.0 (A), heading words 0.4 (B), as in the local BM25 (rag/keyword.py).
    terms tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', text), 'A') || setweight(to_tsvector('english', context), 'B')) STORED);
CREATE INDEX passages_doc ON passages(doc_id);
CREATE INDEX passages_embedding ON passages USING hnsw (embedding vector_ip_ops) WITH (m = {hnsw_m}, ef_construction = {hnsw_ef_construction});
CREATE INDEX passages_terms ON passages USING gin(terms);
-- Sentence spans ((n, 2) int32, document offsets) and vectors ((n, dim) float16), little-endian, made at ingest.
CREATE TABLE passage_sentences(
    passage_id bigint PRIMARY KEY REFERENCES passages(id) ON DELETE CASCADE,
    spans bytea NOT NULL,
    vectors bytea NOT NULL);
"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "documents, passages (vector + tsvector), sentences, generation", _INITIAL, additive=True),
    # Not additive: writers of version 1 would add passages without postings.
    Migration(2, "keyword postings and document frequencies (BM25 of the local analyzer's terms)",
              keyword.SCHEMA, additive=False, backfill=keyword.backfill),
)
LATEST = MIGRATIONS[-1].version


def _ensure_table(conn: psycopg.Connection) -> None:
    conn.execute("CREATE TABLE IF NOT EXISTS rag_schema_migrations("
                 "version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())")


def applied_version(conn: psycopg.Connection) -> int:
    """The newest applied migration (0: an empty database)."""
    row = conn.execute("SELECT to_regclass('rag_schema_migrations') IS NOT NULL").fetchone()
    if not row[0]:
        return 0
    return int(conn.execute("SELECT COALESCE(MAX(version), 0) FROM rag_schema_migrations").fetchone()[0])


def pending(conn: psycopg.Connection) -> list[Migration]:
    current = applied_version(conn)
    if current > LATEST:
        raise IndexMismatchError(f"the index database is at schema version {current}, this version knows only up "
                                 f"to {LATEST}: upgrade rag-cited")
    return [m for m in MIGRATIONS if m.version > current]


def migrate(conn: psycopg.Connection, dimension: int | None, only_additive: bool,
            hnsw: HnswParams | None = None) -> list[Migration]:
    """Apply the pending migrations in one transaction; with `only_additive`, refuse if any is not additive
    (except on an empty database, which no server of an older version can be using). `hnsw` shapes the dense
    index of a database created here (default: `HnswParams()`); an existing one keeps its own."""
    hnsw = hnsw or HnswParams()
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        _ensure_table(conn)
        fresh = applied_version(conn) == 0
        todo = pending(conn)  # again, under the lock: another process may have just applied them
        if only_additive and not fresh and any(not m.additive for m in todo):
            names = ", ".join(f"{m.version} ({m.name})" for m in todo if not m.additive)
            raise IndexMismatchError(f"the index database needs migration {names}, which is not additive: "
                                     "stop the writers and run `rag db migrate --index URL`")
        for migration in todo:
            if "{dimension}" in migration.sql and dimension is None:
                raise IndexMismatchError("the index database has no schema yet and no embedder dimension was "
                                         "given: run `rag ingest PATH --index URL` or `rag db migrate --dimension N`")
            conn.execute(migration.sql.replace("{dimension}", str(dimension)).replace("{hnsw_m}", str(hnsw.m))
                         .replace("{hnsw_ef_construction}", str(hnsw.ef_construction)))
            if migration.backfill is not None:
                migration.backfill(conn)
            conn.execute("INSERT INTO rag_schema_migrations(version, name) VALUES (%s, %s)",
                         (migration.version, migration.name))
        return todo


def hnsw_params(conn: psycopg.Connection) -> HnswParams | None:
    """The parameters the database's HNSW index was built with (None: no such index, e.g. during a bulk load)."""
    row = conn.execute("SELECT reloptions FROM pg_class WHERE relname = 'passages_embedding'").fetchone()
    if row is None:
        return None
    options = dict(option.split("=", 1) for option in row[0] or ())
    # pgvector's defaults where the index was built without the option
    return HnswParams(int(options.get("m", 16)), int(options.get("ef_construction", 64)))

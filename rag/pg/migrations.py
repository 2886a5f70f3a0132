"""Versioned schema migrations of the PostgreSQL index; `rag db migrate` applies them, opening applies the safe ones.

A migration is *additive* when it only adds (tables, columns with defaults, indexes): servers of the previous
version keep working beside it, so any process may apply it on start. Anything else (a rewrite, a drop, a new
vector dimension) waits for `rag db migrate`, run once by an operator while the writers are stopped.
Migrations run in one transaction under an advisory lock, so replicas starting together apply each exactly once.

HNSW parameters (migration 1) are the creator's `HnswParams` (`Settings.hnsw_m`, `Settings.hnsw_ef_construction`,
`Settings.hnsw_storage`): they shape the graph when a database is created; a database keeps its own after that,
until its index is rebuilt (docs/scale-out.md says how, and what each costs). Migration 3 rebuilds an index of
float vectors over half-precision copies when `hnsw_storage` is "halfvec" (the default), keeping its m and
ef_construction. `hnsw.ef_search` is set per query (`Settings.hnsw_ef_search`,
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


STORAGES = ("halfvec", "vector")
INDEX_NAME = "passages_embedding"


@dataclass(frozen=True)
class HnswParams:
    """The HNSW build parameters of a new database's dense index.

    m: links a node keeps (pgvector's default 16); 24 reached recall@10 0.958 at ef_search 300 on 1M passages,
    where 16 needed 800 for 0.955, touching 12.5k buffers a lookup instead of 20k, for a build about twice as
    long. ef_construction: candidates weighed per insertion; 128 gave recall@10 0.03-0.06 higher than pgvector's
    default 64 at every ef_search on 100k passages, for about twice the build time (evals/bench/README.md,
    "PostgreSQL at 1M passages")."""

    m: int = 24
    ef_construction: int = 128
    # What the graph stores and compares: "halfvec", 16-bit copies of the vectors (an index expression; the table
    # keeps float32), or "vector", the float32 column itself. At 1M passages halfvec made the index 1.17 GB
    # instead of 2.05 GB (the RAM it needs to stay cached) and its build shorter, for the same recall@10 at every
    # ef_search; a lookup touches as many buffers either way, so it is hardly faster (evals/bench/README.md).
    storage: str = "halfvec"

    def __post_init__(self) -> None:
        if self.storage not in STORAGES:
            raise InvalidInputError(f"hnsw_storage must be one of {', '.join(STORAGES)}, not {self.storage!r}")
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
    sql: str  # `{dimension}` is the embedder's dimension; `{hnsw_index}` the HNSW index of the HnswParams
    additive: bool
    # Fills what the SQL added from the rows already there (in the same transaction), e.g. with Python's analyzer.
    backfill: Callable[[psycopg.Connection], None] | None = None
    # A step that needs the creator's settings (`HnswParams`), run after the SQL in the same transaction.
    step: Callable[[psycopg.Connection, HnswParams], None] | None = None


def hnsw_index_sql(hnsw: HnswParams, dimension: int, name: str = INDEX_NAME) -> str:
    """The dense index's definition; with "halfvec" over an expression, which a query must order by to use it
    (`dense_order`)."""
    return (f"CREATE INDEX {name} ON passages USING hnsw ({dense_key(hnsw.storage, dimension)} {hnsw.storage}_ip_ops) "
            f"WITH (m = {hnsw.m}, ef_construction = {hnsw.ef_construction})")


def dense_key(storage: str, dimension: int) -> str:
    """What the HNSW index of `storage` holds, as an SQL expression over the `embedding` column."""
    return "embedding" if storage == "vector" else f"(embedding::halfvec({dimension}))"


def dense_order(storage: str, dimension: int) -> str:
    """The ORDER BY expression (one `%s`: the query vector) that the HNSW index of `storage` serves."""
    return f"{dense_key(storage, dimension)} <#> %s::{storage}({dimension})"


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
{hnsw_index};
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
    # Not additive: readers of version 2 order by the float column, which a halfvec index does not serve.
    Migration(3, "the HNSW index over half-precision vectors (RAG_HNSW_STORAGE)", "", additive=False,
              step=lambda conn, hnsw: _rebuild_hnsw_storage(conn, hnsw.storage)),
    # Additive: a writer of version 3 adds passages without them, whose definitions are then not looked up, and
    # nothing else differs (they are no words: lengths and BM25 scores stay as they were).
    Migration(4, "postings of the API names each passage defines (rag/definitions.py)", "", additive=True,
              backfill=keyword.backfill_definitions),
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
            if migration.sql:
                conn.execute(migration.sql.replace("{hnsw_index}", hnsw_index_sql(hnsw, dimension or 0))
                             .replace("{dimension}", str(dimension)))
            if migration.backfill is not None:
                migration.backfill(conn)
            if migration.step is not None:
                migration.step(conn, hnsw)
            conn.execute("INSERT INTO rag_schema_migrations(version, name) VALUES (%s, %s)",
                         (migration.version, migration.name))
        return todo


def hnsw_params(conn: psycopg.Connection) -> HnswParams | None:
    """The parameters the database's HNSW index was built with (None: no such index, e.g. during a bulk load)."""
    row = conn.execute("SELECT c.reloptions, pg_get_indexdef(c.oid) FROM pg_class c WHERE c.relname = %s",
                       (INDEX_NAME,)).fetchone()
    if row is None:
        return None
    options = dict(option.split("=", 1) for option in row[0] or ())
    # pgvector's defaults where the index was built without the option
    return HnswParams(int(options.get("m", 16)), int(options.get("ef_construction", 64)),
                      "halfvec" if "halfvec_ip_ops" in row[1] else "vector")


def _rebuild_hnsw_storage(conn: psycopg.Connection, storage: str) -> None:
    """Rebuild the HNSW index over `storage`, with the database's own m and ef_construction, unless it is already
    (or there is none: a bulk load recreates it with `hnsw_index_sql`). At 1M passages this is the index's whole
    build (tens of minutes, `maintenance_work_mem` sized to it: docs/scale-out.md); searches keep the old one
    meanwhile, writers wait."""
    built = hnsw_params(conn)
    if built is None or built.storage == storage:
        return
    dimension = conn.execute("SELECT atttypmod FROM pg_attribute WHERE attrelid = 'passages'::regclass "
                             "AND attname = 'embedding'").fetchone()[0]
    new = HnswParams(built.m, built.ef_construction, storage)
    conn.execute(hnsw_index_sql(new, dimension, name=f"{INDEX_NAME}_new"))
    conn.execute(f"DROP INDEX {INDEX_NAME}")
    conn.execute(f"ALTER INDEX {INDEX_NAME}_new RENAME TO {INDEX_NAME}")

"""The PostgreSQL index's schema: migrations (automatic only when additive), the HNSW and postings indexes, sentences."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import psycopg
import pytest
from hash_embedder import HashEmbedder

from rag.config import Settings
from rag.errors import IndexMismatchError, InvalidInputError, RagError
from rag.index import DocumentUpdate
from rag.index_backend import open_index
from rag.load import load_bytes
from rag.pg import migrations
from rag.pg.index import PgIndex
from rag.records import Passage, SentenceVectors

EMBEDDER = HashEmbedder(32)


def test_opening_an_empty_database_applies_the_schema_with_the_embedders_dimension(pg_url: str) -> None:
    index = PgIndex(pg_url, EMBEDDER.name, EMBEDDER.dimension)
    with psycopg.connect(pg_url) as conn:
        assert migrations.applied_version(conn) == migrations.LATEST
        indexes = dict(conn.execute("SELECT indexname, indexdef FROM pg_indexes "
                                    "WHERE tablename IN ('passages', 'keyword_postings')"))
        width = conn.execute("SELECT atttypmod FROM pg_attribute WHERE attrelid = 'passages'::regclass "
                             "AND attname = 'embedding'").fetchone()[0]
    assert "hnsw" in indexes["passages_embedding"] and "m='24'" in indexes["passages_embedding"]
    assert "ef_construction='128'" in indexes["passages_embedding"]  # HnswParams' default
    assert "(term, key DESC)" in indexes["keyword_postings_best"] and "passages_terms" not in indexes
    assert width == EMBEDDER.dimension
    assert index.check() == []
    index.close()


def test_the_hnsw_settings_shape_a_new_database_and_an_existing_one_keeps_its_own_until_rebuilt(pg_url) -> None:
    settings = Settings(index_url=pg_url, hnsw_m=8, hnsw_ef_construction=40)
    open_index(settings, EMBEDDER.name, EMBEDDER.dimension).close()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        assert migrations.hnsw_params(conn) == migrations.HnswParams(8, 40, "halfvec")
    open_index(Settings(index_url=pg_url), EMBEDDER.name, EMBEDDER.dimension).close()  # the defaults now
    with psycopg.connect(pg_url, autocommit=True) as conn:
        assert migrations.hnsw_params(conn) == migrations.HnswParams(8, 40)
        # The rebuild docs/scale-out.md gives: new parameters, then a rebuild that does not block writers.
        conn.execute("ALTER INDEX passages_embedding SET (m = 24, ef_construction = 128)")
        conn.execute("REINDEX INDEX CONCURRENTLY passages_embedding")
        assert migrations.hnsw_params(conn) == migrations.HnswParams(24, 128)
        valid = conn.execute("SELECT indisvalid FROM pg_index WHERE indexrelid = 'passages_embedding'::regclass")
        assert valid.fetchone()[0]


def _notes(index: PgIndex, count: int) -> np.ndarray:
    """`count` one-passage documents added to `index`; their vectors, in passage-id order."""
    updates = []
    for i in range(count):
        doc = load_bytes(f"Note {i}\n\nWord{i} and word{i * 7 % count} meet.".encode(), f"n{i}.txt", source=f"n/{i}")
        text = doc.text.split("\n\n", 1)[1]
        at = doc.text.index(text)
        updates.append(DocumentUpdate(doc, [Passage(doc.id, at, len(doc.text), text, 0)], EMBEDDER.encode([text]), []))
    index.apply(updates)
    return np.vstack([u.vectors for u in updates])


def _uses_the_hnsw_index(conn: psycopg.Connection, storage: str) -> bool:
    query = "'[" + ",".join(["0.1"] * EMBEDDER.dimension) + "]'"
    conn.execute("SET enable_seqscan = off")  # a tiny table: only an unusable index leaves a (disabled) seq scan
    order = migrations.dense_order(storage, EMBEDDER.dimension).replace("%s", query)
    plan = "\n".join(r[0] for r in conn.execute(f"EXPLAIN SELECT id FROM passages ORDER BY {order} LIMIT 5"))
    return "Index Scan using passages_embedding" in plan


def test_a_new_database_indexes_half_precision_vectors_and_ranks_by_the_float_ones(pg_url: str) -> None:
    index = PgIndex(pg_url, EMBEDDER.name, EMBEDDER.dimension)
    vectors = _notes(index, 30)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        assert migrations.hnsw_params(conn) == migrations.HnswParams(24, 128, "halfvec")
        assert _uses_the_hnsw_index(conn, "halfvec") and not _uses_the_hnsw_index(conn, "vector")
        ids = [r[0] for r in conn.execute("SELECT id FROM passages ORDER BY id")]
    query = EMBEDDER.encode(["word3 meets word21"])[0]
    found, scores = index.dense_candidates(query, 10)
    exact = vectors @ query
    # 30 passages, ef_search 200: the graph search is exhaustive, so the top 10 is the exact one (passages of
    # equal score may come in either order), scored and ranked by the float vectors
    assert np.allclose(scores, np.sort(exact)[::-1][:10], atol=1e-6)
    assert np.allclose(scores, [exact[ids.index(pid)] for pid in found.tolist()], atol=1e-6)
    index.close()


def test_rag_db_migrate_rebuilds_a_float_hnsw_index_over_halfvec_keeping_m_and_ef_construction(pg_url) -> None:
    vector = Settings(index_url=pg_url, hnsw_m=8, hnsw_ef_construction=40, hnsw_storage="vector")
    index = open_index(vector, EMBEDDER.name, EMBEDDER.dimension)
    vectors = _notes(index, 20)
    index.close()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        assert migrations.hnsw_params(conn) == migrations.HnswParams(8, 40, "vector")
        conn.execute("DELETE FROM rag_schema_migrations WHERE version >= 3")  # as a database of version 2 is
        keep = migrations.HnswParams(8, 40, "vector")  # RAG_HNSW_STORAGE=vector: the float index stays
        assert [m.version for m in migrations.migrate(conn, None, only_additive=False, hnsw=keep)] == [3, 4]
        assert migrations.hnsw_params(conn) == keep
        conn.execute("DELETE FROM rag_schema_migrations WHERE version >= 3")
    with pytest.raises(IndexMismatchError, match="rag db migrate"):  # readers of version 2 would lose the index
        PgIndex(pg_url, EMBEDDER.name, EMBEDDER.dimension)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        assert [m.version for m in migrations.migrate(conn, None, only_additive=False)] == [3, 4]
        assert migrations.hnsw_params(conn) == migrations.HnswParams(8, 40, "halfvec")
        assert _uses_the_hnsw_index(conn, "halfvec")
    index = PgIndex(pg_url, EMBEDDER.name, EMBEDDER.dimension)
    assert index.check() == []
    query = vectors[4]
    assert index.dense_candidates(query, 1)[0].tolist() == index.passage_ids_for_documents(
        index.doc_ids_matching(sources=["n/4"])).tolist()
    index.close()


def test_a_reader_follows_the_hnsw_index_being_dropped_and_rebuilt_over_the_other_storage(pg_url: str) -> None:
    index = PgIndex(pg_url, EMBEDDER.name, EMBEDDER.dimension)
    vectors = _notes(index, 20)
    reader = PgIndex(pg_url, EMBEDDER.name, EMBEDDER.dimension)
    reader.refresh()
    assert reader.dense_storage == "halfvec"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("DROP INDEX passages_embedding")  # a bulk load
        reader.refresh()
        assert reader.dense_storage == "vector"  # no index: every passage scored, in float
        conn.execute(migrations.hnsw_index_sql(migrations.HnswParams(storage="vector"), EMBEDDER.dimension))
        reader.refresh()
        assert reader.dense_storage == "vector"
        conn.execute("DROP INDEX passages_embedding")
        conn.execute(migrations.hnsw_index_sql(migrations.HnswParams(), EMBEDDER.dimension))
    reader.refresh()
    assert reader.dense_storage == "halfvec"
    assert len(reader.dense_candidates(vectors[0], 5)[0]) == 5
    index.close()
    reader.close()


@pytest.mark.parametrize(("m", "ef_construction"), [(1, 64), (101, 400), (16, 3), (16, 31), (16, 1001)])
def test_hnsw_parameters_outside_pgvectors_limits_are_refused_before_any_sql(m: int, ef_construction: int) -> None:
    with pytest.raises(InvalidInputError, match="hnsw_"):
        migrations.HnswParams(m, ef_construction)


def test_without_an_embedder_an_empty_database_is_not_created(pg_url: str) -> None:
    with pytest.raises(RagError, match="rag ingest"):
        PgIndex(pg_url, None, None)


def test_an_additive_migration_is_applied_on_open_and_another_waits_for_rag_db_migrate(pg_url, monkeypatch) -> None:
    PgIndex(pg_url, EMBEDDER.name, EMBEDDER.dimension).close()
    added = migrations.Migration(migrations.LATEST + 1, "a note column", "ALTER TABLE documents ADD COLUMN note text",
                                 additive=True)
    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, added))
    monkeypatch.setattr(migrations, "LATEST", added.version)
    PgIndex(pg_url, EMBEDDER.name, EMBEDDER.dimension).close()
    with psycopg.connect(pg_url) as conn:
        assert migrations.applied_version(conn) == added.version
        conn.execute("SELECT note FROM documents")  # the column exists
    rewrite = migrations.Migration(added.version + 1, "drop the note", "ALTER TABLE documents DROP COLUMN note",
                                   additive=False)
    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, rewrite))
    monkeypatch.setattr(migrations, "LATEST", rewrite.version)
    with pytest.raises(IndexMismatchError, match="rag db migrate"):
        PgIndex(pg_url, EMBEDDER.name, EMBEDDER.dimension)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        assert [m.version for m in migrations.migrate(conn, None, only_additive=False)] == [rewrite.version]
        assert migrations.pending(conn) == []


def test_a_database_newer_than_this_version_is_refused(pg_url: str) -> None:
    PgIndex(pg_url, EMBEDDER.name, EMBEDDER.dimension).close()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("INSERT INTO rag_schema_migrations(version, name) VALUES (99, 'from the future')")
    with pytest.raises(IndexMismatchError, match="upgrade"):
        PgIndex(pg_url, EMBEDDER.name, EMBEDDER.dimension)


def test_sentence_vectors_round_trip_and_an_update_without_them_stores_none(pg_url: str) -> None:
    index = PgIndex(pg_url, EMBEDDER.name, EMBEDDER.dimension)
    doc = load_bytes(b"Tides\n\nThe tide turns twice a day. Boats wait for high water.", "tides.txt", source="t.txt")
    passage = Passage(doc.id, 7, len(doc.text), doc.text[7:], 0)
    spans = np.array([[7, 31], [32, len(doc.text)]], dtype=np.int32)
    vectors = EMBEDDER.encode([doc.text[s:e] for s, e in spans]).astype(np.float16)
    index.apply([DocumentUpdate(doc, [passage], EMBEDDER.encode([passage.text]), [SentenceVectors(spans, vectors)])])
    pid = int(index.passage_ids_for_documents([doc.id])[0])
    stored = index.sentence_vectors([pid])[pid]
    assert np.array_equal(stored.spans, spans) and np.array_equal(stored.vectors, vectors)
    assert stored.vectors.dtype == np.float16
    other = load_bytes(b"Winds\n\nThe wind backs before rain.", "winds.txt", source="w.txt")
    index.apply([DocumentUpdate(other, [Passage(other.id, 0, len(other.text), other.text, 0)],
                                EMBEDDER.encode([other.text]), [])])
    other_pid = int(index.passage_ids_for_documents([other.id])[0])
    assert index.sentence_vectors([other_pid]) == {}
    index.apply(removals=[doc.id])
    assert index.sentence_vectors([pid]) == {}  # they go with their passage
    assert index.check() == []
    index.close()


def test_rag_db_migrate_and_status_on_the_command_line(pg_url: str) -> None:
    def rag(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "rag.cli", *args], capture_output=True, text=True, timeout=60)

    status = rag("db", "status", "--index", pg_url)
    assert status.returncode == 0 and "schema version 0" in status.stdout and "pending: 4" in status.stdout
    done = rag("db", "migrate", "--index", pg_url, "--dimension", "32")
    assert done.returncode == 0 and "applied migration 1" in done.stdout and "applied migration 3" in done.stdout
    status = rag("db", "status", "--index", pg_url).stdout
    assert "up to date" in status and "HNSW index: m 24, ef_construction 128, halfvec" in status
    PgIndex(pg_url, EMBEDDER.name, EMBEDDER.dimension).close()
    check = rag("check", "--index", pg_url)
    assert check.returncode == 0 and check.stdout.startswith("ok: generation 0, 0 documents"), check.stderr
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("UPDATE rag_state SET documents = 5")
    assert rag("check", "--index", pg_url).returncode == 1
    repaired = rag("repair", "--index", pg_url)
    assert repaired.returncode == 0 and "recounted" in repaired.stdout
    local = rag("db", "status", "--index", "some/folder")
    assert local.returncode == 1 and "PostgreSQL" in local.stderr and len(local.stderr.strip().splitlines()) == 1

"""Retrieval over PostgreSQL: searches from several threads read the database side by side (no retriever lock)."""

from __future__ import annotations

import threading
import time

import psycopg
from hash_embedder import HashEmbedder

from rag.index import DocumentUpdate
from rag.load import load_bytes
from rag.pg.index import PgIndex
from rag.records import Passage
from rag.retrieve import Retriever

EMBEDDER = HashEmbedder(32)
TEXTS = ["The tide turns twice a day and boats wait for high water.",
         "A mirror of the package archive serves the local network.",
         "The kernel module loads at boot when the firewall starts.",
         "Backups run nightly from cron and write to the journal.",
         "The printer queue drains once the daemon restarts."]
QUERIES = ["tide boats", "package mirror network", "kernel firewall", "nightly backups cron"]


def _ingest(index: PgIndex) -> None:
    updates = []
    for i, text in enumerate(TEXTS):
        doc = load_bytes(f"Note {i}\n\n{text}".encode(), f"note{i}.txt", source=f"notes/{i}.txt")
        at = doc.text.index(text)
        updates.append(DocumentUpdate(doc, [Passage(doc.id, at, at + len(text), text, 0, doc.title)],
                                      EMBEDDER.encode([text]), []))
    index.apply(updates)


def _waiting_on_a_lock(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
                                "AND wait_event_type = 'Lock'").fetchone()[0])


def test_concurrent_searches_read_postgresql_side_by_side_and_find_what_one_search_finds(pg_url: str) -> None:
    index = PgIndex(pg_url, EMBEDDER.name, EMBEDDER.dimension)
    _ingest(index)
    retriever = Retriever(index, EMBEDDER)
    want = {q: [h.passage.id for h in retriever.search(q, 3)] for q in QUERIES}
    got: dict[str, list[int | None]] = {}
    errors: list[BaseException] = []

    def search(query: str) -> None:
        try:
            got[query] = [h.passage.id for h in retriever.search(query, 3)]
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    # A transaction holding the passages table's exclusive lock: every search's read of it waits in the server.
    # Serialized reads would leave one search waiting there and the others queued in Python; side by side, all wait.
    with psycopg.connect(pg_url) as blocker:
        blocker.execute("LOCK TABLE passages IN ACCESS EXCLUSIVE MODE")
        threads = [threading.Thread(target=search, args=(q,)) for q in QUERIES]
        for t in threads:
            t.start()
        deadline, waiting = time.monotonic() + 30, 0
        while time.monotonic() < deadline and waiting < len(QUERIES):
            time.sleep(0.05)
            waiting = _waiting_on_a_lock(pg_url)
        blocker.rollback()
    for t in threads:
        t.join(timeout=30)
    index.close()
    assert waiting == len(QUERIES), f"only {waiting} of {len(QUERIES)} searches were reading at once"
    assert not errors and got == want


def _search_while_locked(pg_url: str, tables: str, expect_waiting: int) -> tuple[int, list, dict, list]:
    """One search run while another transaction holds `tables` exclusively: how many of its reads were waiting at
    once at most (up to `expect_waiting`), its hits, its timings, its errors, against the same search unlocked."""
    index = PgIndex(pg_url, EMBEDDER.name, EMBEDDER.dimension)
    _ingest(index)
    retriever = Retriever(index, EMBEDDER)
    want = [(h.passage.id, h.score) for h in retriever.search("package mirror network", 3)]
    got: list = []
    timings: dict[str, float] = {}
    errors: list[BaseException] = []

    def search() -> None:
        try:
            got.extend((h.passage.id, h.score) for h in retriever.search("package mirror network", 3, timings=timings))
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    with psycopg.connect(pg_url) as blocker:
        blocker.execute(f"LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE")
        thread = threading.Thread(target=search)
        thread.start()
        deadline, waiting = time.monotonic() + 30, 0
        while time.monotonic() < deadline and waiting < expect_waiting:
            time.sleep(0.05)
            waiting = max(waiting, _waiting_on_a_lock(pg_url))
        time.sleep(0.3)  # the waits last: each read measures its own time
        blocker.rollback()
    thread.join(timeout=30)
    index.close()
    assert not errors and got == want
    return waiting, got, timings, errors


def test_one_search_reads_its_dense_and_keyword_candidates_side_by_side(pg_url: str) -> None:
    # The dense lookup reads `passages`, the keyword lookup `keyword_terms`: with both locked, one search has
    # two reads waiting at once only if it runs them side by side (one after the other: one wait, then the next).
    waiting, _, timings, _ = _search_while_locked(pg_url, "passages, keyword_terms", 2)
    assert waiting == 2, f"{waiting} of one search's two lookups were waiting at once"
    # Each stage measured its own wait; both overlapped, so each took about as long as the whole lookup.
    assert timings["dense_search"] >= 300 and timings["keyword_search"] >= 300


def test_one_search_reads_its_passages_and_their_sentence_vectors_side_by_side(pg_url: str) -> None:
    # After fusion: the passages (joined with `documents`), their vectors and their sentence vectors
    # (`passage_sentences`) are read at once, so with those two tables locked two reads wait together.
    waiting, _, timings, _ = _search_while_locked(pg_url, "documents, passage_sentences", 2)
    assert waiting == 2, f"{waiting} of one search's reads after fusion were waiting at once"
    assert timings["fusion"] >= 300


def test_dense_search_sets_hnsw_ef_search_once_per_connection_and_follows_a_change(pg_url: str) -> None:
    index = PgIndex(pg_url, EMBEDDER.name, EMBEDDER.dimension, ef_search=77)
    _ingest(index)
    query = EMBEDDER.encode(["package mirror"])[0]

    def pooled_setting() -> str:  # the one idle pooled connection: the one the search used
        with index._read.connection() as conn:
            return conn.execute("SHOW hnsw.ef_search").fetchone()[0]

    want = index.dense_candidates(query, 3)[0].tolist()
    assert pooled_setting() == "77"
    index.ef_search = 123
    assert index.dense_candidates(query, 3)[0].tolist() == want and pooled_setting() == "123"
    index.dense_candidates(query, 500)  # k above ef_search: the search is widened to k
    assert pooled_setting() == "500"
    # A filter to a few passages scores them exactly, whatever the setting.
    some = index.passage_ids_for_documents([index.documents()[0].id])
    assert index.dense_candidates(query, 3, some)[0].tolist() == some.tolist()[:3]
    index.close()


def test_asked_about_a_document_itself_its_first_passage_is_read_from_postgresql(pg_url: str) -> None:
    index = PgIndex(pg_url, EMBEDDER.name, EMBEDDER.dimension)
    front = "Field Standard\n\nVersion 3.0\n\nPublication date April 2, 2015"
    rules = [f"Revision {n} of the FS 3.0 rules was published, and when it was published it was released." for n in range(6)]
    text = "\n\n".join([front, *rules])
    doc = load_bytes(f"# Field Standard\n\n{text}".encode(), "field-standard.md")
    passages, at = [], 0
    for ordinal, part in enumerate([front, *rules]):
        at = doc.text.index(part, at)
        passages.append(Passage(doc.id, at, at + len(part), part, ordinal, doc.title))
    index.apply([DocumentUpdate(doc, passages, EMBEDDER.encode([p.text for p in passages]), [])])
    retriever = Retriever(index, EMBEDDER)
    hits = retriever.search("When was FS 3.0 published?", 2)
    assert any(h.passage.ordinal == 0 for h in hits), [h.passage.text for h in hits]
    # a question about the rules, not the document: nothing is added
    assert all(h.passage.ordinal != 0 for h in retriever.search("Which revision of the rules was released?", 2))

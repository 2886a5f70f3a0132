"""Keyword search on PostgreSQL is the local BM25: the same passages, scores and order, filtered or not; the
document frequencies stay exact under concurrent writers, removals and a migration of an older database."""

from __future__ import annotations

import random
import threading

import numpy as np
import psycopg
import pytest
from hash_embedder import HashEmbedder

from rag.index import DocumentUpdate
from rag.keyword import KeywordIndex
from rag.load import load_bytes
from rag.pg import keyword, migrations
from rag.pg.index import PgIndex
from rag.records import Passage

EMBEDDER = HashEmbedder(32)
# Zipf-like: the first words are in most passages (long postings lists), the last in a few.
WORDS = ["server", "network", "packages", "install", "configure", "mirror", "kernel", "module", "firewall", "printer", "locale", "timezone", "backup", "cron", "journal", "quota", "swap", "partition", "bootloader", "grub", "sudo", "shell", "python", "library", "archive", "keyring", "signature", "upgrade", "release", "testing", "unstable", "stable", "security", "daemon", "socket", "port", "proxy", "quokka", "tapir", "narwhal", "axolotl"]
QUERIES = ["configure the server network", "install packages from a mirror", "kernel module firewall",
           "quokka", "backup with cron and a journal", "upgrade the stable release security", "tapir narwhal server",
           "the and of", "unknownword server", "Servers networking installed configuring"]


def corpus(documents: int, seed: int, prefix: str = "kw") -> list[DocumentUpdate]:
    rng = random.Random(seed)
    weights = [1.0 / (i + 1) for i in range(len(WORDS))]
    updates = []
    for d in range(documents):
        paragraphs = [" ".join(rng.choices(WORDS, weights, k=rng.randint(3, 40))) + "."
                      for _ in range(rng.randint(1, 4))]
        title = " ".join(rng.choices(WORDS, weights, k=2)).title()
        text = title + "\n\n" + "\n\n".join(paragraphs)
        doc = load_bytes(text.encode(), f"{prefix}{d}.txt", source=f"{prefix}/{d}.txt")
        passages, start = [], len(doc.title) + 2 if doc.text.startswith(doc.title) else 0
        for ordinal, paragraph in enumerate(paragraphs):
            at = doc.text.index(paragraph, start)
            passages.append(Passage(doc.id, at, at + len(paragraph), paragraph, ordinal, doc.title))
            start = at + len(paragraph)
        updates.append(DocumentUpdate(doc, passages, EMBEDDER.encode([p.text for p in passages]), []))
    return updates


def local_index(index: PgIndex) -> KeywordIndex:
    """The in-memory BM25 of exactly the passages the PostgreSQL index holds (with its passage ids)."""
    with psycopg.connect(index._write.url) as conn:
        rows = conn.execute("SELECT id, text, context FROM passages ORDER BY id").fetchall()
    return KeywordIndex().updated([tuple(r) for r in rows], np.zeros(0, dtype=np.int64))


def assert_same_as_local(index: PgIndex, allowed: np.ndarray | None = None, k: int = 10) -> None:
    local = local_index(index)
    for query in QUERIES:
        want = local.search(query, k, allowed)
        got = index.keyword_candidates(query, k, allowed)
        assert [pid for pid, _ in got] == [pid for pid, _ in want], query
        assert np.allclose([s for _, s in got], [s for _, s in want], rtol=1e-5), query


@pytest.mark.parametrize("way", ["all", "all, ids sorted", "lists", "cut lists", "cut lists, then all"])
def test_the_ranking_is_the_local_bm25_also_when_the_lists_are_cut(pg_url: str, monkeypatch, way: str) -> None:
    # "all": every posting of the terms summed (by slots indexed by passage id, or after sorting the ids);
    # "lists": the pruned lists; depth 2 cuts every list, and the answer must still be exact (the bound sends the
    # query deeper, or the postings are summed after all).
    defaults = {"all": {"all_postings_max": 10**9}, "all, ids sorted": {"all_postings_max": 10**9},
                "lists": {"all_postings_max": 0, "summed_after_lists_max": 0},
                "cut lists": {"all_postings_max": 0, "summed_after_lists_max": 0, "depth": 2},
                "cut lists, then all": {"all_postings_max": 0, "depth": 2}}[way]
    monkeypatch.setattr(keyword.search, "__kwdefaults__", {**keyword.search.__kwdefaults__, **defaults})
    if way == "all, ids sorted":
        monkeypatch.setattr(keyword, "_DENSE_IDS_MAX", 0)
    index = PgIndex(pg_url, EMBEDDER.name, EMBEDDER.dimension)
    index.apply(corpus(120, seed=1))
    assert_same_as_local(index)
    assert_same_as_local(index, k=1)
    stats: dict = {}
    with psycopg.connect(pg_url) as conn:
        keyword.search(conn, ["server", "network"], 10, None, keyword.key_length(conn), stats=stats)
    assert stats["way"] == {"all, ids sorted": "all", "cut lists": "lists"}.get(way, way.removeprefix("cut "))
    if way.startswith("cut lists"):  # the lists were cut, and the query went deeper or summed them all
        assert stats["depths"][0] == 2 and (len(stats["depths"]) > 1 or way.endswith("then all"))
    some = index.passage_ids_for_documents([u.document.id for u in corpus(120, seed=1)[::7]])
    assert_same_as_local(index, allowed=some)
    assert index.keyword_candidates("quokka", 5, allowed=np.zeros(0, dtype=np.int64)) == []
    assert index.check() == []
    index.close()


def test_updates_and_removals_keep_the_frequencies_exact(pg_url: str) -> None:
    index = PgIndex(pg_url, EMBEDDER.name, EMBEDDER.dimension)
    first = corpus(40, seed=2)
    index.apply(first)
    changed = corpus(10, seed=3)  # the same sources with other text: replaces ten documents
    index.apply(changed, removals=[u.document.id for u in first[20:30]])
    assert index.check() == []
    assert_same_as_local(index)
    with psycopg.connect(pg_url) as conn:
        df = dict(conn.execute("SELECT term, df FROM keyword_terms"))
    local = local_index(index)
    assert df == {t: int(local._ptr[i + 1] - local._ptr[i]) for t, i in local._vocab.items()
                  if local._ptr[i + 1] > local._ptr[i]}
    index.apply(removals=[u.document.id for u in first])
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT COUNT(*) FROM keyword_terms").fetchone()[0] == 0
        assert conn.execute("SELECT keyword_length FROM rag_state").fetchone()[0] == pytest.approx(0, abs=1e-6)
    assert index.check() == []
    index.close()


def test_absent_terms_are_the_local_analyzers(pg_url: str) -> None:
    index = PgIndex(pg_url, EMBEDDER.name, EMBEDDER.dimension)
    index.apply(corpus(5, seed=4))
    assert index.absent_terms(["Servers", "the", "zyzzyva", "configuring"]) == ["zyzzyva"]
    index.close()


def test_concurrent_writers_of_the_same_terms_neither_deadlock_nor_lose_counts(pg_url: str) -> None:
    # Every writer adds documents holding the same words, in a different order each, one transaction each.
    PgIndex(pg_url, EMBEDDER.name, EMBEDDER.dimension).close()
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            index = PgIndex(pg_url, EMBEDDER.name, EMBEDDER.dimension)
            for j, update in enumerate(corpus(15, seed=100 + worker, prefix=f"w{worker}")):
                index.apply([update], removals=[corpus(15, seed=100 + worker, prefix=f"w{worker}")[j - 3].document.id]
                            if j >= 3 and j % 4 == 0 else [])
            index.close()
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads) and errors == []
    index = PgIndex(pg_url, EMBEDDER.name, EMBEDDER.dimension)
    assert index.check() == []  # every term's df is its postings' count, the summed length is the passages'
    assert_same_as_local(index)
    index.close()


def test_a_version_1_database_is_migrated_with_its_postings_backfilled(pg_url: str, monkeypatch) -> None:
    updates = corpus(30, seed=5)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:1])
        monkeypatch.setattr(migrations, "LATEST", 1)
        migrations.migrate(conn, EMBEDDER.dimension, only_additive=True)
        # Rows as a version-1 writer stored them (no postings).
        conn.execute("INSERT INTO rag_meta VALUES ('embedder', %s), ('dimension', %s)",
                     (EMBEDDER.name, str(EMBEDDER.dimension)))
        for u in updates:
            d = u.document
            conn.execute("INSERT INTO documents VALUES (%s, %s, %s, %s, %s, %s, '{}', 0)",
                         (d.id, d.source, d.title, d.media_type, d.content_hash, d.text))
            for p, vec in zip(u.passages, u.vectors, strict=True):
                conn.execute('INSERT INTO passages(doc_id, ordinal, start, "end", context, text, embedding) '
                             "VALUES (%s, %s, %s, %s, %s, %s, %s::vector)",
                             (d.id, p.ordinal, p.start, p.end, p.context, p.text, str(vec.tolist())))
        conn.execute("UPDATE rag_state SET documents = %s, passages = %s",
                     (len(updates), sum(len(u.passages) for u in updates)))
        monkeypatch.undo()
        with pytest.raises(Exception, match="rag db migrate"):  # not additive: waits for the operator
            PgIndex(pg_url, EMBEDDER.name, EMBEDDER.dimension)
        assert [m.version for m in migrations.migrate(conn, None, only_additive=False)] == [2, 3, 4]
    index = PgIndex(pg_url, EMBEDDER.name, EMBEDDER.dimension)
    assert index.check() == []
    assert_same_as_local(index)
    with psycopg.connect(pg_url) as conn:
        assert keyword.key_length(conn) != keyword.DEFAULT_KEY_LENGTH  # the stored passages' mean length
    index.close()


def test_check_finds_and_repair_mends_wrong_keyword_statistics(pg_url: str) -> None:
    index = PgIndex(pg_url, EMBEDDER.name, EMBEDDER.dimension)
    index.apply(corpus(10, seed=6))
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("UPDATE keyword_terms SET df = df + 3 WHERE term = 'server'")
        conn.execute("DELETE FROM keyword_terms WHERE term = 'network'")
        conn.execute("UPDATE rag_state SET keyword_length = keyword_length + 10")
    problems = index.check()
    assert any("2 keyword terms" in p for p in problems) and any("keyword length" in p for p in problems)
    actions = index.repair()
    assert any("document frequency of 2" in a for a in actions) and any("keyword length" in a for a in actions)
    assert index.check() == []
    assert_same_as_local(index)
    index.close()


def test_check_finds_and_repair_writes_postings_missing_entirely_or_in_part(pg_url: str) -> None:
    index = PgIndex(pg_url, EMBEDDER.name, EMBEDDER.dimension)
    index.apply(corpus(10, seed=8))
    stop = load_bytes(b"Notes\n\nThe and of it.", "stop.txt", source="stop.txt")  # stopwords only: no postings
    at = stop.text.index("The and")
    index.apply([DocumentUpdate(stop, [Passage(stop.id, at, len(stop.text), stop.text[at:], 0, "")],
                                EMBEDDER.encode([stop.text[at:]]), [])])
    assert index.check() == []
    with psycopg.connect(pg_url, autocommit=True) as conn:
        gone, cut = [r[0] for r in conn.execute("SELECT id FROM passages WHERE doc_id != %s ORDER BY id LIMIT 2",
                                                (stop.id,))]
        conn.execute("DELETE FROM keyword_postings WHERE passage_id = %s", (gone,))
        conn.execute("DELETE FROM keyword_postings WHERE passage_id = %s AND term = "
                     "(SELECT MIN(term) FROM keyword_postings WHERE passage_id = %s)", (cut, cut))
        # The statistics made to agree with what is left: only the postings themselves are wrong.
        conn.execute("DELETE FROM keyword_terms")
        conn.execute("INSERT INTO keyword_terms SELECT term, COUNT(*) FROM keyword_postings GROUP BY term")
        conn.execute(f"UPDATE rag_state SET keyword_length = ({keyword._LENGTHS})")
    problems = index.check()
    assert any("1 passages have no keyword postings" in p for p in problems), problems
    assert any("1 passages miss some of their keyword postings" in p for p in problems), problems
    actions = index.repair()
    assert any("wrote the keyword postings of 2 passages" in a for a in actions), actions
    assert index.check() == []
    assert_same_as_local(index)
    index.close()


def test_binary_arrays_from_the_server_are_read_exactly_and_odd_ones_refused(pg_url: str) -> None:
    with psycopg.connect(pg_url) as conn, conn.cursor(binary=True) as cur:
        for oid in keyword._ARRAY_OIDS:
            cur.adapters.register_loader(oid, keyword._raw_array_loader())
        ids, tfs, empty, nothing, holed, square = cur.execute(
            "SELECT ARRAY[1, 9007199254740993, -4]::int8[], ARRAY[0.4, 1.5, 3]::float4[], ARRAY[]::int8[], "
            "NULL::int8[], ARRAY[1, NULL]::int8[], ARRAY[[1, 2], [3, 4]]::int8[]").fetchone()
    assert keyword._array(ids, "int64").tolist() == [1, 9007199254740993, -4]
    assert keyword._array(tfs, "float32").tolist() == pytest.approx([0.4, 1.5, 3.0])
    assert len(keyword._array(empty, "int64")) == 0 and len(keyword._array(nothing, "int64")) == 0
    for odd in (holed, square):
        with pytest.raises(ValueError, match="one-dimensional array without NULLs"):
            keyword._array(odd, "int64")
    with pytest.raises(ValueError, match="unexpected width"):
        keyword._array(ids, "int32")  # 8-byte elements read as 4-byte ones


def test_migration_4_writes_the_definitions_of_the_passages_already_stored(pg_url: str) -> None:
    api = "API\n\ntally.count(items, key=None)\nCount the items that share each key.\n"
    doc = load_bytes(api.encode(), "api.txt", source="kw/api.txt")
    passage = Passage(doc.id, 0, len(doc.text), doc.text, 0, doc.title)
    index = PgIndex(pg_url, EMBEDDER.name, EMBEDDER.dimension)
    index.apply([DocumentUpdate(doc, [passage], EMBEDDER.encode([doc.text]), []), *corpus(5, seed=9)])
    lookup = [["=defines:tally.count"]]
    found = index.definition_candidates(lookup)
    assert len(found) == 1
    index.close()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        # As a database of version 3 holds its passages: no definition postings.
        conn.execute("DELETE FROM keyword_postings WHERE starts_with(term, '=defines:')")
        conn.execute("DELETE FROM keyword_terms WHERE starts_with(term, '=defines:')")
        conn.execute("DELETE FROM rag_schema_migrations WHERE version = 4")
    index = PgIndex(pg_url, EMBEDDER.name, EMBEDDER.dimension)  # additive: migrated on opening
    assert index.definition_candidates(lookup) == found
    assert index.check() == []  # document frequencies and lengths hold with them
    assert_same_as_local(index)  # and BM25 is unchanged by them
    index.close()

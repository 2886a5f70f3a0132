"""Keyword ranking on PostgreSQL weighs a rare word above a common one (the IDF that ts_rank_cd lacks)."""

from __future__ import annotations

from hash_embedder import HashEmbedder

from rag.index import DocumentUpdate
from rag.load import load_bytes
from rag.pg.index import PgIndex
from rag.records import Passage

EMBEDDER = HashEmbedder(32)


def one_passage(name: str, text: str) -> DocumentUpdate:
    doc = load_bytes(text.encode(), f"{name}.txt", source=f"rarity/{name}.txt")
    return DocumentUpdate(doc, [Passage(doc.id, 0, len(doc.text), doc.text, 0)], EMBEDDER.encode([doc.text]), [])


def test_a_rare_word_outweighs_a_common_one(pg_url: str) -> None:
    index = PgIndex(pg_url, EMBEDDER.name, EMBEDDER.dimension)
    fillers = [one_passage(f"f{i}", f"Filler {i}. The server restarted; the server logged it; server again.")
               for i in range(40)]
    common = one_passage("common", "Server server server: the server and the server room.")
    rare = one_passage("rare", "One note mentions the quokka near a server.")
    index.apply([*fillers, common, rare])  # the first write of a process runs ANALYZE
    weights = index._idf.weights(["server", "quokka"], index._read)
    assert weights[1] > 2 * weights[0]
    top = index.keyword_candidates("server quokka", 3)
    assert index.passages([top[0][0]])[top[0][0]][0].doc_id == rare.document.id
    index.close()

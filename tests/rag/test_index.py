import shutil

import numpy as np
import pytest

from rag.errors import IndexMismatchError, NotFoundError
from rag.index import Index
from rag.vectors import FaissVectorIndex
from tests.conftest import SEED_FILE


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_ingesting_the_same_file_again_is_a_no_op(make_service, tmp_path):
    service = make_service()
    first = service.ingest_paths([SEED_FILE])
    generation = service.index.manifest.generation
    second = service.ingest_paths([SEED_FILE])
    assert first.added and second.unchanged == first.added and not second.added
    assert service.index.manifest.generation == generation
    assert service.index.check() == []


def test_a_changed_file_replaces_its_passages(make_service, tmp_path):
    service = make_service()
    doc = _write(tmp_path / "notes.txt", "The meeting room is on the third floor.\n")
    service.ingest_paths([doc])
    _write(doc, "The meeting room moved to the ninth floor of the east tower.\n")
    report = service.ingest_paths([doc])
    assert report.updated == [str(doc)] or report.updated[0].endswith("notes.txt")
    texts = [h.passage.text for h in service.search("Where is the meeting room?", 5)]
    assert any("ninth floor" in t for t in texts) and not any("third floor" in t for t in texts)
    assert service.index.manifest.documents == 1
    assert service.index.check() == []


def test_remove_deletes_a_document_and_unknown_ids_are_not_found(make_service, tmp_path):
    service = make_service()
    service.ingest_paths([_write(tmp_path / "a.txt", "Apples grow on trees in orchards.\n"), SEED_FILE])
    doc_id = next(d.id for d in service.index.store.documents() if d.source.endswith("a.txt"))
    service.remove(doc_id)
    assert all(doc_id != h.passage.doc_id for h in service.search("apples orchards", 10))
    assert service.index.check() == []
    with pytest.raises(NotFoundError):
        service.remove(doc_id)


def test_opening_an_index_built_with_another_embedder_is_an_error(seed_index_dir, tmp_path):
    copy = tmp_path / "idx"
    shutil.copytree(seed_index_dir, copy)
    with pytest.raises(IndexMismatchError, match="all-MiniLM-L6-v2"):
        Index(copy, "some-other-model", 384)
    with pytest.raises(IndexMismatchError):
        Index(copy, "all-MiniLM-L6-v2", 768)


def test_a_failed_write_leaves_the_previous_index_intact(make_service, seed_index_dir, tmp_path, monkeypatch):
    service = make_service(copy_seed_from=seed_index_dir)
    before = service.index.manifest
    answer_before = service.ask("How long did the ministers meet?").text

    def broken_save(self, path):
        path.write_bytes(b"partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(FaissVectorIndex, "save", broken_save)
    new_doc = _write(tmp_path / "extra.txt", "A brand new document about lighthouses and ships.\n")
    with pytest.raises(Exception, match="disk is full"):
        service.ingest_paths([new_doc])
    monkeypatch.undo()
    reopened = make_service(index_dir=service.settings.index_dir)
    assert reopened.index.manifest == before
    assert reopened.index.check() == []
    assert reopened.ask("How long did the ministers meet?").text == answer_before
    assert not list(service.settings.index_dir.glob("vectors-*.tmp"))


def test_a_second_reader_sees_a_new_generation_without_reopening(make_service, tmp_path):
    writer = make_service()
    writer.ingest_paths([SEED_FILE])
    reader = make_service(index_dir=writer.settings.index_dir)
    assert reader.ask("Which lighthouse guides ships into Port Elms?").abstained
    writer.ingest_paths([_write(tmp_path / "harbour.txt", "The Kestrel lighthouse guides ships into Port Elms harbour.\n")])
    answer = reader.ask("Which lighthouse guides ships into Port Elms?")
    assert not answer.abstained and "Kestrel" in answer.text


def test_vectors_round_trip_through_the_faiss_file(tmp_path):
    index = FaissVectorIndex(4)
    vectors = np.eye(4, dtype=np.float32)
    index.add(np.array([10, 11, 12, 13]), vectors)
    assert index.remove(np.array([11])) == 1
    index.save(tmp_path / "v.faiss")
    loaded = FaissVectorIndex.load(tmp_path / "v.faiss")
    ids, scores = loaded.search(vectors[2], 2)
    assert ids[0] == 12 and scores[0] == pytest.approx(1.0)
    assert sorted(loaded.ids().tolist()) == [10, 12, 13]
    ids, _ = loaded.search(vectors[2], 3, allowed_ids=np.array([13]))
    assert ids.tolist() == [13]


def test_prune_removes_documents_whose_files_left_the_folder(make_service, tmp_path):
    service = make_service()
    folder = tmp_path / "docs"
    folder.mkdir()
    keep = _write(folder / "keep.txt", "The archive opens at nine in the morning.\n")
    gone = _write(folder / "gone.txt", "The canteen serves soup on Fridays.\n")
    service.ingest_paths([folder])
    gone.unlink()
    without_prune = service.ingest_paths([folder])
    assert without_prune.removed == [] and service.index.manifest.documents == 2
    report = service.ingest_paths([folder], prune=True)
    assert len(report.removed) == 1 and report.removed[0].endswith("gone.txt")
    sources = [d.source for d in service.index.store.documents()]
    assert len(sources) == 1 and sources[0].endswith(keep.name)
    assert service.index.check() == []

"""Sentence vectors made at ingest by late chunking: exact spans, the same passage vectors, stored and migrated."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import numpy as np

from rag.index import FORMAT_VERSION
from rag.load import load_path
from rag.sentence_vectors import embed_passages
from rag.split import SplitConfig, split_document
from tests.conftest import ROOT, SEED_FILE

ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PATH": "/usr/bin:/bin"}


def _rag(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rag.cli", *args], env=ENV, cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def _seed_passages(embedder):
    doc = load_path(SEED_FILE)
    return doc, split_document(doc, SplitConfig(), embedder.count_tokens)


def test_late_chunking_gives_the_encoders_passage_vectors_and_one_unit_vector_per_sentence(embedder):
    doc, passages = _seed_passages(embedder)
    vectors, sentences = embed_passages(embedder, passages)
    np.testing.assert_allclose(vectors, embedder.encode([p.embedding_text() for p in passages]), atol=1e-5)
    for passage, rows in zip(passages, sentences, strict=True):
        assert rows.vectors.dtype == np.float16 and len(rows) >= 1
        assert np.allclose(np.linalg.norm(rows.vectors.astype(np.float32), axis=1), 1.0, atol=2e-3)
        assert rows.spans[0, 0] == passage.start and rows.spans[-1, 1] == passage.end
        assert all(passage.start <= s < e <= passage.end for s, e in rows.spans.tolist())


def test_a_sentence_vector_knows_its_passage_context(embedder):
    """The same words, late-chunked in two different passages, get different vectors (separately: identical)."""
    doc, passages = _seed_passages(embedder)
    _, late = embed_passages(embedder, passages[:2])
    _, alone = embed_passages(embedder, passages[:2], mode="separate")
    first = passages[0].text[late[0].spans[0, 0] - passages[0].start : late[0].spans[0, 1] - passages[0].start]
    np.testing.assert_allclose(alone[0].vectors[0].astype(np.float32), embedder.encode([first])[0], atol=2e-3)
    assert not np.allclose(late[0].vectors[0], alone[0].vectors[0], atol=1e-2)


def test_answers_read_sentence_vectors_from_the_index_without_a_model_call(seed_service, monkeypatch):
    calls = []
    original = seed_service.embedder.encode
    monkeypatch.setattr(seed_service.embedder, "encode", lambda texts: calls.append(list(texts)) or original(texts))
    answer = seed_service.ask("How long did the foreign ministers of Japan and Russia talk?")
    assert not answer.abstained
    assert "sentence_embed" not in answer.timings_ms
    assert all(len(texts) == 1 for texts in calls)  # at most the question itself


def test_an_index_of_the_previous_format_is_migrated_and_checked(make_service, seed_index_dir, tmp_path):
    service = make_service(copy_seed_from=seed_index_dir)
    directory = service.settings.index_dir
    service.close()
    with sqlite3.connect(directory / "store.sqlite") as db:  # what a version-2 index looks like
        db.execute("DELETE FROM passage_sentences")
        db.execute("UPDATE meta SET value = '2' WHERE key = 'format_version'")
    check = _rag("check", "--index", str(directory))
    assert check.returncode == 1 and "have no sentence vectors" in check.stderr
    migrate = _rag("migrate", "--index", str(directory))
    assert migrate.returncode == 0, migrate.stderr
    assert f"format {FORMAT_VERSION}" in migrate.stdout
    check = _rag("check", "--index", str(directory))
    assert check.returncode == 0, check.stderr


def test_repair_drops_damaged_sentence_rows_and_check_names_them(make_service, seed_index_dir):
    service = make_service(copy_seed_from=seed_index_dir)
    directory = service.settings.index_dir
    service.close()
    with sqlite3.connect(directory / "store.sqlite") as db:
        db.execute("UPDATE passage_sentences SET spans = x'00' WHERE id = (SELECT MIN(id) FROM passage_sentences)")
    check = _rag("check", "--index", str(directory))
    assert check.returncode == 1 and "sentence rows" in check.stderr
    repair = _rag("repair", "--index", str(directory))
    assert "damaged or orphaned sentence rows" in repair.stdout

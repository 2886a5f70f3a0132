"""Writers that never collide: several processes ingest into one PostgreSQL index at once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from hash_embedder import HashEmbedder
from pg_writer import SHARED_TEXT

from rag.config import Settings
from rag.ingest import prepare_update
from rag.load import document_id, load_bytes
from rag.service import RagService

ROOT = Path(__file__).resolve().parents[3]
WRITER = Path(__file__).with_name("pg_writer.py")
WORKERS, DOCS = 4, 6


def test_concurrent_writers_lose_nothing_and_the_same_content_gives_one_document(pg_url: str,
                                                                                  tmp_path: Path) -> None:
    service = RagService(Settings(index_url=pg_url), embedder=HashEmbedder())
    service.warm_up()  # the schema exists before the writers start (they would also race to create it safely)
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'tests'}"}
    procs = [subprocess.Popen([sys.executable, str(WRITER), pg_url, str(w), str(DOCS), str(go)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for w in range(WORKERS)]
    go.touch()
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0 and out.strip() == "done", err[-2000:]
    index = service.index
    assert index.check() == []
    state = index.state()
    assert state.documents == WORKERS * DOCS + 1
    shared = document_id("race/shared.txt")
    passages = index.passage_ids_for_documents([shared])
    expected = prepare_update(load_bytes(SHARED_TEXT.encode(), "shared.txt", source="race/shared.txt"),
                              HashEmbedder(), service.split_config)
    assert len(passages) == len(expected.passages)  # one copy of its passages, not one per writer
    for w in range(WORKERS):
        for j in range(DOCS):
            assert index.document(document_id(f"race/w{w}/{j}.txt")) is not None
    hits = service.search("courier w2n3 parcel p2x3")
    assert hits[0].passage.doc_id == document_id("race/w2/3.txt")
    service.close()

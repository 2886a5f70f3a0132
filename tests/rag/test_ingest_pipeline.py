"""Ingest with the model's runs overlapped (several runs at once, the next document beside this one) builds the
same index as one run at a time: same passages, ids, vectors and sentence vectors, bit for bit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rag.config import Settings
from rag.service import RagService

pytest.importorskip("onnxruntime", reason="the onnx backend is optional: pip install onnxruntime")
pytest.importorskip("onnx", reason="exporting the model needs the onnx package")

ROOT = Path(__file__).resolve().parents[2]


def _corpus(folder: Path) -> Path:
    folder.mkdir()
    for n in range(4):
        body = "".join(f"Crossing {n}.{i} left the harbour at {i % 12} o'clock and reached the island by noon. "
                       f"{'Its cargo was grain. ' * (i % 5)}\n\n" for i in range(12 + 9 * n))
        (folder / f"crossings-{n}.md").write_text(f"# Ferry log {n}\n\n## Summer\n\n{body}")
    (folder / "seed.txt").write_bytes((ROOT / "seeds" / "000_fb07636c2cdaa24d.txt").read_bytes())
    return folder


def _build(index_dir: Path, corpus: Path, runs_in_flight: int, progress=None):  # noqa: ANN001, ANN202
    from rag.embed_onnx import OnnxEmbedder

    # Two rows a run: many runs a document, so runs and documents really overlap.
    embedder = OnnxEmbedder(batch_size=2, runs_in_flight=runs_in_flight)
    service = RagService(Settings(index_dir=index_dir, overlap_tokens=16), embedder=embedder)
    service.warm_up()
    report = service.ingest_paths([corpus], progress=progress)
    return service, report


def _contents(service: RagService) -> tuple:
    index = service.index
    ids = sorted(index.store.all_passage_ids())
    passages = index.passages(ids)
    vectors = index.passage_vectors(ids)
    sentences = index.sentence_vectors(ids)
    return (ids, [passages[i] for i in ids], np.stack([vectors[i] for i in ids]),
            [(sentences[i].spans, sentences[i].vectors) for i in ids])


def test_overlapped_runs_build_the_index_one_run_at_a_time_builds(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "docs")
    sequential, seq_report = _build(tmp_path / "sequential", corpus, runs_in_flight=1)
    overlapped, report = _build(tmp_path / "overlapped", corpus, runs_in_flight=2)
    try:
        assert report.as_dict() == seq_report.as_dict() and report.passages > 30
        ids, passages, vectors, sentences = _contents(overlapped)
        seq_ids, seq_passages, seq_vectors, seq_sentences = _contents(sequential)
        assert ids == seq_ids and passages == seq_passages
        assert vectors.dtype == np.float32 and np.array_equal(vectors, seq_vectors)
        for (spans, rows), (seq_spans, seq_rows) in zip(sentences, seq_sentences, strict=True):
            assert np.array_equal(spans, seq_spans) and np.array_equal(rows, seq_rows)
        assert overlapped.index.check() == []
    finally:
        sequential.close()
        overlapped.close()


class _Counting:
    def __init__(self) -> None:
        self.stages: list[tuple] = []
        self.embedded = 0

    def start(self, stage: str, total: int | None, unit: str) -> None:
        self.stages.append((stage, total, unit))

    def advance(self, count: int = 1) -> None:
        if self.stages[-1][0] == "embed":
            self.embedded += count

    def finish(self) -> None:
        pass


def test_overlapped_ingest_reports_every_passage_once(tmp_path: Path, monkeypatch) -> None:
    from rag import ingest

    monkeypatch.setattr(ingest, "EMBED_CHUNK", 8)  # several chunks a document, advanced from two threads
    progress = _Counting()
    service, report = _build(tmp_path / "index", _corpus(tmp_path / "docs"), runs_in_flight=2, progress=progress)
    service.close()
    assert [s[0] for s in progress.stages] == ["load", "split", "embed", "write"]
    assert progress.stages[2] == ("embed", report.passages, "passages")
    assert progress.embedded == report.passages


def test_a_failing_document_stops_the_overlapped_ingest_and_writes_nothing(tmp_path: Path, monkeypatch) -> None:
    from rag import ingest

    real = ingest.embed_update

    def failing(doc, passages, embedder, progress=None):  # noqa: ANN001, ANN202
        if doc.source.endswith("crossings-2.md"):
            raise RuntimeError("the model ran out of memory")
        return real(doc, passages, embedder, progress)

    monkeypatch.setattr(ingest, "embed_update", failing)
    with pytest.raises(RuntimeError, match="out of memory"):
        _build(tmp_path / "index", _corpus(tmp_path / "docs"), runs_in_flight=2)
    service = RagService(Settings(index_dir=tmp_path / "index"), embedder=None)
    try:
        assert service.index.state().passages == 0
    finally:
        service.close()

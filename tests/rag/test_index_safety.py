"""Data safety of the index across processes: one writer at a time, readers never blocked nor shown a
half-written generation, clear errors on a full disk or a read-only folder, and `repair`."""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from hash_embedder import HashEmbedder

from rag.config import Settings
from rag.errors import IndexBusyError, RagError
from rag.index import MANIFEST_FILE, Index
from rag.load import document_id
from rag.service import RagService
from rag.vectors import FaissVectorIndex

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).parent))
import index_crash_worker as worker  # noqa: E402 - batches of documents shared with the crash test

ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "rag")])}


def python(code: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], env=ENV, cwd=ROOT, text=True, **kwargs)


def open_service(index_dir: Path, **overrides) -> RagService:
    service = RagService(Settings(index_dir=index_dir, **overrides), embedder=HashEmbedder())
    service.warm_up()
    return service


def present(service: RagService, batch: int) -> list[bool]:
    return [service.index.store.document(document_id(f"crash/b{batch}/d{j}.txt")) is not None
            for j in range(worker.DOCS_PER_BATCH)]


def test_concurrent_writer_processes_never_interleave(tmp_path: Path) -> None:
    """Three processes ingest five batches each at once; every batch gets its own generation, none is lost."""
    index_dir = tmp_path / "index"
    worker.ingest(index_dir, 0)
    start_at = time.time() + 2.0  # all three start writing together, after their imports
    procs = [python(f"""
        import time, index_crash_worker as w
        from pathlib import Path
        time.sleep(max(0.0, {start_at} - time.time()))
        for batch in range({k * 10 + 1}, {k * 10 + 6}):
            w.ingest(Path({str(index_dir)!r}), batch)
        """) for k in range(3)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    service = open_service(index_dir)
    try:
        assert service.index.check() == []
        assert service.index.manifest.generation == 16
        for batch in [0] + [k * 10 + i for k in range(3) for i in range(1, 6)]:
            assert all(present(service, batch)), f"batch {batch} lost"
        assert service.index.manifest.documents == 16 * worker.DOCS_PER_BATCH + 1
    finally:
        service.close()


@pytest.fixture
def paused_writer(tmp_path: Path):
    """A writer process stopped inside `apply` after writing its vectors file, before its commit."""
    index_dir = tmp_path / "index"
    worker.ingest(index_dir, 0)
    proc = python(f"""
        import sys, rag.index as ix, index_crash_worker as w
        from pathlib import Path
        def pause(point):
            if point == "vectors_written":
                print("paused", flush=True)
                sys.stdin.readline()
        ix.crash_point = pause
        w.ingest(Path({str(index_dir)!r}), 1)
        print("done", flush=True)
        """, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdout.readline().strip() == "paused"
    yield index_dir, proc
    with contextlib.suppress(Exception):
        proc.stdin.close()
    proc.wait(timeout=30)


def test_readers_are_not_blocked_and_see_the_new_generation_without_reopening(paused_writer) -> None:
    index_dir, writer = paused_writer
    service = open_service(index_dir)
    try:
        question = worker.unique_sentence(1, 3)
        hits = service.search(question, 3)  # answers while the writer holds the lock and its transaction
        assert writer.poll() is None, "the writer should still be paused"
        assert hits and all(h.source.startswith("crash/b0/") or h.source == worker.ANCHOR_SOURCE for h in hits)
        assert service.index.check() == []  # its new vectors file is on disk, unpublished
        assert not any(present(service, 1))
        writer.stdin.write("go\n")
        writer.stdin.flush()
        assert writer.stdout.readline().strip() == "done"
        assert writer.wait(timeout=30) == 0
        hits = service.search(question, 3)  # the same service object: no restart
        assert hits[0].source == "crash/b1/d3.txt"
        assert all(present(service, 1)) and service.index.check() == []
    finally:
        service.close()


def test_the_api_serves_a_generation_another_process_published(paused_writer) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app

    index_dir, writer = paused_writer
    service = open_service(index_dir)
    with TestClient(create_app(service.settings, service)) as client:
        body = {"query": worker.unique_sentence(1, 3), "top_k": 3}
        before = client.post("/v1/search", json=body).json()["hits"]
        assert all(not h["source"].startswith("crash/b1/") for h in before)
        writer.stdin.write("go\n")
        writer.stdin.flush()
        assert writer.wait(timeout=30) == 0
        after = client.post("/v1/search", json=body).json()["hits"]
        assert after[0]["source"] == "crash/b1/d3.txt"
    service.close()


def test_a_waiting_writer_times_out_with_index_busy(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    worker.ingest(index_dir, 0)
    holder = python(f"""
        import sys
        from rag.index import Index
        index = Index({str(index_dir)!r}, None)
        with index.write_lock():
            print("locked", flush=True)
            sys.stdin.readline()
        """, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline().strip() == "locked"
        service = open_service(index_dir, lock_timeout_s=0.5)
        started = time.monotonic()
        with pytest.raises(IndexBusyError, match="index at .* is busy"):
            service.ingest_documents(worker.batch_documents(1))
        assert time.monotonic() - started >= 0.5  # it waited for the lock before giving up
        assert not any(present(service, 1)) and service.index.check() == []
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.wait(timeout=30) == 0
        service.ingest_documents(worker.batch_documents(1))  # free again: the write goes through
        assert all(present(service, 1))
        service.close()
    finally:
        holder.kill() if holder.poll() is None else None
        holder.wait(timeout=30)


def _snapshot(index_dir: Path) -> tuple[int, int, int]:
    service = open_service(index_dir)
    try:
        assert service.index.check() == []
        assert service.search(worker.unique_sentence(0, 2), 1)[0].source == "crash/b0/d2.txt"
        m = service.index.manifest
        return m.generation, m.documents, m.passages
    finally:
        service.close()


def test_a_failed_vectors_write_reports_a_full_disk_and_changes_nothing(tmp_path: Path, monkeypatch) -> None:
    index_dir = tmp_path / "index"
    worker.ingest(index_dir, 0)
    before = _snapshot(index_dir)
    files_before = sorted(p.name for p in index_dir.iterdir())

    def full(self, path):  # noqa: ANN001
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(FaissVectorIndex, "save", full)
    service = open_service(index_dir)
    with pytest.raises(RagError, match="disk is full; the previous index is untouched"):
        service.ingest_documents(worker.batch_documents(1))
    service.close()
    monkeypatch.undo()
    assert _snapshot(index_dir) == before
    assert sorted(p.name for p in index_dir.iterdir()) == files_before


@contextlib.contextmanager
def small_tmpfs(path: Path, size: str):
    path.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {result.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def test_a_really_full_disk_gives_a_clear_error_and_leaves_the_index_as_it_was(tmp_path: Path) -> None:
    with small_tmpfs(tmp_path / "disk", "3m") as disk:
        index_dir = disk / "index"
        worker.ingest(index_dir, 0)
        before = _snapshot(index_dir)
        service = open_service(index_dir)  # open, as a running server would be, before the disk fills
        filler = disk / "filler"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
        with contextlib.suppress(OSError):
            while True:  # fill the disk to the last byte
                os.write(fd, b"\0" * 4096)
        os.close(fd)
        with pytest.raises(RagError, match="disk is full"):
            service.ingest_documents([*worker.batch_documents(1), *worker.batch_documents(2)[:-1]])
        service.close()
        filler.unlink()
        assert _snapshot(index_dir) == before
        worker.ingest(index_dir, 1)  # with room again, writing works
        assert _snapshot(index_dir)[1] == before[1] + worker.DOCS_PER_BATCH


@contextlib.contextmanager
def read_only_folder(tmp_path: Path):
    """Yields (index folder, make-read-only, undo): a read-only remount as root (who ignores file modes),
    else the folder's write permission taken away."""
    if os.geteuid() != 0:
        index_dir = tmp_path / "index"
        yield index_dir, lambda: index_dir.chmod(0o555), lambda: index_dir.chmod(0o755)
        return
    with small_tmpfs(tmp_path / "disk", "16m") as disk:
        def remount(mode: str) -> None:
            subprocess.run(["mount", "-o", f"remount,{mode}", str(disk)], check=True)

        yield disk / "index", lambda: remount("ro"), lambda: remount("rw")


def test_a_read_only_index_folder_gives_a_clear_error_and_still_answers(tmp_path: Path) -> None:
    with read_only_folder(tmp_path) as (index_dir, make_read_only, undo):
        worker.ingest(index_dir, 0)
        before = _snapshot(index_dir)
        make_read_only()
        try:
            service = open_service(index_dir)
            assert service.search(worker.unique_sentence(0, 2), 1)[0].source == "crash/b0/d2.txt"
            with pytest.raises(RagError, match="read-only"):
                service.ingest_documents(worker.batch_documents(1))
            service.close()
        finally:
            undo()
        assert _snapshot(index_dir) == before


def test_repair_rewrites_a_damaged_vectors_file_from_the_store(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    worker.ingest(index_dir, 0)
    before = _snapshot(index_dir)
    index = Index(index_dir, None)
    vectors_file = index_dir / index.manifest.vectors_file
    index.close()
    vectors_file.write_bytes(vectors_file.read_bytes()[:100])  # truncated, as by a bad disk
    (index_dir / "vectors-00000099.faiss.tmp").write_bytes(b"leftover")
    (index_dir / MANIFEST_FILE).write_text("{not json")

    service = open_service(index_dir)  # still serves, from the stored vectors
    assert service.search(worker.unique_sentence(0, 2), 1)[0].source == "crash/b0/d2.txt"
    service.close()
    check = subprocess.run([sys.executable, "-m", "rag.cli", "check", "--index", str(index_dir)],
                           env=ENV, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert check.returncode == 1 and "unreadable" in check.stderr
    repair = subprocess.run([sys.executable, "-m", "rag.cli", "repair", "--index", str(index_dir)],
                            env=ENV, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert repair.returncode == 0, repair.stderr
    assert "rebuilt from the" in repair.stdout and "ok: generation" in repair.stdout
    assert not (index_dir / "vectors-00000099.faiss.tmp").exists()
    check = subprocess.run([sys.executable, "-m", "rag.cli", "check", "--index", str(index_dir)],
                           env=ENV, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert check.returncode == 0 and check.stdout.startswith("ok: generation")
    generation, documents, passages = _snapshot(index_dir)
    assert (documents, passages) == before[1:] and generation == before[0] + 1


def test_repair_removes_rows_that_belong_to_nothing(tmp_path: Path) -> None:
    import sqlite3

    index_dir = tmp_path / "index"
    worker.ingest(index_dir, 0)
    db = sqlite3.connect(index_dir / "store.sqlite")
    db.execute("DELETE FROM documents WHERE id = ?", (document_id("crash/b0/d4.txt"),))  # passages orphaned
    db.commit()
    db.close()
    index = Index(index_dir, None)
    assert any("belong to no document" in p for p in index.check())
    actions = index.repair()
    assert any("belonged to no document" in a for a in actions)
    assert index.check() == []
    assert index.manifest.documents == worker.DOCS_PER_BATCH
    index.close()

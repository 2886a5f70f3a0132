"""Crash safety of `Index.apply`: SIGKILL at random moments and at each named step never loses or splits a batch.

After every kill the index must open, pass `check()`, answer a question, and hold all or none of the
interrupted batch (its new documents and the new version of a shared document), and nothing committed
before. The loop uses a hashing test embedder in a forking worker, so dozens of kills take seconds;
two cases run the real CLI with the real model.
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

import pytest
from hash_embedder import HashEmbedder

from rag.config import Settings
from rag.index import CRASH_ENV, CRASH_POINTS
from rag.load import document_id
from rag.service import RagService

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).parent))
import index_crash_worker as worker  # noqa: E402 - the worker module sits beside this file

pytestmark = pytest.mark.slow

RANDOM_KILLS = int(os.environ.get("RAG_CRASH_KILLS", "40"))  # kills that must land while a batch runs
KILLS_PER_POINT = 3


class Zygote:
    """The forking worker process; `run` ingests one batch in a child and reports how it ended."""

    def __init__(self) -> None:
        env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'tests'}"}
        env.pop(CRASH_ENV, None)
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(worker.__file__))], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True, env=env, cwd=ROOT)

    def run(self, index_dir: Path, batch: int, kill_after: float | None = None,
            point: str | None = None) -> tuple[str, float, dict[str, float]]:
        """(outcome, seconds, when each crash point was passed) for one batch."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(f"{index_dir} {batch} {'-' if kill_after is None else kill_after} {point or '-'}\n")
        self.proc.stdin.flush()
        reply = self.proc.stdout.readline().split()
        assert reply, "the crash worker died"
        if reply[0] == "killed":
            return "killed", float(reply[1]), {}
        steps = dict(item.split("=") for item in reply[3].split(",")) if len(reply) > 3 else {}
        return f"exited {reply[1]}", float(reply[2]), {k: float(v) for k, v in steps.items()}

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def batch_ids(batch: int) -> list[str]:
    return [document_id(f"crash/b{batch}/d{j}.txt") for j in range(worker.DOCS_PER_BATCH)]


def verify_after_crash(index_dir: Path | str, committed: list[int], batch: int) -> bool:
    """Assert the index (a folder or a PostgreSQL URL) is whole and return whether the interrupted `batch` landed."""
    service = RagService(worker.settings_for(index_dir), embedder=HashEmbedder())
    service.warm_up(create=False)
    try:
        assert service.index.check() == [], f"inconsistent after a kill in batch {batch}"
        store = service.index
        present = [store.document(d) is not None for d in batch_ids(batch)]
        assert all(present) or not any(present), f"batch {batch} half there: {present}"
        landed = all(present)
        for earlier in committed:
            assert all(store.document(d) is not None for d in batch_ids(earlier)), f"lost batch {earlier}"
        latest = batch if landed else committed[-1]
        anchor = store.document_text(document_id(worker.ANCHOR_SOURCE)) or ""
        assert worker.anchor_sentence(latest) in anchor, "the shared document is not the latest committed version"
        answer = service.ask(worker.unique_sentence(latest, 5))
        assert not answer.abstained
        assert any(c.doc_id == batch_ids(latest)[5] and worker.unique_sentence(latest, 5) in c.text
                   for c in answer.citations), answer.citations
        return landed
    finally:
        service.close()


def vector_files(index_dir: Path) -> set[tuple[str, int]]:
    return {(p.name, p.stat().st_mtime_ns) for p in index_dir.glob("vectors-*")}


@pytest.fixture
def zygote():
    z = Zygote()
    yield z
    z.close()


def test_a_kill_at_each_named_step_publishes_all_or_nothing(tmp_path: Path, zygote: Zygote) -> None:
    index_dir = tmp_path / "index"
    assert zygote.run(index_dir, 0)[0] == "exited 0"
    committed, batch = [0], 0
    for point in CRASH_POINTS:
        for _ in range(KILLS_PER_POINT):
            batch += 1
            outcome, _, _ = zygote.run(index_dir, batch, point=point)
            assert outcome == f"exited {-9}", f"no crash at {point}: {outcome}"
            landed = verify_after_crash(index_dir, committed, batch)
            assert landed == (point in ("committed", "manifest_written")), point
            if landed:
                committed.append(batch)
    # The leftovers of the interrupted writes go with `repair`, which then finds nothing else to do.
    service = RagService(Settings(index_dir=index_dir), embedder=HashEmbedder())
    service.warm_up(create=False)
    service.index.repair()
    assert sorted(p.name for p in index_dir.glob("vectors-*")) == [service.index.manifest.vectors_file]
    assert service.index.repair() == []
    service.close()


def test_random_kills_during_ingest_never_leave_a_half_batch(tmp_path: Path, zygote: Zygote,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    seed = int(os.environ.get("RAG_CRASH_SEED", "20240905"))
    rng = random.Random(seed)
    index_dir = tmp_path / "index"
    finished: list[tuple[float, float]] = []  # recent whole batches: (when rows were written, when done)
    for batch in range(3):
        outcome, elapsed, steps = zygote.run(index_dir, batch)
        assert outcome == "exited 0"
        finished.append((steps["passages_written"], elapsed))
    committed = [0, 1, 2]
    tally = {"killed, batch absent": 0, "of which while writing the index files": 0, "killed, batch complete": 0,
             "finished before the kill": 0}
    batch = 2
    while tally["killed, batch absent"] + tally["killed, batch complete"] < RANDOM_KILLS and batch < 5 * RANDOM_KILLS:
        batch += 1
        # Follow the machine's load as it changes: medians of the last few whole batches.
        rows_at = statistics.median(t for t, _ in finished[-5:])
        duration = statistics.median(d for _, d in finished[-5:])
        # Half the kills anywhere in the run, half aimed at its writes (store rows, vectors file, commit).
        low = 0.0 if batch % 2 else 0.7 * rows_at
        files_before = vector_files(index_dir)
        outcome, elapsed, steps = zygote.run(index_dir, batch, kill_after=rng.uniform(low, duration))
        assert outcome in ("killed", "exited 0"), outcome
        written = vector_files(index_dir) - files_before
        landed = verify_after_crash(index_dir, committed, batch)
        if outcome == "killed" and not landed and written:
            tally["of which while writing the index files"] += 1
        if outcome == "exited 0":
            assert landed
            tally["finished before the kill"] += 1
            finished.append((steps["passages_written"], elapsed))
        else:
            tally["killed, batch complete" if landed else "killed, batch absent"] += 1
        if landed:
            committed.append(batch)
    kills = tally["killed, batch absent"] + tally["killed, batch complete"]
    with capsys.disabled():
        print(f"\ncrash loop (seed {seed}, a batch takes about {duration * 1000:.0f} ms): "
              f"{kills} kills survived; {tally}")
    assert kills >= RANDOM_KILLS, "too few kills landed while a batch was running"


def test_the_real_cli_killed_mid_ingest_keeps_the_index_whole(tmp_path: Path, seed_index_dir: Path,
                                                              embedder) -> None:
    """The real model and `rag ingest`, killed after writing its vectors file, before the commit."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for j in range(3):
        (docs / f"new-{j}.txt").write_text(f"Report {j}\n\n{worker.FILLER * 3}{worker.unique_sentence(90, j)}\n")
    for point, lands in (("vectors_written", False),):  # one case: each costs a model load
        index_dir = tmp_path / f"index-{point}"
        shutil.copytree(seed_index_dir, index_dir)
        before = RagService(Settings(index_dir=index_dir), embedder=embedder)
        before.warm_up(create=False)
        documents_before = before.index.manifest.documents
        before.close()
        result = subprocess.run(
            [sys.executable, "-m", "rag.cli", "ingest", str(docs), "--index", str(index_dir)],
            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), CRASH_ENV: point},
            capture_output=True, text=True, timeout=300)
        assert result.returncode == -9, result.stderr
        service = RagService(Settings(index_dir=index_dir), embedder=embedder)
        service.warm_up(create=False)
        try:
            assert service.index.check() == []
            titles = {d.title for d in service.index.store.documents(limit=1000)}
            new = {f"Report {j}" for j in range(3)}
            assert (new <= titles) if lands else not (new & titles)
            assert service.index.manifest.documents == documents_before + (3 if lands else 0)
            answer = service.ask("Which Japanese foreign minister took part in these talks?")
            assert "Kono" in answer.text
        finally:
            service.close()

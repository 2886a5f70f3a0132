"""`rag ingest --ray` on real Ray clusters: a local one for the run, and a head plus a worker node that loses
an embedding worker mid-job. The index must end as a plain `rag ingest` of the same files leaves it."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from rag.config import Settings
from rag.errors import MissingDependencyError, RagError
from rag.index import STORE_FILE
from rag.ray_ingest import RayIngest, RayIngestOptions
from rag.ray_progress import Progress
from rag.store import Store
from tests.conftest import ROOT

_WORDS = ["river", "bridge", "engine", "harbour", "signal", "ledger", "quarry", "orchard", "lantern", "compass", "meadow", "furnace", "archive", "glacier", "beacon", "canal", "mill", "tower", "valley", "market", "press", "vessel", "timber", "granite", "copper", "wool", "salt"]


def _write_corpus(folder: Path, files: int = 10, paragraphs: int = 12) -> Path:
    """Text files of about 15 passages each, different from one another (a seeded generator)."""
    rng = random.Random(12)
    folder.mkdir()
    for n in range(files):
        paras = []
        for _ in range(paragraphs):
            sentences = [" ".join(rng.choice(_WORDS) for _ in range(rng.randint(8, 16))).capitalize() + "."
                         for _ in range(rng.randint(3, 6))]
            paras.append(" ".join(sentences))
        (folder / f"doc{n:02d}.txt").write_text(f"Document {n}\n\n" + "\n\n".join(paras) + "\n", encoding="utf-8")
    return folder


def _rag(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "rag.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)


def _counts(index: Path) -> str:
    """What `rag check` says about the contents (the generation differs: Ray commits in batches)."""
    result = _rag("check", "--index", str(index))
    assert result.returncode == 0, result.stderr
    return result.stdout.split(",", 1)[1].strip()  # "N documents, M passages"


def _spans(index: Path) -> dict[str, list[tuple[int, int]]]:
    """Each document's passage spans, in order: equal spans mean nothing duplicated, lost or cut short."""
    store = Store(index / STORE_FILE, read_only=True)
    try:
        out: dict[str, list[tuple[int, int]]] = {}
        for doc_id in (d.id for d in store.documents(limit=10_000)):
            passages = store.passages(store.passage_ids_of(doc_id))
            out[doc_id] = sorted((p.start, p.end) for p, _, _ in passages.values())
        return out
    finally:
        store.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write_corpus(tmp_path_factory.mktemp("ray") / "corpus")


@pytest.fixture(scope="module")
def plain_index(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    index = tmp_path_factory.mktemp("plain") / "index"
    result = _rag("ingest", str(corpus), "--index", str(index))
    assert result.returncode == 0, result.stderr
    return index


@pytest.fixture(scope="module")
def two_node_cluster():
    """A head and a worker node, each a separate set of Ray processes with one CPU."""
    from ray.cluster_utils import Cluster

    store = 100 * 1024 * 1024
    cluster = Cluster(initialize_head=True,
                      head_node_args={"num_cpus": 1, "include_dashboard": False, "object_store_memory": store})
    try:
        cluster.add_node(num_cpus=1, object_store_memory=store)
        cluster.wait_for_nodes()
        yield cluster
    finally:
        cluster.shutdown()


@pytest.mark.slow
def test_ray_ingest_on_a_local_cluster_matches_plain_ingest_and_reruns_as_unchanged(corpus, plain_index, tmp_path):
    index = tmp_path / "index"
    first = _rag("ingest", str(corpus), "--index", str(index), "--json", "--ray")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert len(report["added"]) == 10 and report["ray"]["address"] == "local" and report["ray"]["workers"] >= 1
    assert "passages/s" in first.stderr and "ETA" in first.stderr  # the progress line
    assert _counts(index) == _counts(plain_index)
    assert _spans(index) == _spans(plain_index)

    again = _rag("ingest", str(corpus), "--index", str(index), "--ray")
    assert again.returncode == 0, again.stderr
    assert "added 0, updated 0, unchanged 10" in again.stdout
    assert _counts(index) == _counts(plain_index)


@pytest.mark.slow
def test_ray_ingest_updates_changed_files_and_prunes_vanished_ones(corpus, tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(corpus, folder)
    index = tmp_path / "index"
    assert _rag("ingest", str(folder), "--index", str(index)).returncode == 0  # plain first: the two agree
    (folder / "doc00.txt").unlink()
    (folder / "doc01.txt").write_text("Document one, rewritten.\n\nThe mill by the canal grinds salt.\n")
    result = _rag("ingest", str(folder), "--index", str(index), "--prune", "--json", "--ray=")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert [len(report[k]) for k in ("added", "updated", "unchanged", "removed")] == [0, 1, 8, 1]
    assert report["updated"][0].endswith("doc01.txt") and report["removed"][0].endswith("doc00.txt")
    assert _counts(index).startswith("9 documents")


def _kill_first_worker_once(run: RayIngest, killed: list[int]):  # noqa: ANN202 - a progress callback
    """Kills an embedding actor's process as soon as the first document comes back, with work still to do."""

    def progress(state) -> None:  # noqa: ANN001 - a Progress
        if state.passages and not killed and state.files_done < state.files - 2:
            os.kill(run.worker_pids[0], signal.SIGKILL)
            killed.append(run.worker_pids[0])

    return progress


@pytest.mark.slow
def test_a_killed_embedding_worker_is_restarted_and_nothing_is_duplicated_or_lost(
        two_node_cluster, corpus, plain_index, tmp_path):
    index = tmp_path / "index"
    # One document a call and a commit every two documents: the kill lands between commits, mid-job.
    options = RayIngestOptions(address=two_node_cluster.address, workers=2, batch_chars=1, commit_documents=2)
    run = RayIngest(Settings(index_dir=index), options)
    killed: list[int] = []
    try:
        run.start()
        result = run.run([corpus], progress=_kill_first_worker_once(run, killed))
        after = run.ray.get(run.actors[0].describe.remote())[2]
    finally:
        run.close()
    assert killed, "the job ended before a worker could be killed"
    assert after != killed[0]  # Ray restarted the actor; its calls ran again
    assert len(result.report.added) == 10 and result.commits >= 2
    assert _counts(index) == _counts(plain_index)
    assert _spans(index) == _spans(plain_index)


@pytest.mark.slow
def test_without_retries_a_killed_worker_stops_the_job_clearly_and_a_rerun_finishes_it(
        two_node_cluster, corpus, plain_index, tmp_path):
    index = tmp_path / "index"
    options = RayIngestOptions(address=two_node_cluster.address, workers=2, batch_chars=1, commit_documents=2,
                               actor_restarts=0, retries=0)
    run = RayIngest(Settings(index_dir=index), options)
    killed: list[int] = []
    try:
        run.start()
        stopped = "the Ray ingest stopped: an embedding worker's process died.*run the same command again"
        with pytest.raises(RagError, match=stopped):
            run.run([corpus], progress=_kill_first_worker_once(run, killed))
    finally:
        run.close()
    assert killed
    plain = _spans(plain_index)
    partial = _spans(index) if (index / STORE_FILE).exists() else {}
    assert len(partial) < len(plain)
    assert all(spans == plain[doc_id] for doc_id, spans in partial.items())  # whole documents only

    rerun = RayIngest(Settings(index_dir=index), RayIngestOptions(address=two_node_cluster.address))
    try:
        rerun.start()
        result = rerun.run([corpus])
    finally:
        rerun.close()
    assert len(result.report.unchanged) == len(partial) and len(result.report.added) == 10 - len(partial)
    assert _counts(index) == _counts(plain_index)
    assert _spans(index) == plain


def test_without_ray_installed_the_error_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` raises ImportError
    with pytest.raises(MissingDependencyError, match=r"pip install 'rag-cited\[ray\]'"):
        RayIngest(Settings(index_dir=tmp_path / "index"))


def test_an_address_nothing_answers_on_fails_at_once_with_the_address(tmp_path):
    run = RayIngest(Settings(index_dir=tmp_path / "index"), RayIngestOptions(address="127.0.0.1:1"))
    with pytest.raises(RagError, match=r"cannot reach the Ray cluster at 127\.0\.0\.1:1"):
        run.start()
    run.close()
    assert not (tmp_path / "index").exists()


def test_the_progress_line_gives_counts_rate_and_an_eta_by_bytes():
    state = Progress(files=4, bytes_total=1000, started=0.0, files_done=1, bytes_done=250, passages=50)
    assert state.line(now=10.0) == "files 1/4, 50 passages, 5.0 passages/s, elapsed 10s, ETA 30s"
    state.bytes_done = 10  # too little done to predict from
    assert state.line(now=10.0).endswith("ETA ?")
    done = Progress(files=2, bytes_total=100, started=0.0, files_done=2, bytes_done=100, passages=7)
    assert done.line(now=3700.0).endswith("elapsed 1h01m, ETA 0s")


@pytest.mark.slow
def test_ray_ingest_into_postgresql_matches_plain_ingest_into_a_folder(corpus, plain_index, pg_url):
    first = _rag("ingest", str(corpus), "--index", pg_url, "--ray")
    assert first.returncode == 0, first.stderr
    assert "added 10" in first.stdout
    assert _counts(pg_url) == _counts(plain_index)
    again = _rag("ingest", str(corpus), "--index", pg_url, "--ray")
    assert again.returncode == 0 and "unchanged 10" in again.stdout, again.stderr
    assert _counts(pg_url) == _counts(plain_index)

"""Ingest spread over a Ray cluster: tasks read and parse files, actors split and embed, the driver commits.

The unit of work is `rag.ingest.prepare_update` (one document, split and embedded), run inside embedding actors
that each load the ONNX embedder once. Documents travel whole (a `DocumentUpdate`) and the driver publishes them in
batches with `index.apply`, so a document is committed whole or not at all. Doc ids come from the source path and
`apply` replaces, so a retried task or a re-run never duplicates a document; files whose stored content hash is
unchanged are skipped before they are parsed. Ray is imported here only, and only for `rag ingest --ray`.
"""

from __future__ import annotations

import hashlib
import os
import socket
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .config import Settings
from .errors import InvalidInputError, MissingDependencyError, RagError
from .index import DocumentUpdate
from .index_backend import open_index
from .ingest import IngestReport, _vanished, prepare_update
from .load import default_source, document_id, find_files, load_bytes
from .ray_progress import Progress
from .records import Document
from .split import SplitConfig
from .vectors import VectorIndexConfig

INSTALL_HINT = "pip install 'rag-cited[ray]'"
# A small object store: documents and their vectors pass through it a batch at a time (about 1.5 KB a passage).
LOCAL_OBJECT_STORE_BYTES = 200 * 1024 * 1024
# How long the embedding actors may take to start (a fresh machine exports the ONNX model once, about a minute).
ACTOR_START_TIMEOUT_S = 600.0
# Ray's retries: a killed actor is restarted and its calls run again; a killed task runs again.
ACTOR_RESTARTS = 3
RETRIES = 3


@dataclass(frozen=True)
class RayIngestOptions:
    """How the run uses the cluster. `address` None starts a local cluster for the run and stops it after."""

    address: str | None = None
    workers: int = 0  # embedding actors; 0: one per CPU of the cluster
    local_cpus: int = 0  # CPUs of a local cluster; 0: this machine's
    commit_documents: int = 200  # publish a generation every this many new documents ...
    commit_passages: int = 5000  # ... or this many new passages, whichever comes first
    batch_chars: int = 200_000  # documents go to an actor in batches of about this much text
    actor_restarts: int = ACTOR_RESTARTS
    retries: int = RETRIES


@dataclass
class RayIngestResult:
    report: IngestReport
    workers: int
    seconds: float
    commits: int
    address: str
    commit_seconds: float  # the driver's time in index commits: what bounds the rate as workers are added

    def as_dict(self) -> dict:
        rate = self.report.passages / self.seconds if self.seconds > 0 else 0.0
        return {**self.report.as_dict(), "ray": {
            "address": self.address, "workers": self.workers, "seconds": round(self.seconds, 2),
            "passages_per_s": round(rate, 2), "commits": self.commits,
            "commit_seconds": round(self.commit_seconds, 2)}}


# -- what runs on the cluster ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Loaded:
    """A load task's answer: a document to embed, or why the file needs no embedding (`unchanged`, `skipped`)."""

    source: str
    document: Document | None = None
    unchanged: bool = False
    skipped: str = ""


def _load(path: str, source: str, stored_hash: str | None) -> _Loaded:
    """Read and parse one file; a file whose bytes hash to the stored hash is not parsed at all."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return _Loaded(source, skipped=f"cannot read: {exc.strerror or exc}")
    if stored_hash is not None and hashlib.sha256(data).hexdigest() == stored_hash:
        return _Loaded(source, unchanged=True)
    try:
        # As `load_path` does: the source is the file name the parsers see.
        return _Loaded(source, document=load_bytes(data, filename=source, source=source))
    except RagError as exc:
        return _Loaded(source, skipped=str(exc))


class EmbeddingWorker:
    """An actor: loads the embedder once (in __init__, so a restarted actor is ready before its retried calls)."""

    def __init__(self, settings: Settings, split: SplitConfig) -> None:
        from .embed import make_embedder

        cache = Path(settings.onnx_cache_dir) if settings.onnx_cache_dir else None
        # One thread per actor: an actor holds one CPU of the cluster; more actors, not more threads, scale out.
        self.embedder = make_embedder(settings.embedder_backend, settings.embedder_model, settings.embed_batch_size,
                                      threads=settings.embedder_threads or 1, cache_dir=cache)
        self.embedder.warm_up()
        self.split = split

    def describe(self) -> tuple[str, int, int]:
        """The embedder's name and dimension (the index must match them) and this process's id."""
        return self.embedder.name, self.embedder.dimension, os.getpid()

    def prepare(self, documents: Sequence[Document]) -> list[tuple[str, DocumentUpdate | None]]:
        return [(doc.source, prepare_update(doc, self.embedder, self.split)) for doc in documents]


# -- the driver -----------------------------------------------------------------------------------------------
def import_ray():  # noqa: ANN201 - the ray module
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    try:
        import ray
    except ImportError as exc:
        raise MissingDependencyError(f"`rag ingest --ray` needs Ray: {INSTALL_HINT}") from exc
    return ray


def _connect(ray, options: RayIngestOptions) -> str:  # noqa: ANN001 - the ray module
    """Join the cluster at `options.address`, or start a local one on loopback; returns where it runs."""
    env = {"env_vars": {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "RAY_USAGE_STATS_ENABLED": "0"}}
    try:
        if options.address:
            _check_reachable(options.address)
            ray.init(address=options.address, runtime_env=env, log_to_driver=False, logging_level="error")
            return options.address
        # The node's address is loopback, so the run also works on a machine with no network (Ray's servers still
        # listen on every interface; a local ray.init turns Ray's token authentication on).
        # address="local": a new cluster even when this machine runs another (or a stale file says it does).
        ray.init(address="local", num_cpus=options.local_cpus or os.cpu_count() or 1, include_dashboard=False,
                 object_store_memory=LOCAL_OBJECT_STORE_BYTES, _node_ip_address="127.0.0.1", runtime_env=env,
                 log_to_driver=False, logging_level="error")
        return "local"
    except ConnectionError as exc:
        # Ray 2.60's `ray start` turns token authentication on when it finds a token; a driver must be told.
        hint = "" if os.environ.get("RAY_AUTH_MODE") else (
            "; if the cluster uses token authentication, set RAY_AUTH_MODE=token (docs/scale-out.md)")
        raise RagError(f"cannot reach the Ray cluster at {options.address}: {exc}{hint}") from exc


def _check_reachable(address: str) -> None:
    """A head's host:port that nothing answers on fails here at once; Ray itself would retry for minutes."""
    if "://" in address or ":" not in address:  # ray://, "auto": Ray finds or checks those itself
        return
    host, _, port = address.rpartition(":")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=5).close()
    except (OSError, ValueError) as exc:
        raise RagError(f"cannot reach the Ray cluster at {address}: {exc}; start its head with "
                       "`ray start --head` (docs/scale-out.md)") from exc


class _Index:
    """Every index call of a Ray ingest, in one place: the local folder or PostgreSQL, through the index contract."""

    def __init__(self, settings: Settings, embedder_name: str, dimension: int) -> None:
        config = VectorIndexConfig(settings.vector_index, settings.ivf_min_vectors, settings.ivf_nprobe)
        self.index = open_index(settings, embedder_name, dimension, config)

    def stored_hash(self, doc_id: str) -> str | None:
        return self.index.document_hash(doc_id)

    def vanished(self, folders: Sequence[Path], present: set[str]) -> list[tuple[str, str]]:
        return _vanished(self.index, folders, present)

    def commit(self, updates: Sequence[DocumentUpdate], removals: Sequence[str] = ()) -> None:
        self.index.apply(updates, removals)

    def close(self) -> None:
        self.index.close()


@dataclass
class _Batch:
    """New documents waiting to be published together."""

    updates: dict[str, DocumentUpdate] = field(default_factory=dict)
    passages: int = 0

    def add(self, update: DocumentUpdate) -> None:
        self.updates[update.document.id] = update  # a document appears once, whatever was retried
        self.passages += len(update.passages)


class RayIngest:
    """One run: `start()` connects and starts the actors, `run()` does the work, `close()` lets the cluster go.

    Split in three so a test can reach the actors (`worker_pids`) while the run goes on.
    """

    def __init__(self, settings: Settings, options: RayIngestOptions | None = None) -> None:
        self.settings = settings
        self.options = options or RayIngestOptions()
        self.split = SplitConfig(settings.passage_tokens, settings.overlap_tokens, settings.passage_context,
                                 settings.passage_context_tokens)
        self.ray = import_ray()
        self.address = ""
        self.actors: list = []
        self.worker_pids: list[int] = []
        self._index: _Index | None = None
        self._started_ray = False

    def start(self) -> None:
        ray = self.ray
        self.address = _connect(ray, self.options)
        self._started_ray = True
        cpus = int(ray.cluster_resources().get("CPU", 0))
        workers = self.options.workers or max(1, cpus)
        if workers > cpus:
            raise InvalidInputError(f"{workers} embedding workers asked for, but the Ray cluster has {cpus} CPUs")
        actor = ray.remote(EmbeddingWorker).options(
            num_cpus=1, max_restarts=self.options.actor_restarts, max_task_retries=self.options.retries)
        self.actors = [actor.remote(self.settings, self.split) for _ in range(workers)]
        try:
            described = ray.get([a.describe.remote() for a in self.actors], timeout=ACTOR_START_TIMEOUT_S)
        except ray.exceptions.GetTimeoutError as exc:
            raise RagError(f"the embedding workers did not start within {ACTOR_START_TIMEOUT_S:.0f} s") from exc
        except ray.exceptions.RayError as exc:
            raise RagError(f"the embedding workers failed to start: {_cause(ray, exc)}") from exc
        name, dimension, _ = described[0]
        self.worker_pids = [pid for _, _, pid in described]
        self._index = _Index(self.settings, name, dimension)

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
        if self._started_ray:
            self.ray.shutdown()  # stops a local cluster; from a remote one it only disconnects
            self._started_ray = False

    def run(self, paths: Sequence[Path], prune: bool = False,
            progress: Callable[[Progress], None] | None = None) -> RayIngestResult:
        assert self._index is not None, "start() first"
        ray, index, options = self.ray, self._index, self.options
        started = time.monotonic()
        paths = [Path(p) for p in paths]
        files, missing = find_files(paths)
        report = IngestReport(skipped=[(str(p), reason) for p, reason in missing])
        sources = {default_source(f): f for f in files}
        sizes = {s: _size(f) for s, f in sources.items()}
        stored = {s: index.stored_hash(document_id(s)) for s in sources}
        state = Progress(files=len(sources), bytes_total=sum(sizes.values()), started=started)

        load = ray.remote(_load).options(num_cpus=0, max_retries=options.retries)
        waiting = deque(sources)
        loads: dict = {}  # load ref -> source
        embeds: dict = {}  # actor call ref -> actor
        idle = deque(self.actors)
        queue: deque[Document] = deque()
        batch = _Batch()
        commits = 0
        commit_seconds = 0.0

        def finish(source: str) -> None:
            state.files_done += 1
            state.bytes_done += sizes.get(source, 0)

        def publish(removals: Sequence[str] = ()) -> None:
            nonlocal batch, commits, commit_seconds
            if batch.updates or removals:
                began = time.monotonic()
                index.commit(list(batch.updates.values()), removals)
                commit_seconds += time.monotonic() - began
                commits += 1
            batch = _Batch()

        while waiting or loads or embeds or queue:
            # Parsing runs a little ahead of embedding, so an actor never waits for a file; no more than that
            # is in flight, so a large corpus does not sit in the object store.
            while waiting and len(loads) + len(queue) < 2 * len(self.actors) + 2:
                source = waiting.popleft()
                loads[load.remote(str(sources[source].resolve()), source, stored[source])] = source
            while idle and queue:
                actor = idle.popleft()
                embeds[actor.prepare.remote(_take(queue, options.batch_chars))] = actor
            ready, _ = ray.wait([*loads, *embeds], num_returns=1, timeout=1.0)
            for ref in ready:
                try:
                    value = ray.get(ref)
                except ray.exceptions.RayError as exc:
                    raise RagError(f"the Ray ingest stopped: {_cause(ray, exc)}; the {commits} batch(es) committed "
                                   "before it are whole and nothing else was written; run the same command again "
                                   "to finish (unchanged files are skipped)") from exc
                if ref in loads:
                    del loads[ref]
                    self._loaded(value, report, queue, finish)
                else:
                    idle.append(embeds.pop(ref))
                    for source, update in value:
                        finish(source)
                        if update is None:
                            report.skipped.append((source, "no text to index"))
                            continue
                        (report.updated if stored[source] else report.added).append(source)
                        report.passages += len(update.passages)
                        state.passages += len(update.passages)
                        batch.add(update)
            if len(batch.updates) >= options.commit_documents or batch.passages >= options.commit_passages:
                publish()
            if progress is not None:
                progress(state)
        removals: list[str] = []
        if prune:
            for doc_id, source in index.vanished([p for p in paths if p.is_dir()], set(sources)):
                removals.append(doc_id)
                report.removed.append(source)
        publish(removals)
        _in_file_order(report, list(sources))
        return RayIngestResult(report, len(self.actors), time.monotonic() - started, commits, self.address,
                               commit_seconds)

    @staticmethod
    def _loaded(loaded: _Loaded, report: IngestReport, queue: deque[Document],
                finish: Callable[[str], None]) -> None:
        if loaded.document is not None:
            queue.append(loaded.document)
            return
        finish(loaded.source)
        if loaded.unchanged:
            report.unchanged.append(loaded.source)
        else:
            report.skipped.append((loaded.source, loaded.skipped))


def _in_file_order(report: IngestReport, order: list[str]) -> None:
    """Results arrive as workers finish; the report lists files in the order plain ingest does."""
    rank = {source: i for i, source in enumerate(order)}
    for names in (report.added, report.updated, report.unchanged):
        names.sort(key=lambda s: rank.get(s, -1))
    report.skipped.sort(key=lambda item: rank.get(item[0], -1))


def _take(queue: deque[Document], chars: int) -> list[Document]:
    """Documents from the front of the queue up to about `chars` characters of text (at least one)."""
    taken = [queue.popleft()]
    size = len(taken[0].text)
    while queue and size + len(queue[0].text) <= chars:
        size += len(queue[0].text)
        taken.append(queue.popleft())
    return taken


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _cause(ray, exc: BaseException) -> str:  # noqa: ANN001 - the ray module
    """What went wrong, in a line: Ray's own error text is a long traceback."""
    if isinstance(exc, ray.exceptions.RayActorError):
        return ("an embedding worker's process died (killed, out of memory, or its node lost) and Ray's restarts "
                "of it were spent")
    if isinstance(exc, ray.exceptions.WorkerCrashedError):
        return "a file-reading task's process died and its retries were spent"
    lines = [line for line in str(exc).strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else type(exc).__name__


def ingest_with_ray(settings: Settings, paths: Sequence[Path], prune: bool = False,
                    options: RayIngestOptions | None = None,
                    progress: Callable[[Progress], None] | None = None) -> RayIngestResult:
    run = RayIngest(settings, options)
    try:
        run.start()
        return run.run(paths, prune, progress)
    finally:
        run.close()

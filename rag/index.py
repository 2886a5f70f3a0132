"""The on-disk index: vectors, passage store and manifest, published together as one generation.

The SQLite commit is the single point of publication: a generation's vectors file is written (and
fsynced) first, then the store's transaction names it. A crash before the commit leaves the previous
generation in force; `manifest.json` mirrors the committed metadata for people and tools and is
rewritten from the store when it lags behind.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .errors import IndexBusyError, IndexCorruptError, IndexMismatchError, RagError
from .records import Document, Passage
from .store import Store
from .vectors import FaissVectorIndex, VectorIndexConfig

FORMAT_VERSION = 1
STORE_FILE = "store.sqlite"
MANIFEST_FILE = "manifest.json"
LOCK_FILE = "write.lock"


@dataclass(frozen=True)
class Manifest:
    format_version: int
    embedder: str
    dimension: int
    generation: int
    vectors_file: str
    documents: int
    passages: int
    next_passage_id: int

    @classmethod
    def from_meta(cls, meta: dict[str, str]) -> Manifest:
        return cls(
            format_version=int(meta["format_version"]),
            embedder=meta["embedder"],
            dimension=int(meta["dimension"]),
            generation=int(meta["generation"]),
            vectors_file=meta["vectors_file"],
            documents=int(meta["documents"]),
            passages=int(meta["passages"]),
            next_passage_id=int(meta["next_passage_id"]),
        )

    def to_meta(self) -> dict[str, str]:
        return {k: str(v) for k, v in asdict(self).items()}


@dataclass(frozen=True)
class DocumentUpdate:
    """A document to add or replace, with its passages and their vectors (one row a passage)."""

    document: Document
    passages: Sequence[Passage]
    vectors: np.ndarray


def _write_json_atomically(path: Path, data: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _os_error(action: str, path: Path, exc: OSError) -> RagError:
    if exc.errno == errno.ENOSPC:
        return RagError(f"cannot {action} {path}: the disk is full; the previous index is untouched")
    if exc.errno in (errno.EACCES, errno.EROFS, errno.EPERM):
        return RagError(f"cannot {action} {path}: it is read-only; the previous index is untouched")
    return RagError(f"cannot {action} {path}: {exc.strerror or exc}")


class Index:
    """An index folder. Readers call `refresh()` to pick up generations published by any writer."""

    def __init__(self, directory: Path, embedder_name: str, dimension: int | None = None,
                 lock_timeout_s: float = 30.0, vector_config: VectorIndexConfig | None = None) -> None:
        self.directory = Path(directory)
        self.vector_config = vector_config or VectorIndexConfig()
        self.lock_timeout_s = lock_timeout_s
        self._embedder_name = embedder_name
        store_path = self.directory / STORE_FILE
        if not store_path.exists() and dimension is None:
            raise RagError(f"no index at {self.directory}: run `rag ingest PATH --index {self.directory}` first")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self.store = Store(store_path)
        except OSError as exc:
            raise _os_error("create the index in", self.directory, exc) from exc
        except Exception as exc:  # sqlite3 errors on a read-only or damaged folder
            raise RagError(f"cannot open the index store {store_path}: {exc}") from exc
        self._manifest = self._read_or_create_manifest(dimension)
        self._vectors = self._load_vectors(self._manifest)
        self._sync_manifest_file()

    # -- opening --------------------------------------------------------------------------------
    def _read_or_create_manifest(self, dimension: int | None) -> Manifest:
        meta = self.store.meta()
        if not meta:
            if dimension is None:
                raise RagError(f"the index at {self.directory} is empty and has no embedder dimension yet")
            manifest = Manifest(FORMAT_VERSION, self._embedder_name, dimension, 0, "", 0, 0, 1)
            with self.write_lock():
                self.store.begin()
                if not self.store.meta():
                    self.store.set_meta(manifest.to_meta())
                self.store.commit()
            meta = self.store.meta()
        manifest = Manifest.from_meta(meta)
        if manifest.format_version != FORMAT_VERSION:
            raise IndexMismatchError(
                f"index at {self.directory} has format {manifest.format_version}, this version reads "
                f"{FORMAT_VERSION}: rebuild it with `rag ingest`")
        if manifest.embedder != self._embedder_name or (dimension is not None and dimension != manifest.dimension):
            raise IndexMismatchError(
                f"index at {self.directory} was built with embedder {manifest.embedder!r} "
                f"(dimension {manifest.dimension}), not {self._embedder_name!r}: use that embedder or rebuild "
                "the index into another folder")
        return manifest

    def _load_vectors(self, manifest: Manifest) -> FaissVectorIndex:
        if not manifest.vectors_file:
            return FaissVectorIndex(manifest.dimension, config=self.vector_config)
        path = self.directory / manifest.vectors_file
        try:
            vectors = FaissVectorIndex.load(path, self.vector_config)
        except RuntimeError as exc:
            raise IndexCorruptError(f"vectors file {path} is unreadable: {exc}") from exc
        if vectors.dimension != manifest.dimension:
            raise IndexCorruptError(f"{path} holds vectors of dimension {vectors.dimension}, not {manifest.dimension}")
        return vectors

    def _sync_manifest_file(self) -> None:
        path = self.directory / MANIFEST_FILE
        wanted = asdict(self._manifest)
        try:
            current = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            current = None
        if current != wanted:
            with contextlib.suppress(OSError):  # a read-only folder can still be read from
                _write_json_atomically(path, wanted)

    def refresh(self) -> bool:
        """Load the newest committed generation if a writer published one; True when it changed."""
        for attempt in range(5):
            manifest = Manifest.from_meta(self.store.meta())
            if manifest.generation == self._manifest.generation:
                return False
            try:
                self._vectors = self._load_vectors(manifest)
            except (IndexCorruptError, FileNotFoundError):
                # The writer may have removed that file after publishing a newer one: read again.
                time.sleep(0.01 * (attempt + 1))
                continue
            self._manifest = manifest
            return True
        raise IndexCorruptError(f"could not load the current vectors of {self.directory}")

    def close(self) -> None:
        self.store.close()

    # -- reading --------------------------------------------------------------------------------
    @property
    def manifest(self) -> Manifest:
        return self._manifest

    @property
    def vectors(self) -> FaissVectorIndex:
        return self._vectors

    # -- writing --------------------------------------------------------------------------------
    @contextlib.contextmanager
    def write_lock(self) -> Iterator[None]:
        """One writer at a time across processes; waits up to `lock_timeout_s`, then IndexBusyError."""
        path = self.directory / LOCK_FILE
        try:
            handle = open(path, "a+")  # noqa: SIM115 - held for the duration of the block
        except OSError as exc:
            raise _os_error("lock", path, exc) from exc
        deadline = time.monotonic() + self.lock_timeout_s
        try:
            while True:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise IndexBusyError(
                            f"the index at {self.directory} is busy: another process is writing to it") from None
                    time.sleep(0.05)
            yield
        finally:
            handle.close()

    def apply(self, updates: Sequence[DocumentUpdate] = (), removals: Sequence[str] = ()) -> Manifest:
        """Add/replace and remove documents as one atomic generation: all of it is published or none.

        The writer uses its own connection so readers in this process never see its open transaction.
        """
        if not updates and not removals:
            return self._manifest
        with self.write_lock():
            self.refresh()
            base = self._manifest
            vectors = self._vectors.copy()
            gen = base.generation + 1
            vectors_file = f"vectors-{gen:08d}.faiss"
            next_id = base.next_passage_id
            writer = Store(self.directory / STORE_FILE)
            try:
                writer.begin()
                for doc_id in [*removals, *(u.document.id for u in updates)]:
                    vectors.remove(np.asarray(writer.passage_ids_of(doc_id), dtype=np.int64))
                    writer.delete_document(doc_id)
                for update in updates:
                    ids = np.arange(next_id, next_id + len(update.passages), dtype=np.int64)
                    next_id += len(update.passages)
                    stored = [Passage(p.doc_id, p.start, p.end, p.text, p.ordinal, p.context, int(i))
                              for p, i in zip(update.passages, ids, strict=True)]
                    writer.insert_document(update.document, stored)
                    vectors.add(ids, update.vectors)
                manifest = Manifest(
                    FORMAT_VERSION, base.embedder, base.dimension, gen, vectors_file,
                    writer.count_documents(), writer.count_passages(), next_id)
                if manifest.passages != vectors.count:
                    raise IndexCorruptError(
                        f"refusing to publish: {manifest.passages} passages but {vectors.count} vectors")
                vectors.save(self.directory / vectors_file)
                writer.set_meta(manifest.to_meta())
                writer.commit()
            except BaseException as exc:
                writer.rollback()
                with contextlib.suppress(OSError):
                    (self.directory / vectors_file).unlink(missing_ok=True)
                    (self.directory / (vectors_file + ".tmp")).unlink(missing_ok=True)
                if isinstance(exc, OSError):
                    raise _os_error("write the index", self.directory, exc) from exc
                if type(exc).__name__ in ("OperationalError", "DatabaseError"):
                    raise RagError(f"cannot write the index at {self.directory}: {exc}; "
                                   "the previous index is untouched") from exc
                raise
            finally:
                writer.close()
            self._manifest, self._vectors = manifest, vectors
            self._sync_manifest_file()
            self._remove_stale_vector_files(keep={vectors_file, base.vectors_file})
            return manifest

    def _remove_stale_vector_files(self, keep: set[str]) -> None:
        # The previous generation's file stays so a reader that just read the old metadata can load it.
        for path in self.directory.glob("vectors-*.faiss*"):
            if path.name not in keep:
                with contextlib.suppress(OSError):
                    path.unlink()

    # -- checking -------------------------------------------------------------------------------
    def check(self) -> list[str]:
        """Consistency problems: every vector has its passage, every passage its document, counts agree."""
        self.refresh()
        problems = list(self.store.integrity_problems())
        manifest = self._manifest
        passage_ids = set(self.store.all_passage_ids())
        vector_ids = set(self._vectors.ids().tolist())
        if passage_ids != vector_ids:
            problems.append(
                f"{len(vector_ids - passage_ids)} vectors without a passage, "
                f"{len(passage_ids - vector_ids)} passages without a vector")
        if manifest.passages != len(passage_ids):
            problems.append(f"manifest counts {manifest.passages} passages, the store holds {len(passage_ids)}")
        if manifest.documents != self.store.count_documents():
            problems.append(
                f"manifest counts {manifest.documents} documents, the store holds {self.store.count_documents()}")
        return problems

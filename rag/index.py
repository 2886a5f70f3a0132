"""The on-disk index: vectors, passage store and manifest, published together as one generation.

The SQLite commit is the single point of publication: a generation's passages and their vectors (as
float32 blobs) go into one store transaction; the vectors file is written (and fsynced) before the commit
names it. A crash before the commit leaves the previous generation in force; after it, the new one.
The vectors file is a fast-loading copy of what the store holds, so `repair()` can always rewrite it;
`manifest.json` mirrors the committed metadata for people and tools and is rewritten when it lags behind.

`RAG_CRASH_AT=<point>` (test hook, see `crash_point`) kills the process with SIGKILL at a named step of
`apply`, so tests can prove every step is crash-safe.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import logging
import os
import shutil
import signal
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import NoReturn

import numpy as np

from .definitions import DEFINED_PER_NAME
from .errors import IndexBusyError, IndexCorruptError, IndexMismatchError, RagError
from .index_backend import IndexState
from .keyword import KeywordIndex
from .records import Document, Passage, SentenceVectors
from .store import Store, StoredDocument
from .vectors import FaissVectorIndex, VectorIndexConfig

log = logging.getLogger(__name__)

# 2: each passage's vector is also stored in the store; 3: each passage's sentence vectors too.
FORMAT_VERSION = 3
# Older formats this version opens and brings up to date (`migrate_sentences`, run by `rag migrate` and by a
# service that opens the index to write).
MIGRATABLE_FORMATS = (2,)
STORE_FILE = "store.sqlite"
MANIFEST_FILE = "manifest.json"
LOCK_FILE = "write.lock"
# A cache of the keyword index, so a server starts without re-reading every passage; never needed for correctness.
KEYWORDS_CACHE_FILE = "keywords.npz"
KEYWORDS_CACHE_MIN_NEW = 5_000  # rewrite the cache when an update brought at least this many passages

CRASH_ENV = "RAG_CRASH_AT"
# The steps of `apply`, in order: store rows written (uncommitted), vectors file written (uncommitted),
# store committed, manifest.json rewritten.
CRASH_POINTS = ("passages_written", "vectors_written", "committed", "manifest_written")


def crash_point(name: str) -> None:
    """Test hook: when `RAG_CRASH_AT` names this step, die here at once, as a power cut or OOM kill would."""
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


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
    """A document to add or replace, with its passages, their vectors (one row a passage) and their sentences."""

    document: Document
    passages: Sequence[Passage]
    vectors: np.ndarray
    sentences: Sequence[SentenceVectors]


def _write_json_atomically(path: Path, data: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _fsync_dir(path: Path) -> None:
    """Make renames inside `path` durable (a no-op where directories cannot be opened)."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _os_error(action: str, path: Path, exc: OSError) -> RagError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return RagError(f"cannot {action} {path}: the disk is full; the previous index is untouched")
    if exc.errno in (errno.EACCES, errno.EROFS, errno.EPERM):
        return RagError(f"cannot {action} {path}: it is read-only; the previous index is untouched")
    return RagError(f"cannot {action} {path}: {exc.strerror or exc}")


def _write_error(directory: Path, exc: BaseException) -> BaseException:
    """The clear error for a failed write (disk full, read-only folder), or `exc` itself if it is not one."""
    if isinstance(exc, OSError):
        return _os_error("write the index", directory, exc)
    if isinstance(exc, sqlite3.DatabaseError | RuntimeError):  # SQLite, or FAISS's C++ file errors
        text = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        low = str(exc).lower()
        if "full" in low or "no space" in low or _disk_nearly_full(directory):
            return RagError(f"cannot write the index {directory}: the disk is full ({text}); "
                            "the previous index is untouched")
        if "readonly" in low or "read-only" in low or "permission" in low:
            return RagError(f"cannot write the index {directory}: it is read-only ({text}); "
                            "the previous index is untouched")
        return RagError(f"cannot write the index {directory}: {text}; the previous index is untouched")
    return exc


def _raise_write_error(directory: Path, exc: BaseException) -> NoReturn:
    """Re-raise a failed write as its clear error (see `_write_error`), or unchanged when it is not one."""
    error = _write_error(directory, exc)
    if error is exc:
        raise exc
    raise error from exc


def _disk_nearly_full(directory: Path) -> bool:
    try:
        return shutil.disk_usage(directory).free < 1024 * 1024
    except OSError:
        return False


class Index:
    """An index folder. Readers call `refresh()` to pick up generations published by any writer."""

    concurrent_reads = False  # one SQLite connection, and `refresh()` swaps the in-memory generation

    def __init__(self, directory: Path, embedder_name: str | None, dimension: int | None = None,
                 lock_timeout_s: float = 30.0, vector_config: VectorIndexConfig | None = None) -> None:
        """`embedder_name=None` opens an existing index whatever its embedder (check and repair need no model)."""
        self.directory = Path(directory)
        self.vector_config = vector_config or VectorIndexConfig()
        self.lock_timeout_s = lock_timeout_s
        self._embedder_name = embedder_name
        self._read_lock = threading.RLock()  # one snapshot at a time on the shared connection
        store_path = self.directory / STORE_FILE
        if not store_path.exists() and dimension is None:
            raise RagError(f"no index at {self.directory}: run `rag ingest PATH --index {self.directory}` first")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            # A folder this process may not write to is opened read-only: it answers; writes fail clearly.
            self.store = Store(store_path, read_only=not os.access(self.directory, os.W_OK))
        except OSError as exc:
            raise _os_error("create the index in", self.directory, exc) from exc
        except Exception as exc:  # sqlite3 errors on a full disk, a read-only or damaged folder
            if _disk_nearly_full(self.directory):
                raise RagError(f"cannot open the index store {store_path}: the disk is full ({exc})") from exc
            raise RagError(f"cannot open the index store {store_path}: {exc}") from exc
        self._manifest = self._read_or_create_manifest(dimension)
        self._manifest, self._vectors = self._load_generation()
        self._keywords = KeywordIndex()
        self._keywords_of: FaissVectorIndex | None = None  # the generation (its vectors) _keywords matches
        self._keywords_lock = threading.Lock()
        self._sync_manifest_file()

    # -- opening --------------------------------------------------------------------------------
    def _read_or_create_manifest(self, dimension: int | None) -> Manifest:
        meta = self.store.meta()
        if not meta:
            if dimension is None or self._embedder_name is None:
                raise RagError(f"the index at {self.directory} is empty and has no embedder dimension yet")
            manifest = Manifest(FORMAT_VERSION, self._embedder_name, dimension, 0, "", 0, 0, 1)
            with self.write_lock():
                self.store.begin()
                if not self.store.meta():
                    self.store.set_meta(manifest.to_meta())
                self.store.commit()
            meta = self.store.meta()
        manifest = Manifest.from_meta(meta)
        if manifest.format_version != FORMAT_VERSION and manifest.format_version not in MIGRATABLE_FORMATS:
            raise IndexMismatchError(
                f"index at {self.directory} has format {manifest.format_version}, this version reads "
                f"{FORMAT_VERSION}: rebuild it with `rag ingest`")
        if self._embedder_name is None:
            return manifest
        if manifest.embedder != self._embedder_name or (dimension is not None and dimension != manifest.dimension):
            raise IndexMismatchError(
                f"index at {self.directory} was built with embedder {manifest.embedder!r} "
                f"(dimension {manifest.dimension}), not {self._embedder_name!r}: use that embedder or rebuild "
                "the index into another folder")
        return manifest

    def _load_generation(self) -> tuple[Manifest, FaissVectorIndex]:
        """The newest committed manifest and its vectors, read from one snapshot of the store.

        An unreadable vectors file does not stop readers: the same snapshot's stored vectors stand in.
        """
        with self._read_lock:
            self.store.snapshot()
            try:
                manifest = Manifest.from_meta(self.store.meta())
                try:
                    vectors = self._load_vectors_file(manifest)
                except IndexCorruptError as exc:
                    log.warning("%s; using the vectors stored in %s (run `rag repair` to rewrite the file)",
                                exc, STORE_FILE)
                    vectors = FaissVectorIndex(manifest.dimension, config=self.vector_config)
                    vectors.add(*self.store.stored_vectors(manifest.dimension))
                return manifest, vectors
            finally:
                self.store.end_snapshot()

    def _load_vectors_file(self, manifest: Manifest) -> FaissVectorIndex:
        if not manifest.vectors_file:
            return FaissVectorIndex(manifest.dimension, config=self.vector_config)
        path = self.directory / manifest.vectors_file
        try:
            vectors = FaissVectorIndex.load(path, self.vector_config)
        except (RuntimeError, OSError) as exc:
            reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
            raise IndexCorruptError(f"vectors file {path} is unreadable: {reason}") from exc
        if vectors.dimension != manifest.dimension:
            raise IndexCorruptError(f"{path} holds vectors of dimension {vectors.dimension}, not {manifest.dimension}")
        if vectors.count != manifest.passages:
            raise IndexCorruptError(f"{path} holds {vectors.count} vectors, the manifest counts {manifest.passages}")
        return vectors

    def _sync_manifest_file(self) -> bool:
        """Rewrite manifest.json if it differs from the committed manifest; True when it was rewritten."""
        path = self.directory / MANIFEST_FILE
        wanted = asdict(self._manifest)
        try:
            current = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            current = None
        if current != wanted:
            with contextlib.suppress(OSError):  # a read-only folder can still be read from
                _write_json_atomically(path, wanted)
                return True
        return False

    def refresh(self) -> bool:
        """Load the newest committed generation if a writer published one; True when it changed."""
        if self.store.meta().get("generation") == str(self._manifest.generation):
            return False
        with self._read_lock:
            manifest, vectors = self._load_generation()
            changed = manifest.generation != self._manifest.generation
            self._manifest, self._vectors = manifest, vectors
            return changed

    def close(self) -> None:
        self.store.close()

    # -- reading --------------------------------------------------------------------------------
    @property
    def manifest(self) -> Manifest:
        return self._manifest

    def sentence_vectors(self, passage_ids: Sequence[int]) -> dict[int, SentenceVectors]:
        """The stored sentences (spans and vectors) of these passages; those without any are absent."""
        with self._read_lock:
            return self.store.sentences(passage_ids, self._manifest.dimension)

    def migrate_sentences(self, make: Callable[[list[Passage]], list[SentenceVectors]], batch: int = 256,
                          progress: Callable[[int], None] | None = None) -> int:
        """Make the sentence rows that passages lack (an index of an older format), committing batch by batch.

        Each commit holds whole rows, so an interrupted migration loses nothing and the next one goes on from there;
        the format version is raised once no passage lacks them. Returns how many passages were migrated.
        """
        done = 0
        with self.write_lock(), self._writing() as writer:
            while True:
                ids = writer.passages_without_sentences(batch)
                if not ids:
                    break
                rows = writer.passages(ids)
                sentences = make([rows[i][0] for i in ids])
                writer.begin()
                writer.insert_sentences(np.asarray(ids, dtype=np.int64), sentences)
                writer.commit()
                done += len(ids)
                if progress is not None:
                    progress(done)
            if int(writer.meta()["format_version"]) != FORMAT_VERSION:
                writer.begin()
                writer.set_meta({"format_version": str(FORMAT_VERSION)})
                writer.commit()
        self.refresh()
        self._manifest = Manifest.from_meta(self.store.meta())
        self._sync_manifest_file()
        return done

    @property
    def vectors(self) -> FaissVectorIndex:
        return self._vectors

    @property
    def keywords(self) -> KeywordIndex:
        """The keyword index of the current generation: built on first use, then updated by what changed.

        A generation's passages are exactly the ids of its vectors, and passage ids are never reused, so the
        update reads only the text of passages new to it.
        """
        with self._keywords_lock:
            vectors = self._vectors
            if self._keywords_of is not vectors:
                if self._keywords_of is None:
                    self._keywords = self._cached_keywords() or self._keywords
                held = self._keywords.ids
                live = vectors.ids()
                removed = held[~np.isin(held, live)]
                added_ids = np.setdiff1d(live, held)
                with self._read_lock:
                    added = self.store.passage_texts(added_ids)
                self._keywords = self._keywords.updated(added, removed)
                self._keywords_of = vectors
                if len(added) >= KEYWORDS_CACHE_MIN_NEW:
                    self._save_keywords_cache(self._keywords)
            return self._keywords

    def _cached_keywords(self) -> KeywordIndex | None:
        """The cached keyword index, if there is one and it matches this store (checked on a sample)."""
        path = self.directory / KEYWORDS_CACHE_FILE
        if not path.exists():
            return None
        try:
            cached = KeywordIndex.load(path)
            sample = cached.ids[np.unique(np.linspace(0, len(cached) - 1, min(16, len(cached))).astype(int))]
            with self._read_lock:
                rows = self.store.passage_texts(sample)
            fresh = KeywordIndex(cached.analyzer).updated(rows, np.zeros(0, dtype=np.int64))
            if not np.allclose(fresh.lengths_of(fresh.ids), cached.lengths_of(fresh.ids)):
                raise ValueError("its passages differ from the store's")
        except Exception as exc:  # a cache: whatever is wrong with it, rebuild from the store
            log.warning("ignoring the keyword cache %s (%s); rebuilding it from the store", path, exc)
            return None
        return cached

    def _save_keywords_cache(self, keywords: KeywordIndex) -> None:
        try:
            keywords.save(self.directory / KEYWORDS_CACHE_FILE)
        except OSError as exc:  # a read-only or full folder: the next start rebuilds from the store instead
            log.info("could not write the keyword cache in %s: %s", self.directory, exc)

    # -- the index contract (rag/index_backend.py): thin methods over the parts above ------------
    def state(self) -> IndexState:
        m = self._manifest
        return IndexState(m.generation, m.documents, m.passages, m.embedder, m.dimension)

    def warm_up(self) -> None:
        self.keywords  # noqa: B018 - the property builds the keyword index

    def dense_candidates(self, query: np.ndarray, k: int,
                         allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        return self._vectors.search(query, k, allowed)

    def keyword_candidates(self, query: str, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        return self.keywords.search(query, k, allowed)

    def definition_candidates(self, lookups: Sequence[Sequence[str]], allowed: np.ndarray | None = None,
                              limit: int = DEFINED_PER_NAME) -> list[int]:
        return self.keywords.defining(lookups, allowed, limit)

    def absent_terms(self, terms: Sequence[str]) -> list[str]:
        return self.keywords.absent_terms(terms)

    def _locked(self, read, *args):  # noqa: ANN001, ANN202 - one store read, on the shared connection
        with self._read_lock:
            return read(*args)

    def passages(self, ids: Sequence[int]) -> dict[int, tuple[Passage, str, str]]:
        return self._locked(self.store.passages, ids)

    def passage_vectors(self, ids: Sequence[int]) -> dict[int, np.ndarray]:
        return self._locked(self.store.vectors_of, ids, self._manifest.dimension)

    def passage_ids_for_documents(self, doc_ids: Sequence[str]) -> np.ndarray:
        return np.asarray(self._locked(self.store.passage_ids_for_documents, list(doc_ids)), dtype=np.int64)

    def documents(self, limit: int = 100, offset: int = 0) -> list[StoredDocument]:
        return self._locked(self.store.documents, limit, offset)

    def document(self, doc_id: str) -> StoredDocument | None:
        return self._locked(self.store.document, doc_id)

    def document_text(self, doc_id: str) -> str | None:
        return self._locked(self.store.document_text, doc_id)

    def document_hash(self, doc_id: str) -> str | None:
        return self._locked(self.store.document_hash, doc_id)

    def find_by_hash(self, content_hash: str) -> str | None:
        return self._locked(self.store.find_by_hash, content_hash)

    def doc_ids_matching(self, doc_ids: Iterable[str] = (), sources: Iterable[str] = ()) -> list[str]:
        return self._locked(self.store.doc_ids_matching, doc_ids, sources)

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

    def _writer(self) -> Store:
        try:
            return Store(self.directory / STORE_FILE)
        except BaseException as exc:
            _raise_write_error(self.directory, exc)

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Store]:
        """A writer connection for the block; whatever fails inside is rolled back and re-raised as its clear error."""
        writer = self._writer()
        try:
            yield writer
        except BaseException as exc:
            with contextlib.suppress(Exception):
                writer.rollback()
            _raise_write_error(self.directory, exc)
        finally:
            writer.close()

    def _save_vectors(self, vectors: FaissVectorIndex, name: str) -> None:
        vectors.save(self.directory / name)
        _fsync_dir(self.directory)

    def apply(self, updates: Sequence[DocumentUpdate] = (), removals: Sequence[str] = ()) -> IndexState:
        """Add/replace and remove documents as one atomic generation: all of it is published or none.

        The writer uses its own connection so readers in this process never see its open transaction.
        """
        if not updates and not removals:
            return self.state()
        with self.write_lock():
            self.refresh()
            base = self._manifest
            vectors = self._vectors.copy()
            gen = base.generation + 1
            vectors_file = f"vectors-{gen:08d}.faiss"
            next_id = base.next_passage_id
            writer = self._writer()
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
                    writer.insert_vectors(ids, update.vectors)
                    if len(update.sentences) != len(ids):
                        raise IndexCorruptError(f"{update.document.source}: {len(update.sentences)} sentence rows "
                                                f"for {len(ids)} passages")
                    writer.insert_sentences(ids, update.sentences)
                    vectors.add(ids, update.vectors)
                crash_point("passages_written")
                manifest = Manifest(
                    base.format_version, base.embedder, base.dimension, gen, vectors_file,
                    writer.count_documents(), writer.count_passages(), next_id)
                if manifest.passages != vectors.count:
                    raise IndexCorruptError(
                        f"refusing to publish: {manifest.passages} passages but {vectors.count} vectors")
                self._save_vectors(vectors, vectors_file)
                writer.set_meta(manifest.to_meta())
                crash_point("vectors_written")
                writer.commit()
            except BaseException as exc:
                with contextlib.suppress(Exception):
                    writer.rollback()
                with contextlib.suppress(OSError):
                    (self.directory / vectors_file).unlink(missing_ok=True)
                    (self.directory / (vectors_file + ".tmp")).unlink(missing_ok=True)
                _raise_write_error(self.directory, exc)
            finally:
                writer.close()
            crash_point("committed")
            self._manifest, self._vectors = manifest, vectors
            self._sync_manifest_file()
            crash_point("manifest_written")
            self._remove_stale_files(keep={vectors_file, base.vectors_file})
            return self.state()

    def _remove_stale_files(self, keep: set[str]) -> int:
        """Vectors files of older or never-published generations, and temporary files; call under the lock."""
        # The previous generation's file stays so a reader that just read the old metadata can load it.
        removed = 0
        for path in [*self.directory.glob("vectors-*.faiss*"), *self.directory.glob("*.tmp")]:
            if path.name not in keep:
                with contextlib.suppress(OSError):
                    path.unlink()
                    removed += 1
        return removed

    # -- checking and repairing -----------------------------------------------------------------
    def check(self) -> list[str]:
        """Consistency problems: every vector has its passage, every passage its document, counts agree."""
        for _ in range(3):
            with self._read_lock:
                self.store.snapshot()
                try:
                    manifest = Manifest.from_meta(self.store.meta())
                    problems = list(self.store.integrity_problems())
                    passage_ids = self.store.all_passage_ids()
                    documents = self.store.count_documents()
                    ids, matrix = self.store.stored_vectors(manifest.dimension)
                    file_problem = self._vectors_file_problem(manifest, ids, matrix)
                finally:
                    self.store.end_snapshot()
            # A writer may have published twice and removed that file meanwhile: look again.
            if file_problem is None or self.store.meta().get("generation") == str(manifest.generation):
                break
        if file_problem:
            problems.append(f"{file_problem} (`rag repair` rewrites it from the store)")
        if manifest.passages != len(passage_ids):
            problems.append(f"manifest counts {manifest.passages} passages, the store holds {len(passage_ids)}")
        if manifest.documents != documents:
            problems.append(f"manifest counts {manifest.documents} documents, the store holds {documents}")
        try:
            on_disk = json.loads((self.directory / MANIFEST_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            on_disk = None
        if on_disk != asdict(manifest) and self.store.meta().get("generation") == str(manifest.generation):
            problems.append(f"{MANIFEST_FILE} does not match the committed index")
        return problems

    def _vectors_file_problem(self, manifest: Manifest, ids: np.ndarray, matrix: np.ndarray) -> str | None:
        """What is wrong with the generation's vectors file compared with the stored vectors, if anything."""
        try:
            vectors = self._load_vectors_file(manifest)
        except IndexCorruptError as exc:
            return str(exc)
        file_ids = set(vectors.ids().tolist())
        stored_ids = set(ids.tolist())
        if file_ids != stored_ids:
            return (f"{len(file_ids - stored_ids)} vectors without a passage, "
                    f"{len(stored_ids - file_ids)} passages without a vector")
        if len(ids) and not np.allclose(vectors.vectors_for(ids), matrix, atol=1e-5):
            return f"vectors file {manifest.vectors_file} differs from the stored vectors"
        return None

    def repair(self) -> list[str]:
        """Bring the folder back to its last committed version, made consistent; returns what was done.

        Drops rows that belong to nothing, rebuilds the keyword index or the vectors file from the store
        when they are damaged, removes leftovers of interrupted writes, and rewrites manifest.json.
        """
        actions: list[str] = []
        with self.write_lock():
            with self._writing() as writer:
                writer.begin()
                actions += writer.repair_rows()
                lost = writer.documents_without_vectors()
                for doc_id in lost:  # their vectors exist nowhere else: the document must be ingested again
                    writer.delete_document(doc_id)
                    actions.append(f"removed document {doc_id}: its passages had no stored vectors; ingest it again")
                meta = Manifest.from_meta(writer.meta())
                ids, matrix = writer.stored_vectors(meta.dimension)
                documents, passages = writer.count_documents(), writer.count_passages()
                file_problem = self._vectors_file_problem(meta, ids, matrix)
                if file_problem or actions or (documents, passages) != (meta.documents, meta.passages):
                    gen = meta.generation + 1
                    vectors = FaissVectorIndex(meta.dimension, config=self.vector_config)
                    vectors.add(ids, matrix)
                    vectors_file = f"vectors-{gen:08d}.faiss"
                    next_id = max(meta.next_passage_id, int(ids.max()) + 1 if len(ids) else 1)
                    self._save_vectors(vectors, vectors_file)
                    writer.set_meta(Manifest(meta.format_version, meta.embedder, meta.dimension, gen, vectors_file,
                                             documents, passages, next_id).to_meta())
                    writer.commit()
                    actions.append(f"published generation {gen} rebuilt from the {len(ids)} stored vectors"
                                   + (f" ({file_problem})" if file_problem else ""))
                else:
                    writer.rollback()
            self.refresh()
            removed = self._remove_stale_files(keep={self._manifest.vectors_file})
            if removed:
                actions.append(f"removed {removed} leftover files of interrupted or old writes")
            if self._sync_manifest_file():
                actions.append(f"rewrote {MANIFEST_FILE}")
        return actions

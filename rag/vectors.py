"""Vector indexes behind a small protocol; FAISS inner product over normalized vectors, with ids.

Small indexes are exact (a flat index); past `ivf_min_vectors` the "auto" kind rebuilds itself as an
inverted-file index (IVF, with a direct map so passages can still be removed and their vectors read
back), whose recall@10 against exact search is measured in evals/bench.
"""

from __future__ import annotations

import math
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from .errors import InvalidInputError, MissingDependencyError


class VectorIndex(Protocol):
    """Id-addressed vectors: what retrieval needs, so a server-backed store can stand in later."""

    @property
    def count(self) -> int: ...

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None: ...

    def remove(self, ids: np.ndarray) -> int: ...

    def search(self, query: np.ndarray, k: int, allowed_ids: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]: ...

    def vectors_for(self, ids: np.ndarray) -> np.ndarray: ...

    def ids(self) -> np.ndarray: ...

    def copy(self) -> VectorIndex: ...

    def save(self, path: Path) -> None: ...


VECTOR_INDEX_KINDS = ("auto", "flat", "ivf")


@dataclass(frozen=True)
class VectorIndexConfig:
    """Which FAISS index: `flat` (exact), `ivf` (approximate from `ivf_min_vectors` on), or `auto` (the same)."""

    kind: str = "auto"
    ivf_min_vectors: int = 50_000
    # Inverted lists probed a query; 0 picks a default from the list count (see `default_nprobe`).
    nprobe: int = 0

    def __post_init__(self) -> None:
        if self.kind not in VECTOR_INDEX_KINDS:
            raise InvalidInputError(f"unknown vector index {self.kind!r}; known: {', '.join(VECTOR_INDEX_KINDS)}")
        if self.ivf_min_vectors < 1 or self.nprobe < 0:
            raise InvalidInputError("ivf_min_vectors must be at least 1 and nprobe at least 0")

    def wants_ivf(self, count: int) -> bool:
        return self.kind != "flat" and count >= self.ivf_min_vectors


def ivf_lists(count: int) -> int:
    """About sqrt(n) lists: cheap to train on 2 cores, lists of about sqrt(n) vectors."""
    return int(min(8192, max(16, round(math.sqrt(count)))))


def default_nprobe(nlist: int) -> int:
    """A third of the lists: measured (evals/bench) to reach recall@10 >= 0.95 on the synthetic 100k corpus,
    where 16 lists gave 0.84 and 64 of 224 gave 0.946."""
    return int(min(nlist, max(16, nlist // 3)))


# The count `set_faiss_threads` asked for (0: FAISS's default), and which threads have applied it.
_faiss_threads = 0
_thread_state = threading.local()


def set_faiss_threads(threads: int) -> None:
    """FAISS's OpenMP threads for this process (0 leaves FAISS's default: all cores).

    One query at a time gains nothing from a second thread on 2 shared cores and loses to contention:
    exact search over 100k vectors took 71 ms p50 with 1 thread and 114 ms with 2 on the busy machine.
    """
    global _faiss_threads
    _faiss_threads = threads
    if threads > 0:
        _faiss()  # applies it in this thread; any other thread applies it at its first FAISS call


def _faiss():
    try:
        import faiss
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingDependencyError("FAISS is not installed: pip install faiss-cpu") from exc
    # OpenMP keeps the count per thread: one set in the thread that opened the index does not reach the API's
    # worker threads, whose searches ran on every core. Under load that cost the 3,074-passage exact search
    # 2-6 ms p50 instead of 0.2 (a parallel region waits for its second thread to get a core).
    if _faiss_threads > 0 and getattr(_thread_state, "threads", 0) != _faiss_threads:
        faiss.omp_set_num_threads(_faiss_threads)
        _thread_state.threads = _faiss_threads
    return faiss


class FaissVectorIndex:
    """IndexIDMap2 over IndexFlatIP (exact) or IndexIVFFlat with a hashtable direct map (approximate).

    Both keep ids, removal and reconstruction; the flat one turns into IVF when its config asks for it.
    """

    def __init__(self, dimension: int, index=None, config: VectorIndexConfig | None = None) -> None:  # noqa: ANN001
        faiss = _faiss()
        self.dimension = dimension
        self.config = config or VectorIndexConfig()
        self._index = index if index is not None else faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))

    @classmethod
    def load(cls, path: Path, config: VectorIndexConfig | None = None) -> FaissVectorIndex:
        index = _faiss().read_index(str(path))
        return cls(index.d, index, config)

    @property
    def kind(self) -> str:
        return "ivf" if self._ivf() is not None else "flat"

    def _ivf(self):  # noqa: ANN202 - a faiss.IndexIVF or None
        return _faiss().try_extract_index_ivf(self._index)

    @property
    def nprobe(self) -> int:
        ivf = self._ivf()
        if ivf is None:
            return 0
        return min(ivf.nlist, self.config.nprobe or default_nprobe(ivf.nlist))

    @property
    def count(self) -> int:
        return int(self._index.ntotal)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        if len(ids):
            self._index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype=np.int64))
            self._maybe_rebuild()

    def _maybe_rebuild(self) -> None:
        """Flat -> IVF past the size limit; IVF -> a retrained IVF when it outgrew its lists fourfold."""
        n = self.count
        if not self.config.wants_ivf(n):
            return
        ivf = self._ivf()
        if ivf is not None and ivf_lists(n) < 2 * ivf.nlist:
            return
        self._index = self.build_ivf(self.ids(), self.all_vectors(), self.dimension)

    @staticmethod
    def build_ivf(ids: np.ndarray, vectors: np.ndarray, dimension: int, nlist: int | None = None):  # noqa: ANN205
        """An IndexIVFFlat (inner product) trained on a sample of `vectors`, holding all of them."""
        faiss = _faiss()
        nlist = nlist or ivf_lists(len(ids))
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dimension), dimension, nlist, faiss.METRIC_INNER_PRODUCT)
        rng = np.random.default_rng(0)
        sample = vectors if len(vectors) <= nlist * 64 else vectors[np.sort(rng.choice(len(vectors), nlist * 64, replace=False))]
        index.cp.max_points_per_centroid = 64
        index.train(np.ascontiguousarray(sample, dtype=np.float32))
        index.set_direct_map_type(faiss.DirectMap.Hashtable)
        index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype=np.int64))
        return index

    def remove(self, ids: np.ndarray) -> int:
        if not len(ids):
            return 0
        return int(self._index.remove_ids(np.asarray(ids, dtype=np.int64)))

    def search(
        self, query: np.ndarray, k: int, allowed_ids: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top `k` (ids, scores) for one query vector; ids of -1 are dropped."""
        if self.count == 0 or k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        faiss = _faiss()
        query = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        params = None
        if allowed_ids is not None:
            if not len(allowed_ids):
                return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
            allowed_ids = np.asarray(allowed_ids, dtype=np.int64)
            if self._ivf() is not None:
                return self._exact_among(query[0], k, allowed_ids)
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(allowed_ids))
        elif self._ivf() is not None:
            params = faiss.SearchParametersIVF(nprobe=self.nprobe)
        scores, ids = self._index.search(query, min(k, self.count), params=params)
        keep = ids[0] >= 0
        return ids[0][keep], scores[0][keep]

    def _exact_among(self, query: np.ndarray, k: int, allowed_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # A filter to a few documents: exact scores over their vectors, so probing cannot miss them.
        scores = self.vectors_for(allowed_ids) @ query
        top = np.argsort(-scores, kind="stable")[:k]
        return allowed_ids[top], scores[top]

    def vectors_for(self, ids: np.ndarray) -> np.ndarray:
        if not len(ids):
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self._index.reconstruct_batch(np.asarray(ids, dtype=np.int64))

    def ids(self) -> np.ndarray:
        faiss = _faiss()
        ivf = self._ivf()
        if ivf is None:
            return faiss.vector_to_array(self._index.id_map).astype(np.int64)
        lists = ivf.invlists
        parts = [faiss.rev_swig_ptr(lists.get_ids(i), lists.list_size(i)).copy()
                 for i in range(ivf.nlist) if lists.list_size(i)]
        return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, dtype=np.int64)

    def all_vectors(self) -> np.ndarray:
        """Every vector, in the order of `ids()`."""
        faiss = _faiss()
        if self._ivf() is None:
            flat = faiss.downcast_index(self._index.index)
            return faiss.vector_to_array(flat.codes).view(np.float32).reshape(self.count, self.dimension)
        return self.vectors_for(self.ids())

    def copy(self) -> FaissVectorIndex:
        """An independent copy, so a writer can build the next generation while readers use this one."""
        return FaissVectorIndex(self.dimension, _faiss().clone_index(self._index), self.config)

    def save(self, path: Path) -> None:
        """Write to `path` durably: a temporary file, fsync, then an atomic rename."""
        faiss = _faiss()
        tmp = path.with_name(path.name + ".tmp")
        try:
            with open(tmp, "wb") as handle:
                # Streamed through Python's file: no second copy of the index in memory (1.5 GB at 1M
                # passages), and a full disk raises OSError(ENOSPC) as from any other write.
                writer = faiss.PyCallbackIOWriter(handle.write)
                faiss.write_index(self._index, writer)
                del writer
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

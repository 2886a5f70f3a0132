"""Vector indexes behind a small protocol; FAISS inner product over normalized vectors, with ids."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

import numpy as np

from .errors import MissingDependencyError


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


def _faiss():
    try:
        import faiss
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingDependencyError("FAISS is not installed: pip install faiss-cpu") from exc
    return faiss


class FaissVectorIndex:
    """Exact search (IndexFlatIP) wrapped in IndexIDMap2 so passages can be removed and reconstructed."""

    def __init__(self, dimension: int, index=None) -> None:  # noqa: ANN001 - a faiss.Index
        faiss = _faiss()
        self.dimension = dimension
        self._index = index if index is not None else faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))

    @classmethod
    def load(cls, path: Path) -> FaissVectorIndex:
        index = _faiss().read_index(str(path))
        return cls(index.d, index)

    @property
    def count(self) -> int:
        return int(self._index.ntotal)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        if len(ids):
            self._index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype=np.int64))

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
        params = None
        if allowed_ids is not None:
            if not len(allowed_ids):
                return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(np.asarray(allowed_ids, dtype=np.int64)))
        scores, ids = self._index.search(
            np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), min(k, self.count), params=params
        )
        keep = ids[0] >= 0
        return ids[0][keep], scores[0][keep]

    def vectors_for(self, ids: np.ndarray) -> np.ndarray:
        if not len(ids):
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self._index.reconstruct_batch(np.asarray(ids, dtype=np.int64))

    def ids(self) -> np.ndarray:
        return _faiss().vector_to_array(self._index.id_map).astype(np.int64)

    def copy(self) -> FaissVectorIndex:
        """An independent copy, so a writer can build the next generation while readers use this one."""
        return FaissVectorIndex(self.dimension, _faiss().clone_index(self._index))

    def save(self, path: Path) -> None:
        """Write to `path` durably: a temporary file, fsync, then an atomic rename."""
        tmp = path.with_name(path.name + ".tmp")
        data = _faiss().serialize_index(self._index)  # written by Python so a full disk raises OSError(ENOSPC)
        try:
            with open(tmp, "wb") as handle:
                handle.write(memoryview(data))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

"""The approximate (IVF) vector index: chosen by size, keeps ids, removal and vectors, and finds what exact search finds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rag.errors import InvalidInputError
from rag.vectors import FaissVectorIndex, VectorIndexConfig

DIM = 32


def _clustered(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(40, DIM))
    x = centers[rng.integers(0, 40, n)] + 0.6 * rng.normal(size=(n, DIM))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def test_auto_index_turns_approximate_past_the_size_limit() -> None:
    x = _clustered(3000)
    index = FaissVectorIndex(DIM, config=VectorIndexConfig(kind="auto", ivf_min_vectors=2000))
    index.add(np.arange(1, 1501), x[:1500])
    assert index.kind == "flat"
    index.add(np.arange(1501, 3001), x[1500:])
    assert index.kind == "ivf" and index.count == 3000 and index.nprobe >= 1


def test_flat_kind_never_turns_approximate() -> None:
    index = FaissVectorIndex(DIM, config=VectorIndexConfig(kind="flat", ivf_min_vectors=10))
    index.add(np.arange(100), _clustered(100))
    assert index.kind == "flat"


def test_ivf_keeps_ids_removal_vectors_and_survives_save_and_load(tmp_path: Path) -> None:
    x = _clustered(3000)
    index = FaissVectorIndex(DIM, config=VectorIndexConfig(kind="ivf", ivf_min_vectors=1000))
    index.add(np.arange(10, 3010), x)
    assert index.kind == "ivf"
    assert index.remove(np.array([10, 11, 12])) == 3
    assert index.count == 2997
    assert sorted(index.ids().tolist()) == list(range(13, 3010))
    assert np.allclose(index.vectors_for(np.array([500, 42])), x[[490, 32]])
    ids, _ = index.search(x[0], 10)
    assert 10 not in ids.tolist()
    copy = index.copy()
    copy.remove(np.array([13]))
    assert index.count == 2997  # the copy is independent
    index.save(tmp_path / "v.faiss")
    loaded = FaissVectorIndex.load(tmp_path / "v.faiss", index.config)
    assert loaded.kind == "ivf" and loaded.count == 2997
    assert np.allclose(loaded.vectors_for(np.array([500])), x[[490]])


def test_ivf_recall_at_10_against_exact_search() -> None:
    x = _clustered(6000)
    ids = np.arange(1, 6001)
    approx = FaissVectorIndex(DIM, config=VectorIndexConfig(kind="ivf", ivf_min_vectors=1000))
    exact = FaissVectorIndex(DIM, config=VectorIndexConfig(kind="flat"))
    approx.add(ids, x)
    exact.add(ids, x)
    rng = np.random.default_rng(1)
    queries = x[rng.integers(0, 6000, 200)] + 0.3 * rng.normal(size=(200, DIM)).astype(np.float32)
    recall = np.mean([len(set(approx.search(q, 10)[0].tolist()) & set(exact.search(q, 10)[0].tolist())) / 10
                      for q in queries])
    assert recall >= 0.95


def test_ivf_search_within_a_filter_is_exact_and_stays_inside_it() -> None:
    x = _clustered(3000)
    index = FaissVectorIndex(DIM, config=VectorIndexConfig(kind="ivf", ivf_min_vectors=1000))
    index.add(np.arange(3000), x)
    allowed = np.array([5, 900, 2999, 1234])
    ids, scores = index.search(x[900], 3, allowed)
    assert ids[0] == 900 and set(ids.tolist()) <= set(allowed.tolist()) and len(ids) == 3
    assert np.all(np.diff(scores) <= 0)
    assert index.search(x[0], 3, np.array([], dtype=np.int64))[0].size == 0


def test_bad_vector_index_config_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="hnsw"):
        VectorIndexConfig(kind="hnsw")

"""The exact vector index's process-wide settings: FAISS's thread count reaches every thread that searches."""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

from rag import vectors
from rag.vectors import FaissVectorIndex, VectorIndexConfig, set_faiss_threads


def test_faiss_threads_apply_in_threads_started_after_the_setting() -> None:
    import faiss

    # OpenMP's count is per thread: the API searches in worker threads, not in the one that set it.
    before, configured = faiss.omp_get_max_threads(), vectors._faiss_threads
    rng = np.random.default_rng(0)
    x = rng.normal(size=(50, 8)).astype(np.float32)
    index = FaissVectorIndex(8, config=VectorIndexConfig(kind="flat"))
    index.add(np.arange(50), x / np.linalg.norm(x, axis=1, keepdims=True))
    seen: dict[str, int] = {}

    def in_a_new_thread(call: Callable[[], object]) -> None:
        worker = threading.Thread(target=call)
        worker.start()
        worker.join()

    in_a_new_thread(lambda: seen.update(default=faiss.omp_get_max_threads()))
    wanted = seen.pop("default") + 1  # what a new thread would not have by itself

    def search_in_a_new_thread() -> None:
        seen["before"] = faiss.omp_get_max_threads()
        ids, _ = index.search(x[3], 1)
        seen["found"] = int(ids[0])
        seen["after"] = faiss.omp_get_max_threads()

    try:
        set_faiss_threads(wanted)
        in_a_new_thread(search_in_a_new_thread)
    finally:
        vectors._faiss_threads = configured
        faiss.omp_set_num_threads(before)
    assert seen == {"before": wanted - 1, "found": 3, "after": wanted}

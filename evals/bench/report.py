"""Markdown tables of a benchmark result (printed, and saved beside the JSON)."""

from __future__ import annotations

import json
from pathlib import Path


def emit(result: dict, out: Path | None) -> int:
    """A bench script's last step: its result printed as JSON, and written to `out` when one is given."""
    text = json.dumps(result, indent=2)
    print(text)
    if out:
        out.write_text(text + "\n", encoding="utf-8")
    return 0


def _table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f}"


def render(r: dict) -> str:
    r = {"ingest_real": [], "ingest_synthetic": [], "query": [], **r}
    out = [f"Machine: {r['machine']['cpus']} CPUs, Python {r['machine']['python']}; {r['machine']['note']}.",
           f"`rag --help`: {r.get('cli_help', {}).get('median_s')} s (median of 3); `rag serve` ready on the seed corpus: "
           f"{r.get('serve_ready_seeds_s')} s."]
    if not r.get("complete", True):
        out.append("**This run did not finish: the sections below are the ones it completed.**")
    out += ["", "### Ingest, real corpora, real model (files -> queryable index)", _table(
        ["corpus", "backend", "docs", "passages", "total s", "passages/s", "model s", "model passages/s",
         "non-model s", "model load s", "index MB"],
        [[i["corpus"], i["backend"], i["documents"], i["passages"], i["total_s"], i["passages_per_s"], i["model_s"],
          i["model_passages_per_s"], i["non_model_s"], i["model_load_s"], _mb(i["index_bytes"])]
         for i in r["ingest_real"]])]
    out += _side(r) if "side_by_side" in r else []
    out += _scales(r)
    out += ["", r["synthetic_note"], f"Total bench time: {r.get('total_s')} s."]
    return "\n".join(out) + "\n"


def _side(r: dict) -> list[str]:
    out: list[str] = []
    s = r["side_by_side"]
    rows = [["ours", s["ours"]["ingest_passages_per_s"], s["ours"]["query"]["retrieval_only"]["total_ms_p50"],
             s["ours"]["query"]["with_rescore"]["total_ms_p50"]],
            ["bare (sentence-transformers + FAISS)", s["bare"]["ingest_passages_per_s"],
             s["bare"]["query_total_ms"]["p50"], "-"]]
    if "not_run" in s["peer"]:
        rows.append(["peer (LlamaIndex)", "not run", s["peer"]["not_run"], "-"])
    else:
        rows.append(["peer (LlamaIndex)", s["peer"]["ingest_passages_per_s"], s["peer"]["query_total_ms"]["p50"], "-"])
    out += ["", f"### Side by side: {s['corpus']}, {s['passages']} passages, {s['queries']} questions", _table(
        ["system", "ingest passages/s", "query p50 ms (retrieval only)", "query p50 ms (with sentence re-scoring)"],
        rows), "", "Ratios: " + ", ".join(f"{k} = {v}" for k, v in s["ratios"].items())]
    return out


def _scales(r: dict) -> list[str]:
    out: list[str] = []
    out += ["", "### Ingest, synthetic corpora (non-model cost: precomputed vectors)", _table(
        ["passages", "passages/s", "pipeline s", "load s", "split s", "publish s", "vector index", "peak RSS MB",
         "index MB", "one-document write s"],
        [[i["passages"], i["passages_per_s"], i["pipeline_s"], i["stages_s"]["load"], i["stages_s"]["split"],
          i["stages_s"]["publish"], i["vector_index"], i["peak_rss_mb"], _mb(i["index_bytes"]),
          i["one_document_write_s"]] for i in r["ingest_synthetic"]])]
    rows = []
    for q in r["query"]:
        for ep in ("search", "ask"):
            st = q[ep]["stages_ms"]
            rows.append([q["passages"], q["vector_index"], ep, q[ep]["client_ms"]["p50"], q[ep]["client_ms"]["p95"],
                         q[ep]["non_model_ms"]["p50"], q[ep]["non_model_ms"]["p95"],
                         st["embed_query"]["p50"], st["dense_search"]["p50"], st["keyword_search"]["p50"],
                         st["fusion"]["p50"], st["sentence_rescore"]["p50"], st["sentence_embed"]["p50"],
                         st["answer"]["p50"]])
    out += ["", "### Query latency over HTTP (ms; stages are the server's p50)", _table(
        ["passages", "vectors", "endpoint", "client p50", "client p95", "non-model p50", "non-model p95",
         "embed_query", "dense", "keyword", "fusion", "sentence_rescore", "of which sentence_embed", "answer"], rows)]
    rows = []
    for q in r["query"]:
        tp = " / ".join(f"{t['requests_per_s']}" for t in q["throughput_search"])
        rows.append([q["passages"], q["ready_s"], q["memory"]["rss_mb"], q["memory"]["peak_rss_mb"], tp,
                     _mb(q["index_bytes"])])
    conc = "/".join(str(t["concurrency"]) for t in r["query"][0]["throughput_search"]) if r["query"] else ""
    out += ["", "### Serving", _table(
        ["passages", "ready s", "RSS MB", "peak RSS MB", f"search req/s at concurrency {conc}", "index MB"], rows)]
    rows = []
    for q in r["query"]:
        rec = q["recall"]
        if rec["vector_index"] == "ivf":
            for c in rec["curve"]:
                rows.append([q["passages"], rec["nlist"], c["nprobe"], c["recall_at_10"], c["p50"],
                             rec["exact_flat_search_ms"]["p50"], "default" if c["nprobe"] == rec["default_nprobe"] else ""])
        else:
            rows.append([q["passages"], "flat (exact)", "-", 1.0, "-", rec["exact_flat_search_ms"]["p50"], ""])
    out += ["", "### Approximate vector index: recall@10 against exact search (real question vectors)", _table(
        ["passages", "nlist", "nprobe", "recall@10", "IVF search p50 ms", "exact search p50 ms", ""], rows)]
    return out


def main(argv: list[str]) -> int:
    """`python -m evals.bench.report RESULT.json` prints the tables of a (possibly unfinished) run."""
    import json
    from pathlib import Path

    print(render(json.loads(Path(argv[0]).read_text())))
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))

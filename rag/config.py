"""One configuration object, read from `RAG_*` environment variables and overridden by CLI flags."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .errors import InvalidInputError

# Chosen on the calibration halves of evals/questions/*.jsonl and checked on the held-out halves;
# see README.md ("Abstention threshold") for the procedure and the figures.
DEFAULT_ABSTAIN_THRESHOLD = 0.358


@dataclass(frozen=True)
class Settings:
    index_dir: Path = Path("index")
    # A `postgresql://` URL selects the PostgreSQL + pgvector backend (rag/pg/) instead of the folder; reads may go
    # to a streaming replica (index_read_url); hnsw_ef_search is the HNSW search breadth (raised to k when lower):
    # 200 is the first that gave recall@10 >= 0.95 at 20k passages (evals/bench/README.md).
    index_url: str = ""
    index_read_url: str = ""
    hnsw_ef_search: int = 200
    # The HNSW graph of a database created by this process (rag/pg/migrations.py HnswParams): links a node and
    # candidates weighed per insertion. An existing database keeps its own until its index is rebuilt
    # (docs/scale-out.md); ef_construction 128 over pgvector's 64: higher recall at every ef_search, 2x build time;
    # m 24 over 16: recall@10 0.958 at ef_search 300 on 1M passages where 16 needed 800, 2x build time.
    hnsw_m: int = 24
    hnsw_ef_construction: int = 128
    # What the HNSW graph stores: "halfvec" (16-bit copies of the vectors, an index expression) or "vector" (the
    # float32 column). `rag db migrate` rebuilds an existing database's index to match (migration 3).
    hnsw_storage: str = "halfvec"
    # "onnx": fused ONNX Runtime graph exported once from the bundled weights (rag/embed_onnx.py); same vectors as
    # "sentence-transformers" (torch) to 2e-7, faster on single queries and on passage batches (evals/bench/README.md).
    # "onnx-int8": a dynamically quantized copy of that export, about half the CPU, vectors within cosine ~0.99 of
    # fp32; its indexes are its own (evals/bench/README.md, "int8 embedder").
    embedder_backend: str = "onnx"
    embedder_model: str = "all-MiniLM-L6-v2"
    embed_batch_size: int = 64
    # Threads for the embedder (0: all cores); where the ONNX export is cached (empty: ~/.cache/rag-cited/onnx).
    embedder_threads: int = 0
    onnx_cache_dir: str = ""
    # Vector index: "auto" (exact until ivf_min_vectors, then IVF), "flat" or "ivf"; ivf_nprobe 0 = default.
    vector_index: str = "auto"
    ivf_min_vectors: int = 50_000
    ivf_nprobe: int = 0
    # FAISS (OpenMP) threads in this process; 0 = FAISS's default (all cores). See rag/vectors.py.
    faiss_threads: int = 1
    passage_tokens: int = 128
    overlap_tokens: int = 32
    # The prefix embedded with each passage ("chain", "heading", "title" or "none"; rag/split.py), capped at
    # passage_context_tokens embedder tokens (0: no cap). Stored and keyword-searched context is always the chain.
    passage_context: str = "chain"
    passage_context_tokens: int = 0
    top_k: int = 5
    candidates: int = 40
    rerank_passages: int = 8
    abstain_threshold: float = DEFAULT_ABSTAIN_THRESHOLD
    # How candidate sentences are weighed (rag/answer_weights.py): "hand" (the rules' own weights) or "learned"
    # (rag/answer_weights.json, from evals/train_answer_scorer.py; its own abstention threshold applies unless
    # abstain_threshold is set to another value than the default).
    answer_scorer: str = "hand"
    answer_weights: str = ""  # the learned weights file (empty: rag/answer_weights.json)
    max_answer_sentences: int = 3
    max_question_chars: int = 2000
    host: str = "127.0.0.1"
    port: int = 8000
    llm_base_url: str = ""
    llm_model: str = ""
    llm_api_key: str = ""
    llm_timeout_s: float = 30.0
    llm_retries: int = 2
    llm_max_tokens: int = 512
    llm_max_passages: int = 5
    api_keys: tuple[str, ...] = field(default=())
    read_only_api_keys: tuple[str, ...] = field(default=())
    max_upload_bytes: int = 20 * 1024 * 1024
    upload_parse_timeout_s: float = 30.0
    cors_origins: tuple[str, ...] = field(default=())
    lock_timeout_s: float = 30.0
    # Backpressure of the HTTP API (api/limits.py): requests to /v1/ run `work_slots` at a time, up to
    # `work_queue` more wait, the rest get 503 + Retry-After; each gets 504 when its response has not started
    # after `request_timeout_s` (long enough for a non-streamed answer written by a CPU-bound LLM).
    work_slots: int = 2
    work_queue: int = 32
    request_timeout_s: float = 120.0
    max_json_bytes: int = 1024 * 1024

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Each field `name` reads `RAG_NAME`; explicit overrides (CLI flags) win when not None."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(f"RAG_{f.name.upper()}")
            if raw is not None and raw != "":
                values[f.name] = _parse(f.name, f.type, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def with_overrides(self, **overrides: Any) -> Settings:
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def _parse(name: str, type_name: Any, raw: str) -> Any:
    kind = str(type_name)
    try:
        if kind == "Path":
            return Path(raw)
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind.startswith("tuple"):
            return tuple(part.strip() for part in raw.split(",") if part.strip())
    except ValueError as exc:
        raise InvalidInputError(f"RAG_{name.upper()}={raw!r} is not a valid {kind}") from exc
    return raw

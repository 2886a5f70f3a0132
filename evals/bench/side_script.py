"""The comparison points, run as a script in their own interpreter: no `rag` import here.

`bare`: sentence-transformers encodes, FAISS (IndexFlatIP) searches: the least any pipeline can cost.
`peer`: LlamaIndex (HuggingFaceEmbedding + FaissVectorStore over IndexFlatIP), retrieval only.
Usage: python side_script.py {bare|peer} SPEC.json OUT.json
SPEC: model_path, passages (texts), queries, k, threads, and optionally vectors_file (precomputed passage
vectors, .npy, for query-only runs at scale).
"""

from __future__ import annotations

import json
import os
import sys
import time
from importlib import metadata

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def _versions(names: list[str]) -> dict[str, str]:
    out = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "missing"
    return out


def _ms(seconds: list[float]) -> list[float]:
    return [round(s * 1000, 3) for s in seconds]


def run_bare(spec: dict) -> dict:
    import faiss
    import numpy as np
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(spec["threads"])
    t = time.perf_counter()
    model = SentenceTransformer(spec["model_path"], device="cpu")
    load_s = time.perf_counter() - t
    passages, out = spec["passages"], {}
    t = time.perf_counter()
    if spec.get("vectors_file"):
        vectors = np.load(spec["vectors_file"])
        encode_s = None
    else:
        vectors = model.encode(passages, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
        encode_s = time.perf_counter() - t
    t = time.perf_counter()
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    index_s = time.perf_counter() - t
    embed_ms, search_ms = [], []
    model.encode(["warm-up"], normalize_embeddings=True)
    for q in spec["queries"]:
        t = time.perf_counter()
        qv = model.encode([q], normalize_embeddings=True, convert_to_numpy=True)
        t1 = time.perf_counter()
        index.search(np.ascontiguousarray(qv, dtype=np.float32), spec["k"])
        t2 = time.perf_counter()
        embed_ms.append(t1 - t)
        search_ms.append(t2 - t1)
    out.update(load_s=load_s, encode_s=encode_s, index_s=index_s, passages=len(vectors),
               query_embed_ms=_ms(embed_ms), query_search_ms=_ms(search_ms),
               query_total_ms=_ms([a + b for a, b in zip(embed_ms, search_ms, strict=True)]),
               versions=_versions(["sentence-transformers", "faiss-cpu", "torch"]))
    return out


def run_peer(spec: dict) -> dict:
    import faiss
    import numpy as np
    import torch
    from llama_index.core import StorageContext, VectorStoreIndex
    from llama_index.core.schema import TextNode
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from llama_index.vector_stores.faiss import FaissVectorStore

    torch.set_num_threads(spec["threads"])
    t = time.perf_counter()
    embed = HuggingFaceEmbedding(model_name=spec["model_path"], device="cpu", embed_batch_size=64,
                                 normalize=True)
    load_s = time.perf_counter() - t
    vectors = np.load(spec["vectors_file"]) if spec.get("vectors_file") else None
    t = time.perf_counter()
    nodes = [TextNode(text=text, id_=str(i), embedding=None if vectors is None else vectors[i].tolist())
             for i, text in enumerate(spec["passages"])]
    store = FaissVectorStore(faiss_index=faiss.IndexFlatIP(embed._model.get_embedding_dimension()
                                                           if hasattr(embed._model, "get_embedding_dimension")
                                                           else embed._model.get_sentence_embedding_dimension()))
    context = StorageContext.from_defaults(vector_store=store)
    index = VectorStoreIndex(nodes, storage_context=context, embed_model=embed, show_progress=False)
    ingest_s = time.perf_counter() - t
    retriever = index.as_retriever(similarity_top_k=spec["k"])
    retriever.retrieve("warm-up")
    total_ms = []
    for q in spec["queries"]:
        t = time.perf_counter()
        retriever.retrieve(q)
        total_ms.append(time.perf_counter() - t)
    return {"load_s": load_s, "encode_s": None if vectors is not None else ingest_s, "ingest_s": ingest_s,
            "passages": len(nodes), "query_total_ms": _ms(total_ms),
            "versions": _versions(["llama-index-core", "llama-index-embeddings-huggingface",
                                   "llama-index-vector-stores-faiss", "sentence-transformers", "faiss-cpu",
                                   "torch"])}


def main(argv: list[str]) -> int:
    mode, spec_file, out_file = argv
    with open(spec_file, encoding="utf-8") as handle:
        spec = json.load(handle)
    result = run_bare(spec) if mode == "bare" else run_peer(spec)
    with open(out_file, "w", encoding="utf-8") as handle:
        json.dump(result, handle)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

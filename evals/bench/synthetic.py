"""Ingest of a synthetic corpus with precomputed vectors: the non-model cost of load, split, store and index."""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

from rag.embed import BUNDLED_MODEL, bundled_model_path
from rag.index import DocumentUpdate, Index
from rag.records import Passage
from rag.sentence_vectors import passage_vector_sentences
from rag.split import SplitConfig, split_document
from rag.vectors import VectorIndexConfig

from .corpus import load_synthetic, passage_vectors, synthetic_documents


def token_counter():  # noqa: ANN201 - the model's tokenizer as a TokenCounter, without loading the model
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(bundled_model_path() / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()

    def count(texts):  # noqa: ANN001, ANN202
        return [len(e.ids) for e in tokenizer.encode_batch(list(texts), add_special_tokens=False)]

    return count


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def sentence_passages(document, synthetic, per_passage: int = 6) -> list[Passage]:  # noqa: ANN001
    """Passages of `per_passage` generated sentences each, cut without the splitter (the --no-split path)."""
    starts = [int(s) for s in synthetic.sentence_starts] + [len(document.text)]
    out = []
    for ordinal, i in enumerate(range(0, len(starts) - 1, per_passage)):
        start, end = starts[i], starts[min(i + per_passage, len(starts) - 1)]
        end = start + len(document.text[start:end].rstrip())
        out.append(Passage(document.id, start, end, document.text[start:end], ordinal))
    return out


def build(index_dir: Path, passages: int, sentences: list[str], vectors: np.ndarray, batch_passages: int,
          vector_config: VectorIndexConfig, seed: int = 0, use_splitter: bool = True) -> dict:
    """Publish synthetic documents until `passages` passages are indexed, `batch_passages` a generation.

    Without `use_splitter`, passages are cut at every 6th generated sentence instead of by the token-sized
    splitter (whose cost is linear in the text and measured at the smaller scales).
    """
    count = token_counter()
    split = SplitConfig()
    index = Index(index_dir, BUNDLED_MODEL, vectors.shape[1], vector_config=vector_config)
    times = {"generate": 0.0, "load": 0.0, "split": 0.0, "vectors": 0.0, "publish": 0.0}
    publishes: list[dict] = []
    done, batch, batch_n = 0, [], 0
    docs = synthetic_documents(sentences, 10**9, seed=seed)
    started = time.perf_counter()
    while done < passages:
        t = time.perf_counter()
        synthetic = next(docs)
        t1 = time.perf_counter()
        document = load_synthetic(synthetic)
        t2 = time.perf_counter()
        cut = (split_document(document, split, count) if use_splitter
               else sentence_passages(document, synthetic))[: passages - done]
        t3 = time.perf_counter()
        vecs = passage_vectors(synthetic, [(p.start, p.end) for p in cut], vectors)
        t4 = time.perf_counter()
        times["generate"] += t1 - t
        times["load"] += t2 - t1
        times["split"] += t3 - t2
        times["vectors"] += t4 - t3
        batch.append(DocumentUpdate(document, cut, vecs, passage_vector_sentences(cut, vecs)))
        batch_n += len(cut)
        done += len(cut)
        if batch_n >= batch_passages or done >= passages:
            t = time.perf_counter()
            index.apply(batch)
            elapsed = time.perf_counter() - t
            times["publish"] += elapsed
            publishes.append({"passages": batch_n, "total_after": done, "seconds": round(elapsed, 3)})
            batch, batch_n = [], 0
    wall = time.perf_counter() - started
    pipeline = times["load"] + times["split"] + times["publish"]
    # The cost of one small write at this size (the writer copies and rewrites the vector file).
    extra = next(docs)
    doc = load_synthetic(extra)
    cut = split_document(doc, split, count)
    t = time.perf_counter()
    extra_vectors = passage_vectors(extra, [(p.start, p.end) for p in cut], vectors)
    index.apply([DocumentUpdate(doc, cut, extra_vectors, passage_vector_sentences(cut, extra_vectors))])
    one_write = time.perf_counter() - t
    vectors_index = index.vectors
    result = {
        "passages": index.manifest.passages,
        "documents": index.manifest.documents,
        "pipeline_s": round(pipeline, 2),
        "passages_per_s": round(done / pipeline, 1),
        "stages_s": {k: round(v, 2) for k, v in times.items()},
        "wall_s_including_synthesis": round(wall, 2),
        "publishes": publishes,
        "one_document_write_s": round(one_write, 3),
        "one_document_passages": len(cut),
        "splitter": "rag.split" if use_splitter else "every 6 generated sentences (splitter skipped)",
        "vector_index": vectors_index.kind,
        "nprobe": vectors_index.nprobe,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "index_bytes": dir_size(index_dir),
    }
    index.close()
    return result


def main(argv: list[str]) -> int:
    """Worker entry: `python -m evals.bench.synthetic SPEC.json` prints the result as JSON (own process = own peak RSS)."""
    spec = json.loads(Path(argv[0]).read_text())
    sentences = json.loads(Path(spec["sentences_file"]).read_text())
    vectors = np.load(spec["vectors_file"])
    config = VectorIndexConfig(**spec["vector_config"])
    result = build(Path(spec["index_dir"]), spec["passages"], sentences, vectors, spec["batch_passages"], config,
                   use_splitter=spec.get("use_splitter", True))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

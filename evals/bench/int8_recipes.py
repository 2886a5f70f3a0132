"""Dynamic int8 quantization recipes of the ONNX export side by side: model CPU and drift from fp32 vectors.

    python -m evals.bench.int8_recipes INDEX_DIR [--passages 300] [--out FILE.json]

Samples passages of a built index (their embedded text: context and passage), runs the cached fp32 export and one
quantized copy per recipe in this process, one thread each, in runs of 16 sorted by length, and reports the model's
CPU seconds and the cosine of each passage vector to its fp32 vector (and how many of each passage's 5 nearest
neighbours among the sample stay the same). The shipped recipe is rag/embed_onnx.py's `quantize_onnx`.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

# name: `quantize_onnx` arguments (op_types empty: every op it can quantize); "shipped" is its defaults.
RECIPES: dict[str, dict] = {
    "u8, per tensor, all ops (onnxruntime's defaults)": dict(weight_type="QUInt8", per_channel=False,
                                                             reduce_range=False, op_types=()),
    "s8, per tensor, all ops (the earlier trial)": dict(per_channel=False, reduce_range=False, op_types=()),
    "u8, per channel, all ops": dict(weight_type="QUInt8", reduce_range=False, op_types=()),
    "s8, per channel, all ops": dict(reduce_range=False, op_types=()),
    "s8, per channel, MatMul only": dict(reduce_range=False, op_types=("MatMul",)),
    "s8, per channel, MatMul + Attention": dict(reduce_range=False),
    "shipped: s8, per channel, 7-bit, MatMul + Attention": {},
}


def sample_texts(index_dir: Path, count: int, seed: int = 0) -> list[str]:
    from rag.index import Index

    index = Index(index_dir, None)
    ids = index.store.all_passage_ids()
    picked = np.random.default_rng(seed).choice(len(ids), min(count, len(ids)), replace=False)
    passages = index.store.passages([ids[i] for i in picked])
    return [passages[ids[i]][0].embedding_text() for i in picked]


def run_model(onnx_file: Path, encodings: list) -> tuple[np.ndarray, float]:
    """Mean-pooled unit vectors of `encodings` and the CPU seconds of the session runs."""
    import onnxruntime as ort

    from rag.embed import mean_pool

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])
    order = np.argsort([-len(e.ids) for e in encodings], kind="stable")
    out = np.zeros((len(encodings), session.get_outputs()[0].shape[-1] or 384), dtype=np.float32)
    cpu = 0.0
    for start in range(0, len(order), 16):
        rows = order[start : start + 16]
        width = len(encodings[rows[0]].ids)
        ids, mask = np.zeros((len(rows), width), dtype=np.int64), np.zeros((len(rows), width), dtype=np.int64)
        for r, i in enumerate(rows):
            ids[r, : len(encodings[i].ids)], mask[r, : len(encodings[i].ids)] = encodings[i].ids, 1
        started = time.process_time()
        hidden = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]
        cpu += time.process_time() - started
        out[rows] = mean_pool(hidden, mask)
    return out, cpu


def neighbours(vectors: np.ndarray, k: int = 5) -> np.ndarray:
    return np.argsort(-(vectors @ vectors.T), axis=1)[:, 1 : k + 1]


def compare(index_dir: Path, count: int, work: Path) -> dict:
    from tokenizers import Tokenizer

    from rag.embed import bundled_model_path
    from rag.embed_onnx import OnnxEmbedder, quantize_onnx

    fp32_embedder = OnnxEmbedder()
    fp32_embedder.warm_up()
    tokenizer = Tokenizer.from_file(str(bundled_model_path() / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(fp32_embedder.max_tokens)
    encodings = tokenizer.encode_batch(sample_texts(index_dir, count))
    reference, reference_cpu = run_model(fp32_embedder.onnx_file, encodings)
    near = neighbours(reference)
    work.mkdir(parents=True, exist_ok=True)
    rows = {"fp32": {"cpu_s": round(reference_cpu, 2)}}
    for n, (name, recipe) in enumerate(RECIPES.items()):
        quantized = quantize_onnx(fp32_embedder.onnx_file, work / f"recipe-{n}.onnx", **recipe)
        vectors, cpu = run_model(quantized, encodings)
        cosines = (vectors * reference).sum(axis=1)
        kept = np.mean([len(set(a) & set(b)) / near.shape[1] for a, b in zip(near, neighbours(vectors), strict=True)])
        rows[name] = {"cpu_s": round(cpu, 2), "cpu_vs_fp32": round(cpu / reference_cpu, 2),
                      "file_mb": round(quantized.stat().st_size / 1e6, 1),
                      "cosine_median": round(float(np.median(cosines)), 4),
                      "cosine_p5": round(float(np.percentile(cosines, 5)), 4),
                      "cosine_min": round(float(cosines.min()), 4), "top5_neighbours_kept": round(float(kept), 3)}
        print(f"{name}: {rows[name]}", file=sys.stderr, flush=True)
    return {"index": str(index_dir), "passages": len(encodings), "recipes": rows}


def render(result: dict) -> str:
    lines = [f"{result['passages']} passages of {result['index']}; model CPU s on one thread", "",
             "| recipe | CPU s | vs fp32 | file MB | cosine to fp32: median / 5th pct / min | top-5 neighbours kept |",
             "|---|---|---|---|---|---|"]
    for name, r in result["recipes"].items():
        if name == "fp32":
            lines.append(f"| fp32 export | {r['cpu_s']} | 1 | | | |")
            continue
        lines.append(f"| {name} | {r['cpu_s']} | {r['cpu_vs_fp32']} | {r['file_mb']} | {r['cosine_median']} / "
                     f"{r['cosine_p5']} / {r['cosine_min']} | {r['top5_neighbours_kept']} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m evals.bench.int8_recipes", description=__doc__.splitlines()[0])
    p.add_argument("index", type=Path, help="a built index whose passages are the sample")
    p.add_argument("--passages", type=int, default=300)
    p.add_argument("--out", type=Path, default=None)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="int8-recipes-") as tmp:
        result = compare(args.index, args.passages, Path(tmp))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2))
    print(render(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

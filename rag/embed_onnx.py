"""The ONNX Runtime embedder: the bundled model exported once to ONNX (fp32), run without torch at query time.

The export is made offline from the same safetensors weights with torch's exporter, its graph fused with
onnxruntime's transformer optimizer (Attention, SkipLayerNormalization, BiasGelu, EmbedLayerNormalization),
and cached on disk; tokenization uses the model's own `tokenizer.json`; mean pooling and normalization follow
the model's sentence-transformers modules, so vectors match the torch backend to about 1e-6 and indexes are shared.

The int8 variant (`onnx-int8`) runs a dynamically quantized copy of that export, cached beside it: about half the
CPU, vectors within cosine ~0.99 of fp32, so it names itself apart and its indexes are its own.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from .embed import BUNDLED_MODEL, TokenVectors, mean_pool, resolve_model_path
from .errors import MissingDependencyError, RagError

_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
# Names how the cached file was made: a change here makes a new export instead of reusing an older kind.
_EXPORT_FORMAT = "eager-attention+bert-fusion-1"
# Rows x width of one session run: 16 passages of 256 tokens, 32 of 128, 64 short sentences. Smaller runs pad
# less and stay in cache (Debian passages of ~150 tokens: 59 CPU ms a passage in runs of at most 4096 tokens,
# 65 in runs of 64 passages); see evals/bench/README.md ("Levers tried").
_RUN_TOKENS = 4096
# How the int8 copy is made from the fp32 export, and its file name beside it: a change makes a new copy.
# Weights int8 per output channel with 7-bit range, activations uint8 quantized per run, in the MatMul and fused
# Attention nodes (the embeddings' Gather stays fp32). Per tensor the vectors drifted to cosine 0.887; the 7-bit
# range keeps uint8 x int8 pair sums from saturating on x86 CPUs without VNNI, so they compute the model that was
# measured (on a VNNI CPU; evals/bench/README.md, "int8 embedder").
_INT8_FORMAT = "dynamic-qint8-per-channel-reduce-range-matmul-attention-1"
# What an int8 embedder adds to the model's name: the name an index records, so fp32 and int8 never share one.
INT8_SUFFIX = "+int8"


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rag-cited" / "onnx"


def _fingerprint(model_dir: Path) -> str:
    """Names the export after the weights it came from, so a changed model gets a new export."""
    digest = hashlib.sha256()
    for name in ("config.json", "model.safetensors", "tokenizer.json"):
        path = model_dir / name
        if path.exists():
            stat = path.stat()
            digest.update(f"{name}:{stat.st_size}".encode())
    digest.update((model_dir / "config.json").read_bytes())
    digest.update(_EXPORT_FORMAT.encode())
    return digest.hexdigest()[:16]


def export_onnx(model_dir: Path, out_file: Path) -> Path:
    """Export the transformer (last hidden state) to `out_file`, fused; needs torch, transformers and onnx once."""
    try:
        import torch
        from transformers import AutoModel
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingDependencyError("exporting to ONNX needs torch and transformers: pip install torch==2.13.0 "
                                     "sentence-transformers") from exc
    try:
        import onnx  # noqa: F401 - the torch exporter needs it
    except ImportError as exc:
        raise MissingDependencyError("exporting to ONNX needs the onnx package: pip install onnx==1.23.2") from exc

    class _LastHidden(torch.nn.Module):
        def __init__(self, model: torch.nn.Module) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):  # noqa: ANN001, ANN201 - traced by torch
            return self.model(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    # Eager attention exports the MatMul/Softmax pattern that the optimizer fuses; SDPA's export does not fuse.
    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager")
    model.eval()
    sample = tuple(torch.ones(2, 16, dtype=torch.long) for _ in _INPUTS)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_file.with_name(out_file.name + f".{os.getpid()}.tmp")
    with torch.no_grad():
        torch.onnx.export(
            _LastHidden(model), sample, str(tmp), input_names=list(_INPUTS), output_names=["last_hidden_state"],
            dynamic_axes={name: {0: "batch", 1: "tokens"} for name in (*_INPUTS, "last_hidden_state")},
            opset_version=17, dynamo=False)
    try:
        _fuse(tmp, model_dir)
        os.replace(tmp, out_file)
    finally:
        tmp.unlink(missing_ok=True)
    return out_file


def quantize_onnx(fp32_file: Path, out_file: Path, weight_type: str = "QInt8", per_channel: bool = True,
                  reduce_range: bool = True, op_types: Sequence[str] = ("MatMul", "Attention")) -> Path:
    """Write a dynamically quantized int8 copy of the fp32 export `fp32_file` to `out_file`.

    The defaults are the recipe `_INT8_FORMAT` names; others are for comparing recipes (evals/bench/int8_recipes.py).
    """
    try:
        import onnx
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as exc:
        raise MissingDependencyError("quantizing the ONNX export needs the onnx package: pip install onnx==1.23.2") from exc
    tmp = out_file.with_name(out_file.name + f".{os.getpid()}.tmp")
    try:
        # The fused nodes are in onnxruntime's own domain, which ONNX shape inference cannot type: say float.
        quantize_dynamic(str(fp32_file), str(tmp), weight_type=QuantType[weight_type], per_channel=per_channel,
                         reduce_range=reduce_range, op_types_to_quantize=list(op_types) or None,
                         extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
        os.replace(tmp, out_file)
    finally:
        tmp.unlink(missing_ok=True)
    return out_file


def _fuse(onnx_file: Path, model_dir: Path) -> None:
    """Rewrite `onnx_file` in place with onnxruntime's BERT fusions (offline: Python graph rewrites only)."""
    from onnxruntime.transformers.optimizer import optimize_model

    config = json.loads((model_dir / "config.json").read_text())
    if config.get("model_type") != "bert":
        return  # the fusions below are BERT's; other models run unfused
    fused = optimize_model(str(onnx_file), model_type="bert", num_heads=int(config["num_attention_heads"]),
                           hidden_size=int(config["hidden_size"]), opt_level=0, use_gpu=False)
    fused.save_model_to_file(str(onnx_file))


class OnnxEmbedder:
    """onnxruntime on the CPU; the export (if not cached yet) and the session happen on `warm_up`.

    `int8` runs the quantized copy of the export instead of the export itself.
    """

    def __init__(self, model: str = BUNDLED_MODEL, batch_size: int = 64, threads: int | None = None,
                 cache_dir: Path | None = None, int8: bool = False) -> None:
        # fp32: same name as the torch backend, the vectors are the same, so an index serves either. int8: its
        # vectors differ, so an index records it apart and refuses the other (rag/index.py).
        base_name = model if model == BUNDLED_MODEL else Path(model).name
        self.name = base_name + INT8_SUFFIX if int8 else base_name
        self._base_name = base_name
        self._int8 = int8
        self._model_ref = model
        self._batch_size = batch_size
        self._threads = threads
        self._cache_dir = Path(cache_dir).expanduser() if cache_dir else default_cache_dir()
        self._session = None
        self.onnx_file: Path | None = None  # the cached export this embedder runs, once warmed up
        self._tokenizer = None
        self._counter = None
        self._max_tokens = 256
        self._dimension = 0

    def warm_up(self) -> None:
        if self._session is not None:
            return
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise MissingDependencyError(
                "the onnx embedder needs onnxruntime and tokenizers: pip install onnxruntime==1.31.1 tokenizers") from exc
        model_dir = resolve_model_path(self._model_ref)
        fp32_file = self._cache_dir / f"{self._base_name}-{_fingerprint(model_dir)}" / "model.onnx"
        onnx_file = fp32_file.with_name(f"model-{_INT8_FORMAT}.onnx") if self._int8 else fp32_file
        try:
            if not onnx_file.exists() and not fp32_file.exists():
                export_onnx(model_dir, fp32_file)
            if not onnx_file.exists():
                quantize_onnx(fp32_file, onnx_file)
        except OSError as exc:
            raise RagError(f"cannot write the ONNX export to {onnx_file.parent}: {exc}; set RAG_ONNX_CACHE_DIR "
                           "to a writable folder") from exc
        st_config = model_dir / "sentence_bert_config.json"
        if st_config.exists():
            self._max_tokens = int(json.loads(st_config.read_text())["max_seq_length"])
        config = json.loads((model_dir / "config.json").read_text())
        self._dimension = int(config["hidden_size"])
        tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        tokenizer.no_padding()
        tokenizer.enable_truncation(self._max_tokens)
        # A second tokenizer counts untruncated tokens, so no setting is toggled while threads share one.
        counter = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        counter.no_padding()
        counter.no_truncation()
        options = ort.SessionOptions()
        options.intra_op_num_threads = self._threads or os.cpu_count() or 1
        options.inter_op_num_threads = 1
        # Idle threads sleep instead of spinning: on 2 shared cores spinning steals the core that does the work
        # (single queries measured 28-36 ms without spinning, 36-59 ms with it, on the busy machine).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            session = ort.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own types for a damaged file
            raise RagError(f"cannot load the ONNX export {onnx_file}: {exc}; delete it to export again") from exc
        self._tokenizer, self._counter, self._session = tokenizer, counter, session
        self.onnx_file = onnx_file

    @property
    def dimension(self) -> int:
        self.warm_up()
        return self._dimension

    @property
    def max_tokens(self) -> int:
        self.warm_up()
        return self._max_tokens

    def _runs(self, texts: Sequence[str]) -> Iterator[tuple[np.ndarray, list, np.ndarray, np.ndarray]]:
        """The model over `texts` in runs of similar length: (row numbers, encodings, hidden states, mask)."""
        self.warm_up()
        texts = list(texts)
        # One text (a question) is tokenized by the plain call: the batch call hands even a single text to the
        # tokenizer's thread pool, 0.09 ms against 0.03 ms for a short question.
        encodings = [self._tokenizer.encode(texts[0])] if len(texts) == 1 else self._tokenizer.encode_batch(texts)
        # Batches of similar length waste little on padding.
        order = np.argsort([-len(e.ids) for e in encodings], kind="stable")
        start = 0
        while start < len(order):
            # Longest first, so the first row sets the width; the run is capped by rows and by tokens.
            width = len(encodings[order[start]].ids)
            rows = order[start : start + max(1, min(self._batch_size, _RUN_TOKENS // width))]
            # Right padding only: the fused attention reads each row's length from its mask.
            start += len(rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            types = np.zeros((len(rows), width), dtype=np.int64)
            for r, i in enumerate(rows):
                enc = encodings[i]
                n = len(enc.ids)
                ids[r, :n], mask[r, :n], types[r, :n] = enc.ids, enc.attention_mask, enc.type_ids
            hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})[0]
            yield rows, [encodings[i] for i in rows], hidden, mask

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.warm_up()
        out = np.zeros((len(texts), self._dimension), dtype=np.float32)
        if not texts:
            return out
        for rows, _, hidden, mask in self._runs(texts):
            out[rows] = mean_pool(hidden, mask)
        return out

    def encode_tokens(self, texts: Sequence[str]) -> list[TokenVectors]:
        """Each text's token vectors (special tokens included) and their character offsets, from one model pass."""
        out: list[TokenVectors | None] = [None] * len(texts)
        for rows, encodings, hidden, _ in self._runs(texts):
            for r, (i, enc) in enumerate(zip(rows, encodings, strict=True)):
                n = len(enc.ids)
                offsets = np.asarray(enc.offsets, dtype=np.int32).reshape(n, 2)
                special = np.asarray(enc.special_tokens_mask, dtype=bool)
                out[i] = TokenVectors(hidden[r, :n].copy(), offsets, special)
        return out  # type: ignore[return-value]

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        self.warm_up()
        if not texts:
            return []
        # Untruncated and without [CLS]/[SEP], as the torch backend counts them.
        return [len(e.ids) for e in self._counter.encode_batch(list(texts), add_special_tokens=False)]

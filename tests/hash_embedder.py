"""A deterministic hashing embedder for tests that start many processes: no model to load.

It implements the `rag.embed.Embedder` protocol. Each word adds +-1 to one of `dimension` slots chosen by
its CRC32, then the vector is normalized, so identical texts score 1.0 and texts sharing words score
higher than unrelated ones: enough for retrieval and extractive answers to work, in milliseconds.
Used where the model load (5-8 s a process) would dominate: the crash loop, multi-process writers.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

import numpy as np

_WORD = re.compile(r"\w+", re.UNICODE)
_TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)


class HashEmbedder:
    name = "test-hash"

    def __init__(self, dimension: int = 256) -> None:
        self._dimension = dimension

    @property
    def dimension(self) -> int:
        return self._dimension

    def warm_up(self) -> None:
        return None

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self._dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                h = zlib.crc32(word.encode("utf-8"))
                out[row, h % self._dimension] += 1.0 if (h >> 16) & 1 else -1.0
            norm = float(np.linalg.norm(out[row]))
            if norm:
                out[row] /= norm
        return out

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(_TOKEN.findall(t)) for t in texts]

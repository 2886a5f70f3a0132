"""Benchmark corpora: the real ones (seeds, Debian Reference HTML) and synthetic ones recombined from their sentences.

Embedding 100k passages takes about 2 hours on 2 cores and 1M about 20, so the large corpora are made
by recombining real sentences: each distinct real sentence is embedded once with the real model, a
synthetic document is a random sequence of real sentences, our splitter cuts it into passages, and a
passage's vector is the normalized mean of the vectors of the sentences it holds. That keeps the text
and the vector distribution realistic while the benchmark measures everything around the model.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag.load import find_files, load_bytes, load_path
from rag.records import Document
from rag.sentences import sentence_spans

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
DEBIAN_CANDIDATES = (ROOT / "corpora" / "debian-reference", Path("/work/main/corpora/debian-reference"))

SYNTHETIC_NOTE = (
    "Synthetic corpora are made by recombining real sentences (seeds/ and the Debian Reference HTML): each "
    "distinct real sentence is embedded once with the real model; a synthetic document is a random sequence of "
    "real sentences; our splitter cuts it into passages; a synthetic passage's vector is the normalized mean of "
    "its sentences' vectors. This keeps the vector distribution realistic without the ~20 hours that encoding "
    "1M passages would take on 2 cores, so synthetic ingest figures are the non-model cost only "
    "(split, store, keyword and vector index build with precomputed vectors)."
)


def debian_dir() -> Path | None:
    """The Debian Reference HTML (see evals/corpora/get_debian_reference.sh), if fetched."""
    for candidate in DEBIAN_CANDIDATES:
        if candidate.is_dir() and any(candidate.glob("*.html")):
            return candidate
    return None


def load_documents(paths: Sequence[Path]) -> list[Document]:
    files, _ = find_files(paths)
    return [load_path(f) for f in files]


def real_sentences(documents: Sequence[Document], min_chars: int = 20, max_chars: int = 400) -> list[str]:
    """Distinct sentences of the real corpora, whitespace-normalized, of a passage-like size."""
    seen: dict[str, None] = {}
    for doc in documents:
        for start, end in sentence_spans(doc.text):
            text = " ".join(doc.text[start:end].split())
            if min_chars <= len(text) <= max_chars:
                seen.setdefault(text, None)
    return list(seen)


def sentence_vectors(sentences: Sequence[str], encode, cache_dir: Path) -> np.ndarray:  # noqa: ANN001
    """Vectors of the real sentences, embedded once with the real model and cached by content."""
    key = hashlib.sha256("\n".join(sentences).encode()).hexdigest()[:16]
    path = cache_dir / f"sentence-vectors-{key}.npy"
    if path.exists():
        return np.load(path)
    vectors = np.ascontiguousarray(encode(list(sentences)), dtype=np.float32)
    cache_dir.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


@dataclass(frozen=True)
class SyntheticDocument:
    text: str
    source: str
    sentence_starts: np.ndarray  # offset of each sentence in the document text
    sentence_ids: np.ndarray  # which real sentence sits there


def synthetic_documents(sentences: Sequence[str], count: int, seed: int = 0,
                        sentences_per_doc: int = 48) -> Iterator[SyntheticDocument]:
    """`count` documents of real sentences in random order, in paragraphs of 3-8 sentences."""
    rng = np.random.default_rng(seed)
    for d in range(count):
        picks = rng.integers(0, len(sentences), sentences_per_doc)
        parts: list[str] = []
        starts = np.zeros(sentences_per_doc, dtype=np.int64)
        offset = 0
        para_left = int(rng.integers(3, 9))
        for i, s in enumerate(picks):
            starts[i] = offset
            text = sentences[int(s)]
            para_left -= 1
            sep = "\n\n" if para_left == 0 else " "
            if para_left == 0:
                para_left = int(rng.integers(3, 9))
            parts.append(text + sep)
            offset += len(text) + len(sep)
        text = "".join(parts).rstrip()
        yield SyntheticDocument(text, f"synthetic/{seed}/{d:07d}.txt", starts, picks)


def load_synthetic(synthetic: SyntheticDocument) -> Document:
    """The real loader on the document's bytes, as if read from a .txt file."""
    name = synthetic.source.rsplit("/", 1)[-1]
    return load_bytes(synthetic.text.encode(), name, source=synthetic.source, title=name)


def passage_vectors(synthetic: SyntheticDocument, spans: Sequence[tuple[int, int]], vectors: np.ndarray) -> np.ndarray:
    """A passage's vector: the normalized mean of the real vectors of the sentences its span overlaps."""
    out = np.zeros((len(spans), vectors.shape[1]), dtype=np.float32)
    starts = synthetic.sentence_starts
    for row, (start, end) in enumerate(spans):
        # The sentence holding `start` (a passage may begin inside a long sentence) up to the last one begun.
        lo = max(int(np.searchsorted(starts, start, "right")) - 1, 0)
        hi = max(int(np.searchsorted(starts, end, "left")), lo + 1)
        out[row] = vectors[synthetic.sentence_ids[lo:hi]].mean(axis=0)
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out

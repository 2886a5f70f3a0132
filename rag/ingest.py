"""From files to a queryable index: load, split, embed, and publish as one generation."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .embed import Embedder
from .errors import InvalidInputError, RagError
from .index import DocumentUpdate
from .index_backend import IndexBackend
from .load import default_source, find_files, load_path
from .progress import NoProgress, Progress
from .records import Document, Passage
from .sentence_vectors import embed_passages
from .split import SplitConfig, split_document

log = logging.getLogger(__name__)
# Passages embedded per call: a large document reports progress as it goes; most documents fit one call.
EMBED_CHUNK = 512


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    passages: int = 0

    def as_dict(self) -> dict:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": [{"path": p, "reason": r} for p, r in self.skipped],
            "removed": self.removed,
            "passages": self.passages,
        }


def prepare_update(doc: Document, embedder: Embedder, split: SplitConfig) -> DocumentUpdate | None:
    """Split and embed one document into what the index stores for it; None when it has no text to index.

    The unit of work of every ingest path (in-process or spread over workers): it reads nothing from the index.
    """
    passages = split_document(doc, split, embedder.count_tokens)
    return embed_update(doc, passages, embedder) if passages else None


def embed_update(doc: Document, passages: Sequence[Passage], embedder: Embedder,
                 progress: Progress | None = None) -> DocumentUpdate:
    """Embed a document's passages, EMBED_CHUNK at a time, advancing `progress` by each chunk's passages."""
    progress = progress or NoProgress()
    vectors, sentences = [], []
    for first in range(0, len(passages), EMBED_CHUNK):
        chunk_vectors, chunk_sentences = embed_passages(embedder, passages[first : first + EMBED_CHUNK])
        vectors.append(chunk_vectors)
        sentences.extend(chunk_sentences)
        progress.advance(len(chunk_sentences))
    return DocumentUpdate(doc, list(passages), vectors[0] if len(vectors) == 1 else np.concatenate(vectors), sentences)


def index_documents(index: IndexBackend, embedder: Embedder, documents: Sequence[Document], split: SplitConfig,
                    report: IngestReport | None = None, removals: Sequence[str] = (),
                    progress: Progress | None = None) -> IngestReport:
    """Split and embed new or changed documents, then publish them with `removals` as one generation.

    Unchanged documents are skipped. All documents are split first, so `progress` knows how many passages
    the embedding stage has to do.
    """
    report = report or IngestReport()
    progress = progress or NoProgress()
    split_docs: list[tuple[Document, list[Passage], bool]] = []
    seen: set[str] = set()
    progress.start("split", len(documents), "documents")
    for doc in documents:
        progress.advance()
        if doc.id in seen:
            raise InvalidInputError(f"{doc.source} appears twice in one batch")
        seen.add(doc.id)
        previous = index.document_hash(doc.id)
        if previous == doc.content_hash:
            report.unchanged.append(doc.source)
            continue
        passages = split_document(doc, split, embedder.count_tokens)
        if not passages:
            report.skipped.append((doc.source, "no text to index"))
            continue
        split_docs.append((doc, passages, bool(previous)))
    progress.finish()
    progress.start("embed", sum(len(passages) for _, passages, _ in split_docs), "passages")
    updates: list[DocumentUpdate] = []
    for doc, passages, replaces in split_docs:
        updates.append(embed_update(doc, passages, embedder, progress))
        (report.updated if replaces else report.added).append(doc.source)
        report.passages += len(passages)
    progress.finish()
    progress.start("write", None, "documents")
    index.apply(updates, removals)
    progress.finish()
    return report


def _vanished(index: IndexBackend, folders: Sequence[Path], present: set[str]) -> list[tuple[str, str]]:
    """(doc id, source) of stored documents that were read from these folders and are gone from them."""
    sources = [default_source(folder) for folder in folders]
    out = []
    for doc_id in index.doc_ids_matching(sources=sources):
        stored = index.document(doc_id)
        if stored is not None and stored.source not in present and not Path(stored.source).exists():
            out.append((doc_id, stored.source))
    return out


def ingest_paths(index: IndexBackend, embedder: Embedder, paths: Iterable[Path], split: SplitConfig,
                 prune: bool = False, progress: Progress | None = None) -> IngestReport:
    """Ingest files and folders; unreadable files are reported by name and skipped, the rest goes on.

    With `prune`, documents once read from the given folders whose files are gone are removed too.
    """
    paths = list(paths)
    files, missing = find_files(paths)
    report = IngestReport(skipped=[(str(p), reason) for p, reason in missing])
    progress = progress or NoProgress()
    progress.start("load", len(files), "files")
    documents: list[Document] = []
    for path in files:
        try:
            documents.append(load_path(path))
        except RagError as exc:
            report.skipped.append((str(path), str(exc)))
            log.warning("skipped %s: %s", path, exc)
        progress.advance()
    progress.finish()
    removals: list[str] = []
    if prune:
        present = {doc.source for doc in documents}
        for doc_id, source in _vanished(index, [p for p in paths if p.is_dir()], present):
            removals.append(doc_id)
            report.removed.append(source)
    return index_documents(index, embedder, documents, split, report, removals, progress)

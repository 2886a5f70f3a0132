"""From files to a queryable index: load, split, embed, and publish as one generation."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .embed import Embedder
from .errors import InvalidInputError, RagError
from .index import DocumentUpdate
from .index_backend import IndexBackend
from .load import default_source, find_files, load_path
from .records import Document
from .split import SplitConfig, split_document

log = logging.getLogger(__name__)


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
    if not passages:
        return None
    vectors = embedder.encode([p.embedding_text() for p in passages])
    return DocumentUpdate(doc, passages, vectors)


def index_documents(index: IndexBackend, embedder: Embedder, documents: Sequence[Document], split: SplitConfig,
                    report: IngestReport | None = None, removals: Sequence[str] = ()) -> IngestReport:
    """Split and embed new or changed documents, then publish them with `removals` as one generation.

    Unchanged documents are skipped.
    """
    report = report or IngestReport()
    updates: list[DocumentUpdate] = []
    seen: set[str] = set()
    for doc in documents:
        if doc.id in seen:
            raise InvalidInputError(f"{doc.source} appears twice in one batch")
        seen.add(doc.id)
        previous = index.document_hash(doc.id)
        if previous == doc.content_hash:
            report.unchanged.append(doc.source)
            continue
        update = prepare_update(doc, embedder, split)
        if update is None:
            report.skipped.append((doc.source, "no text to index"))
            continue
        updates.append(update)
        (report.updated if previous else report.added).append(doc.source)
        report.passages += len(update.passages)
    index.apply(updates, removals)
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
                 prune: bool = False) -> IngestReport:
    """Ingest files and folders; unreadable files are reported by name and skipped, the rest goes on.

    With `prune`, documents once read from the given folders whose files are gone are removed too.
    """
    paths = list(paths)
    files, missing = find_files(paths)
    report = IngestReport(skipped=[(str(p), reason) for p, reason in missing])
    documents: list[Document] = []
    for path in files:
        try:
            documents.append(load_path(path))
        except RagError as exc:
            report.skipped.append((str(path), str(exc)))
            log.warning("skipped %s: %s", path, exc)
    removals: list[str] = []
    if prune:
        present = {doc.source for doc in documents}
        for doc_id, source in _vanished(index, [p for p in paths if p.is_dir()], present):
            removals.append(doc_id)
            report.removed.append(source)
    return index_documents(index, embedder, documents, split, report, removals)

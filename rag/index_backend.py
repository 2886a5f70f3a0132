"""The index contract: what retrieval, ingest, the service, the API and the CLI may ask of an index.

Two backends implement it: the local folder (rag/index.py: SQLite + FAISS + in-memory BM25) and PostgreSQL +
pgvector (rag/pg/index.py). Callers never reach into a backend's parts; `open_index` picks one from the
configuration (a `postgresql://` URL or a folder).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from .definitions import DEFINED_PER_NAME
from .records import Passage, SentenceVectors
from .store import StoredDocument

if TYPE_CHECKING:
    from .config import Settings
    from .index import DocumentUpdate

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


@dataclass(frozen=True)
class IndexState:
    """What an index holds at one generation (each published change advances the generation)."""

    generation: int
    documents: int
    passages: int
    embedder: str
    dimension: int


class IndexBackend(Protocol):
    # True when searches may read from several threads at once (each read takes a connection of its own, as
    # PostgreSQL's pool does); False makes the retriever serialize its reads (the local folder's one SQLite
    # connection and its in-memory generation swap). A backend without the attribute is taken as False.
    concurrent_reads: bool

    # -- generations ----------------------------------------------------------------------------
    def refresh(self) -> bool:
        """Follow the newest published generation; True when it changed since the last call."""

    def state(self) -> IndexState:
        """The generation being served and its size."""

    def warm_up(self) -> None:
        """Build whatever search needs in memory, so the first query runs at full speed."""

    # -- search ---------------------------------------------------------------------------------
    def dense_candidates(self, query: np.ndarray, k: int,
                         allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top `k` (passage ids, inner products) for one normalized query vector, among `allowed` ids if given."""

    def keyword_candidates(self, query: str, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top `k` (passage id, keyword score) for the query's words, best first, among `allowed` ids if given."""

    def definition_candidates(self, lookups: Sequence[Sequence[str]], allowed: np.ndarray | None = None,
                              limit: int = DEFINED_PER_NAME) -> list[int]:
        """The passages that define the code names a query gives (rag/definitions.py: per name, the terms to try in
        order, the first any passage defines wins; at most `limit` a name, the first by id), among `allowed` ids if
        given."""

    def absent_terms(self, terms: Sequence[str]) -> list[str]:
        """The words among `terms` that occur in no passage (stopwords are never absent)."""

    def passages(self, ids: Sequence[int]) -> dict[int, tuple[Passage, str, str]]:
        """Passages by id with their document's source and title; ids no longer stored are absent."""

    def passage_vectors(self, ids: Sequence[int]) -> dict[int, np.ndarray]:
        """The stored (float32) vector of each passage; ids no longer stored are absent."""

    def sentence_vectors(self, passage_ids: Sequence[int]) -> dict[int, SentenceVectors]:
        """The sentence spans and vectors stored with each passage at ingest; passages stored without are absent."""

    def passage_ids_for_documents(self, doc_ids: Sequence[str]) -> np.ndarray:
        """The ids of every passage of these documents (int64)."""

    # -- documents ------------------------------------------------------------------------------
    def documents(self, limit: int = 100, offset: int = 0) -> list[StoredDocument]: ...

    def document(self, doc_id: str) -> StoredDocument | None: ...

    def document_text(self, doc_id: str) -> str | None: ...

    def document_hash(self, doc_id: str) -> str | None: ...

    def find_by_hash(self, content_hash: str) -> str | None: ...

    def doc_ids_matching(self, doc_ids: Iterable[str] = (), sources: Iterable[str] = ()) -> list[str]:
        """The stored ids among `doc_ids`, and of documents read from each source (a file or below a folder)."""

    # -- writing and upkeep ---------------------------------------------------------------------
    def apply(self, updates: Sequence[DocumentUpdate] = (), removals: Sequence[str] = ()) -> IndexState:
        """Add/replace and remove documents atomically: all of it is published, or none."""

    def check(self) -> list[str]:
        """Consistency problems, each a sentence; empty when the index is whole."""

    def repair(self) -> list[str]:
        """Bring the index back to a consistent committed state; returns what was done."""

    def close(self) -> None: ...


def is_postgres_url(location: str | Path) -> bool:
    return str(location).startswith(POSTGRES_SCHEMES)


def open_index(settings: Settings, embedder_name: str | None, dimension: int | None,
               vector_config: object | None = None) -> IndexBackend:
    """The configured index: PostgreSQL when `settings.index_url` is set, else the local folder.

    `embedder_name=None` opens an existing index whatever its embedder (check and repair need no model);
    `dimension=None` refuses to create a new one.
    """
    if settings.index_url:
        from .pg.index import PgIndex
        from .pg.migrations import HnswParams

        return PgIndex(settings.index_url, embedder_name, dimension, read_url=settings.index_read_url or None,
                       ef_search=settings.hnsw_ef_search,
                       hnsw=HnswParams(settings.hnsw_m, settings.hnsw_ef_construction, settings.hnsw_storage))
    from .index import Index

    return Index(settings.index_dir, embedder_name, dimension, lock_timeout_s=settings.lock_timeout_s,
                 vector_config=vector_config)  # type: ignore[arg-type]

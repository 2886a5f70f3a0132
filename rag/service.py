"""The service facade: one configured pipeline (index, embedder, retriever, answerer) for CLI, API and evals."""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path

from .answer import AnswerConfig, ExtractiveAnswerer
from .answer_outline import MAX_OUTLINE_PASSAGES, OutlineQuestion, asked_outline, outline_answer
from .answer_weights import DEFAULT_WEIGHTS_FILE, weights_for
from .config import DEFAULT_ABSTAIN_THRESHOLD, Settings
from .conversation import FollowUp, Message, check_conversation, follow_up, history_for_prompt, retrieval_query
from .embed import Embedder, make_embedder
from .errors import InvalidInputError, NotFoundError
from .generate import Generation, GenerativeAnswerer, final_generation
from .index import FORMAT_VERSION, Index
from .index_backend import IndexBackend, open_index
from .ingest import IngestReport, index_documents, ingest_paths
from .progress import Progress
from .records import Answer, Document, Hit
from .retrieve import RetrievalConfig, Retriever
from .sentence_vectors import embed_passages
from .split import SplitConfig
from .store import StoredDocument
from .vectors import VectorIndexConfig, set_faiss_threads

MAX_TOP_K = 50
log = logging.getLogger(__name__)


class RagService:
    """Light to construct; `warm_up()` loads the model and opens (or creates) the index."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.embedder = embedder or make_embedder(
            settings.embedder_backend, settings.embedder_model, settings.embed_batch_size,
            threads=settings.embedder_threads or None, cache_dir=Path(settings.onnx_cache_dir) if settings.onnx_cache_dir else None)
        self.vector_config = VectorIndexConfig(settings.vector_index, settings.ivf_min_vectors, settings.ivf_nprobe)
        self.split_config = SplitConfig(settings.passage_tokens, settings.overlap_tokens,
                                        settings.passage_context, settings.passage_context_tokens)
        weights = weights_for(settings.answer_scorer, Path(settings.answer_weights or DEFAULT_WEIGHTS_FILE))
        threshold = settings.abstain_threshold
        if weights.threshold is not None and threshold == DEFAULT_ABSTAIN_THRESHOLD:
            threshold = weights.threshold  # the default is the hand weights' threshold; learned scores have their own
        self.answerer = ExtractiveAnswerer(
            AnswerConfig(threshold=threshold, max_sentences=settings.max_answer_sentences, weights=weights))
        self.generator = self._make_generator(settings)
        self._index: IndexBackend | None = None
        self._retriever: Retriever | None = None
        self._open_lock = threading.Lock()
        self._model_loaded = False

    def _make_generator(self, settings: Settings) -> GenerativeAnswerer | None:
        """An LLM answerer when `llm_base_url` is set; the LLM is contacted per question, never at start-up."""
        if not settings.llm_base_url:
            return None
        from .llm import LLMConfig, OpenAICompatibleClient

        try:
            config = LLMConfig(settings.llm_base_url, settings.llm_model, settings.llm_api_key,
                               timeout_s=settings.llm_timeout_s, retries=settings.llm_retries,
                               max_tokens=settings.llm_max_tokens)
            return GenerativeAnswerer(OpenAICompatibleClient(config), self.answerer, settings.llm_max_passages)
        except ValueError as exc:
            raise InvalidInputError(f"LLM settings: {exc}") from exc

    def warm_up(self, create: bool = True) -> None:
        with self._open_lock:
            if self._index is not None:
                return
            self.embedder.warm_up()
            self._model_loaded = True
            set_faiss_threads(self.settings.faiss_threads)
            self._index = open_index(self.settings, self.embedder.name, self.embedder.dimension if create else None,
                                     self.vector_config)
            self._retriever = Retriever(self._index, self.embedder, RetrievalConfig(
                candidates=self.settings.candidates, rerank_passages=self.settings.rerank_passages))
            # Only the local folder has formats to migrate (PostgreSQL has its own migrations: `rag db migrate`).
            if isinstance(self._index, Index) and self._index.manifest.format_version < FORMAT_VERSION \
                    and os.access(self.settings.index_dir, os.W_OK):
                self.migrate()

    def migrate(self, progress: Callable[[int], None] | None = None) -> int:
        """Bring an index of an older format up to date (its sentence vectors); returns the passages migrated."""
        index = self._index if self._index is not None else self.index
        if not isinstance(index, Index):
            return 0
        log.info("migrating the index at %s to format %d (sentence vectors)", self.settings.index_dir, FORMAT_VERSION)
        return index.migrate_sentences(lambda passages: embed_passages(self.embedder, passages)[1], progress=progress)

    def warm_up_search(self) -> None:
        """`warm_up()`, then build the keyword index too, so a server is ready only when it answers at full speed."""
        self.index.warm_up()

    @property
    def is_warm(self) -> bool:
        """The model is loaded and the index open: requests will not wait for start-up."""
        return self._index is not None

    @property
    def is_model_loaded(self) -> bool:
        """The model is loaded (the index may still be closed: its database was unreachable at start-up)."""
        return self._model_loaded

    @property
    def index(self) -> IndexBackend:
        self.warm_up()
        assert self._index is not None
        return self._index

    @property
    def retriever(self) -> Retriever:
        self.warm_up()
        assert self._retriever is not None
        return self._retriever

    def close(self) -> None:
        if self._index is not None:
            self._index.close()

    # -- writing --------------------------------------------------------------------------------
    def ingest_paths(self, paths: Sequence[Path], prune: bool = False, progress: Progress | None = None) -> IngestReport:
        return ingest_paths(self.index, self.embedder, paths, self.split_config, prune, progress)

    def ingest_documents(self, documents: Sequence[Document]) -> IngestReport:
        return index_documents(self.index, self.embedder, documents, self.split_config)

    def remove(self, doc_id: str) -> None:
        if self.index.document(doc_id) is None:
            raise NotFoundError(f"no document with id {doc_id!r}")
        self.index.apply(removals=[doc_id])

    # -- documents ------------------------------------------------------------------------------
    def documents(self, limit: int = 100, offset: int = 0) -> tuple[list[StoredDocument], int]:
        """A page of the stored documents, oldest first, and how many there are in all."""
        self.index.refresh()  # the count follows writes by other processes, as the page does
        return self.index.documents(limit, offset), self.index.state().documents

    def document(self, doc_id: str) -> tuple[StoredDocument, str]:
        """A document's metadata and its canonical text (the text every citation offset refers to)."""
        info, text = self.index.document(doc_id), self.index.document_text(doc_id)
        if info is None or text is None:
            raise NotFoundError(f"no document with id {doc_id!r}")
        return info, text

    def document_with_hash(self, content_hash: str) -> StoredDocument | None:
        found = self.index.find_by_hash(content_hash)
        return self.index.document(found) if found else None

    # -- reading --------------------------------------------------------------------------------
    def _check_question(self, text: str, top_k: int) -> str:
        text = (text or "").strip()
        if not text:
            raise InvalidInputError("the question is empty")
        if len(text) > self.settings.max_question_chars:
            raise InvalidInputError(
                f"the question is {len(text)} characters long; the limit is {self.settings.max_question_chars}")
        if not 1 <= top_k <= MAX_TOP_K:
            raise InvalidInputError(f"top_k must be between 1 and {MAX_TOP_K}, got {top_k}")
        return text

    def _check_filter(self, doc_ids: Sequence[str] | None) -> list[str] | None:
        if doc_ids is None:
            return None
        known = set(self.index.doc_ids_matching(doc_ids))
        unknown = [d for d in doc_ids if d not in known]
        if unknown:
            raise NotFoundError(f"unknown document id(s): {', '.join(unknown)}")
        return list(doc_ids)

    def search(self, query: str, top_k: int | None = None, doc_ids: Sequence[str] | None = None,
               timings: dict[str, float] | None = None) -> list[Hit]:
        started = time.perf_counter()
        timings = {} if timings is None else timings
        top_k = self.settings.top_k if top_k is None else top_k
        query = self._check_question(query, top_k)
        hits = self.retriever.search(query, top_k, self._check_filter(doc_ids), timings)
        # The wall time: on PostgreSQL the dense and keyword stages overlap, so their sum would overstate it.
        timings["total"] = (time.perf_counter() - started) * 1000
        return hits

    def ask(self, question: str, top_k: int | None = None, doc_ids: Sequence[str] | None = None) -> Answer:
        started = time.perf_counter()
        timings: dict[str, float] = {}
        top_k = self.settings.top_k if top_k is None else top_k
        question = self._check_question(question, top_k)
        hits = self._read(question, top_k, self._check_filter(doc_ids), timings)
        answer = self._answer_extractive(question, hits, timings)
        timings["total"] = (time.perf_counter() - started) * 1000
        answer.timings_ms = timings
        return answer

    def _read(self, query: str, top_k: int, doc_ids: Sequence[str] | None, timings: dict[str, float]) -> list[Hit]:
        """The passages an extractive answer reads (best first), for /v1/ask and chat alike: every passage whose
        sentences were scored, not only the top_k shown, since a passage ranked sixth may hold the one sentence
        that answers (sentence vectors make reading it free)."""
        return self.retriever.search(query, max(top_k, self.settings.rerank_passages), doc_ids, timings)

    def _answer_extractive(self, query: str, hits: Sequence[Hit], timings: dict[str, float],
                           thread: FollowUp | None = None) -> Answer:
        t = time.perf_counter()
        asked, said = (thread.asked, thread.answered) if thread else ("", "")
        outline = asked_outline(query) if hits else None
        answer = self._outline_answer(query, outline, hits[0]) if outline else None
        if answer is None:
            answer = self.answerer.answer(query, hits, self.retriever.absent_terms(query), asked, said)
        timings["answer"] = (time.perf_counter() - t) * 1000
        return answer

    def _outline_answer(self, query: str, asked: OutlineQuestion, best: Hit) -> Answer | None:
        """ "What was the second topic?", "How many topics ...?": read from the outline of the best passage's
        document (all its passages' section paths), when it has one."""
        ids = self.index.passage_ids_for_documents([best.passage.doc_id])
        if len(ids) > MAX_OUTLINE_PASSAGES:
            return None
        passages = [passage for passage, _, _ in self.index.passages([int(i) for i in ids]).values()]
        return outline_answer(query, asked, passages, best.source, best.title)

    # -- chat -----------------------------------------------------------------------------------
    def retrieve_for_chat(self, messages: Sequence[Message], top_k: int | None = None,
                          doc_ids: Sequence[str] | None = None,
                          timings: dict[str, float] | None = None) -> tuple[str, list[Hit]]:
        """The query the conversation stands for (see rag.conversation) and the hits it finds: the passages an
        extractive answer reads, as `ask` reads them (more than top_k; the first top_k are the ones shown)."""
        check_conversation(messages)
        top_k = self.settings.top_k if top_k is None else top_k
        self._check_question(messages[-1].content, top_k)
        query = retrieval_query(messages)
        return query, self._read(query, top_k, self._check_filter(doc_ids), {} if timings is None else timings)

    async def chat_stream(self, messages: Sequence[Message], top_k: int | None = None,
                          doc_ids: Sequence[str] | None = None,
                          use_llm: bool = True) -> AsyncIterator[str | Generation]:
        """Answers the last user message in the context of the conversation: text pieces, then one Generation.

        With an LLM configured (and `use_llm`), the LLM writes the answer; otherwise it is extractive.
        Retrieval runs in a worker thread so the event loop keeps serving other streams.
        """
        started = time.perf_counter()
        timings: dict[str, float] = {}
        query, read = await asyncio.to_thread(self.retrieve_for_chat, messages, top_k, doc_ids, timings)
        hits = read[: self.settings.top_k if top_k is None else top_k]  # shown, and what an LLM is given
        question = messages[-1].content.strip()
        # Retrieval searched the whole thread; the answer is to the last message itself, read with the questions it
        # leans on and without repeating the answer it follows.
        thread = follow_up(messages)
        if self.generator is None or not use_llm:
            asked = question if thread.asked else query
            answer = await asyncio.to_thread(self._answer_extractive, asked, read, timings, thread)
            answer.question = question
            yield answer.text
            result = Generation(answer, "extractive", passages=list(hits))
        else:
            result = None
            async for event in self.generator.stream(question, hits, history_for_prompt(messages), query, thread):
                if isinstance(event, Generation):
                    result = event
                else:
                    if "first_token" not in timings:
                        timings["first_token"] = (time.perf_counter() - started) * 1000
                    yield event
            assert result is not None
        timings["total"] = (time.perf_counter() - started) * 1000
        result.answer.timings_ms = timings
        yield result

    async def chat(self, messages: Sequence[Message], top_k: int | None = None,
                   doc_ids: Sequence[str] | None = None, use_llm: bool = True) -> Generation:
        return await final_generation(self.chat_stream(messages, top_k, doc_ids, use_llm))

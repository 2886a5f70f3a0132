"""Runs a question set against the service (in-process or over HTTP) and scores every question."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rag.errors import InvalidInputError, RagError

from . import metrics as m
from .backends import Backend, EvalAbortedError, HttpBackend, InProcessBackend, QuestionError
from .formats import EvalItem, QuestionSet, read_question_set
from .question_types import question_type
from .scoring import aggregate, answer_length, by_type, check_spans, failed_checks, score_answer, score_retrieval

ROOT = Path(__file__).resolve().parents[1]
Progress = Callable[[int, int], None]


@dataclass
class EvalConfig:
    questions: Path
    format: str = "auto"
    index: Path | None = None
    url: str | None = None
    api_key: str | None = None
    concurrency: int | None = None
    split: str | None = None
    allow_malformed: bool = False
    timeout_s: float = 60.0


@dataclass
class EvalRun:
    """Everything a report needs: the metrics overall, per split and per question type, the answer lengths,
    each question's record, and identity."""

    config: dict[str, Any]
    identity: dict[str, Any]
    metrics: dict[str, Any]
    by_split: dict[str, dict[str, Any]]
    by_type: dict[str, dict[str, Any]]
    answer_length: dict[str, Any]
    records: list[dict[str, Any]]
    span_check: dict[str, Any]
    question_set: dict[str, Any]
    diagnostics: dict[str, Any] = field(default_factory=dict)


def evaluate_item(item: EvalItem, backend: Backend, corpus_ids: dict[str, str], retrieval_only: bool) -> dict:
    """One question: search for retrieval figures, then ask for answer figures; a failure is recorded."""
    record: dict[str, Any] = {
        "id": item.id, "question": item.question, "question_type": question_type(item.question),
        "split": item.split, "answerable": item.answerable,
        "answers": list(item.answers), "evidence": list(item.evidence),
    }
    if item.qrels:
        record["qrels"] = item.qrels
    try:
        # /ask first, so its latency is not flattered by caches that /search would have warmed.
        if not retrieval_only:
            t1 = time.perf_counter()
            answer = backend.ask(item.question, item.doc_ids)
            record["ask_ms"] = (time.perf_counter() - t1) * 1000
            record["answer"] = answer.get("answer", "")
            record["confidence"] = answer.get("confidence")
            record["mode"] = answer.get("mode")
            record["timings_ms"] = answer.get("timings_ms", {})
            record.update(score_answer(item, answer))
        t0 = time.perf_counter()
        hits, _ = backend.search(item.question, item.doc_ids)
        record["search_ms"] = (time.perf_counter() - t0) * 1000
        record["retrieved"] = [
            {"rank": rank, "doc_id": h["doc_id"], "start": h["start"], "end": h["end"], "score": h["score"]}
            for rank, h in enumerate(hits, start=1)
        ]
        record["retrieval"] = score_retrieval(item, hits, corpus_ids)
    except EvalAbortedError:
        raise
    except (QuestionError, RagError) as exc:
        # Scored as a failure on everything it would have been scored on, never left out.
        record["error"] = str(exc)
        record["retrieval"] = score_retrieval(item, [], corpus_ids)
        if not retrieval_only:
            record["answer"] = ""
            record.update(score_answer(item, {"abstained": False, "answer": "", "citations": []}))
    return record


def run_items(items: list[EvalItem], backend: Backend, corpus_ids: dict[str, str], retrieval_only: bool,
              concurrency: int = 1, progress: Progress | None = None) -> list[dict]:
    """All questions, in order; up to `concurrency` at once (for HTTP)."""
    records: list[dict | None] = [None] * len(items)
    done = 0

    def one(index: int) -> None:
        records[index] = evaluate_item(items[index], backend, corpus_ids, retrieval_only)

    if concurrency <= 1:
        for i in range(len(items)):
            one(i)
            done += 1
            if progress:
                progress(done, len(items))
    else:
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            for future in [pool.submit(one, i) for i in range(len(items))]:
                future.result()
                done += 1
                if progress:
                    progress(done, len(items))
    return [r for r in records if r is not None]


def _warm_up(backend: Backend) -> None:
    """One untimed search, so the first question's latency does not include lazy start-up work."""
    try:
        backend.search("warm up", None)
    except EvalAbortedError:
        raise
    except (QuestionError, RagError):
        pass  # the questions themselves will record the failure


def git_identity() -> dict[str, Any]:
    def git(*args: str) -> str | None:
        try:
            result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return None
        return result.stdout.strip() if result.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status) if status is not None else None}


def unreachable_evidence(items: list[EvalItem], passage_texts: list[str]) -> list[str]:
    """Ids of questions with an evidence phrase that no single passage of the index contains."""
    normalized = [m.normalize_phrase(t) for t in passage_texts]
    out = []
    for item in items:
        for phrase in item.evidence:
            needle = m.normalize_phrase(phrase)
            if needle and not any(needle in text for text in normalized):
                out.append(item.id)
                break
    return out


def evaluate(config: EvalConfig, progress: Progress | None = None, embedder: Any = None) -> EvalRun:
    """Read the set, open (or build) what it runs against, ask every question, and score the run."""
    qset = read_question_set(config.questions, config.format, config.allow_malformed).only_split(config.split)
    if config.url and config.index:
        raise InvalidInputError("give --index or --url, not both")
    if config.concurrency is not None and config.concurrency < 1:
        raise InvalidInputError(f"--concurrency must be at least 1, got {config.concurrency}")
    if config.concurrency is not None and config.concurrency > 1 and not config.url:
        raise InvalidInputError("--concurrency applies to --url runs; in-process runs ask one question at a time")
    if qset.documents and config.url:
        raise InvalidInputError(f"a {qset.format} set carries its own corpus, which is ingested into a fresh "
                                "local index: run it without --url")
    concurrency = config.concurrency or (4 if config.url else 1)
    started = datetime.now(UTC)
    diagnostics: dict[str, Any] = {}
    with ExitStack() as stack:
        backend: Backend
        if config.url:
            http = HttpBackend(config.url, config.api_key, config.timeout_s)
            stack.callback(http.close)
            http.check_reachable()
            backend = http
        else:
            service = _open_service(config, qset, stack, embedder, diagnostics)
            backend = InProcessBackend(service)
            diagnostics["unreachable_evidence"] = unreachable_evidence(qset.items, backend.all_passage_texts())
        _warm_up(backend)
        t0 = time.perf_counter()
        records = run_items(qset.items, backend, qset.corpus_ids, qset.retrieval_only, concurrency, progress)
        span_check = {"status": "not applicable (retrieval only)"}
        if not qset.retrieval_only:
            span_check = check_spans(records, backend.document_text)
        wall_s = time.perf_counter() - t0
        identity = {**backend.describe(), **git_identity()}

    for record in records:
        record["failed"] = failed_checks(record)
    status = span_check["status"]
    by_split = {split: aggregate([r for r in records if r["split"] == split], status)
                for split in sorted({r["split"] for r in records if r["split"]})}
    return EvalRun(
        config={
            "questions": str(config.questions), "format": qset.format, "split": config.split,
            "index": str(config.index) if config.index else None, "url": config.url,
            "api_key": "(given)" if config.api_key else None,
            "concurrency": concurrency,
            "started": started.isoformat(timespec="seconds"), "wall_s": round(wall_s, 3),
        },
        identity=identity,
        metrics=aggregate(records, status),
        by_split=by_split,
        by_type=by_type(records),
        answer_length=answer_length(records),
        records=records,
        span_check=span_check,
        question_set={"format": qset.format, "path": str(qset.path), "items": len(qset.items),
                      "retrieval_only": qset.retrieval_only, "malformed": qset.problems, "notes": qset.notes,
                      "documents": len(qset.documents)},
        diagnostics=diagnostics,
    )


def _open_service(config: EvalConfig, qset: QuestionSet, stack: ExitStack, embedder: Any,
                  diagnostics: dict[str, Any]) -> Any:
    from rag.config import Settings
    from rag.service import RagService

    if not qset.documents:
        service = RagService(Settings.from_env(index_dir=config.index), embedder=embedder)
        service.warm_up(create=False)
        stack.callback(service.close)
        if service.index.state().documents == 0:
            raise InvalidInputError(f"the index at {service.settings.index_dir} is empty: run `rag ingest` first")
        return service
    # BEIR / SQuAD: the set's own corpus goes into a fresh index (kept only when --index names one).
    if config.index is not None:
        if config.index.exists() and any(config.index.iterdir()):
            raise InvalidInputError(f"{config.index} is not empty; a {qset.format} set is ingested into a "
                                    "fresh index: name an empty or new folder, or leave --index out")
        directory = config.index
    else:
        directory = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="rag-eval-"))) / "index"
    os.makedirs(directory, exist_ok=True)
    service = RagService(Settings.from_env(index_dir=directory), embedder=embedder)
    service.warm_up()
    stack.callback(service.close)
    report = service.ingest_documents(qset.documents)
    diagnostics["ingest"] = {"documents": len(report.added) + len(report.updated), "passages": report.passages,
                             "skipped": report.skipped}
    return service

"""End-to-end eval runs over the seed index: in-process and over HTTP agree; wrong labels score near zero."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest

from evals.backends import EvalAbortedError, HttpBackend
from evals.formats import read_question_set
from evals.question_types import QUESTION_TYPES, question_type
from evals.report import write_reports
from evals.runner import EvalConfig, evaluate
from evals.scoring import QUALITY_METRICS

ROOT = Path(__file__).resolve().parents[2]
SEEDS_SET = ROOT / "evals" / "questions" / "seeds.jsonl"


@pytest.fixture(scope="module")
def in_process_run(seed_index_dir: Path, embedder):
    return evaluate(EvalConfig(questions=SEEDS_SET, index=seed_index_dir), embedder=embedder)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served_seed_index(seed_service):
    """`rag serve` over the seed index, in this process on a free loopback port."""
    import uvicorn

    from api.app import create_app

    app = create_app(seed_service.settings, seed_service)
    if not any(getattr(r, "path", "") == "/v1/documents/{doc_id}" for r in app.routes):
        # The documents API (issue 3) is not on this branch yet: serve its documented contract for the test.
        @app.get("/v1/documents/{doc_id}")
        def document(doc_id: str) -> dict:
            text = seed_service.index.store.document_text(doc_id)
            if text is None:
                from fastapi import HTTPException

                raise HTTPException(404, "no such document")
            return {"id": doc_id, "text": text}

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_seed_run_in_process_scores_the_system_honestly(in_process_run):
    metrics = in_process_run.metrics
    assert metrics["counts"] == {"questions": 51, "judged_for_retrieval": 39, "asked": 51, "answerable": 39,
                                 "unanswerable": 12, "citations": metrics["counts"]["citations"], "errors": 0}
    # The seed corpus is one short document: retrieval should nearly always find the evidence.
    assert metrics["hit@10"] >= 0.9
    assert metrics["answer_accuracy"] > 0.5
    assert metrics["span_validity"] == 1.0
    assert in_process_run.span_check["status"] == "checked"
    assert in_process_run.diagnostics["unreachable_evidence"] == []
    assert set(in_process_run.by_split) == {"calibrate", "heldout"}
    assert in_process_run.identity["index_manifest"]["documents"] == 1
    assert "api_keys" not in in_process_run.identity["settings"]
    for stage in ("embed_query", "dense_search", "keyword_search", "answer", "total"):
        assert in_process_run.metrics["latency_ms"]["ask_stages"][stage]["n"] == 51


def test_seed_run_reports_accuracy_by_question_type_and_answer_lengths(in_process_run):
    records = in_process_run.records
    assert all(r["question_type"] == question_type(r["question"]) for r in records)
    by_type = in_process_run.by_type
    assert set(by_type) <= set(QUESTION_TYPES) and {"who", "when", "how long", "which", "why"} <= set(by_type)
    assert sum(row["questions"] for row in by_type.values()) == 51
    assert sum(row["answerable"] for row in by_type.values()) == 39
    for qtype, row in by_type.items():
        answerable = [r for r in records if r["question_type"] == qtype and r["answerable"]]
        if answerable:
            correct = sum(r["answer_accuracy"] for r in answerable)
            assert row["answer_accuracy"] == pytest.approx(correct / len(answerable)), qtype
    for r in records:
        if r["abstained"]:
            assert r["answer_chars"] == 0 and r["answer_sentences"] == 0
        else:
            assert 0 < r["answer_chars"] <= len(r["answer"])
            # The extractive answerer marks each quoted sentence with its citation's number.
            assert r["answer_sentences"] == len(set(re.findall(r"\[(\d+)\]", r["answer"]))) >= 1
    length = in_process_run.answer_length
    answered = [r for r in records if not r["abstained"]]
    assert length["answered"] == len(answered) > 0
    assert sum(length["histogram"].values()) == len(answered)
    assert length["max_chars"] == max(r["answer_chars"] for r in answered)
    assert length["p50_chars"] <= length["p90_chars"] <= length["max_chars"]
    assert 0.0 <= length["at_most_one_sentence"] <= 1.0
    # The short answer is the phrase the answer text leads with, and it is scored against the accepted answers.
    short = [r for r in answered if r["short_answer"]]
    assert short and length["with_short_answer"] == pytest.approx(len(short) / len(answered))
    for r in short:
        assert r["answer"].startswith(f"{r['short_answer']} — ") or r["answer"].startswith(r["short_answer"])
    scored = [r for r in short if r["answerable"]]
    assert in_process_run.metrics["short_answer_accuracy"] == pytest.approx(
        sum(r["short_answer_accuracy"] for r in scored) / len(scored))


def test_http_run_gives_the_same_metrics_as_in_process(in_process_run, served_seed_index):
    over_http = evaluate(EvalConfig(questions=SEEDS_SET, url=served_seed_index, concurrency=3))
    assert over_http.identity["mode"] == "http"
    assert over_http.span_check["status"] == "checked"
    for name in QUALITY_METRICS:
        assert over_http.metrics[name] == pytest.approx(in_process_run.metrics[name], abs=1e-9), name
    assert [r["id"] for r in over_http.records] == [r["id"] for r in in_process_run.records]
    assert [r["failed"] for r in over_http.records] == [r["failed"] for r in in_process_run.records]
    assert over_http.by_type == in_process_run.by_type
    assert over_http.answer_length == in_process_run.answer_length


def test_span_validity_is_unavailable_when_the_server_has_no_documents_api(in_process_run):
    routes = {("POST", "/v1/ask"): [r for r in in_process_run.records if r["id"] == "seeds-001"][0]}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/search":
            return httpx.Response(200, json={"query": "q", "hits": [], "timings_ms": {}})
        if request.url.path == "/v1/ask":
            record = routes[("POST", "/v1/ask")]
            return httpx.Response(200, json={"answer": record["answer"], "abstained": False, "citations": [
                {**c, "number": 1, "source": "s", "title": "t", "score": 1.0} for c in record["citations"]]})
        return httpx.Response(404, json={"error": {"message": "Not Found"}})

    from evals.runner import run_items
    from evals.scoring import aggregate, check_spans

    backend = HttpBackend("http://test", transport=httpx.MockTransport(handler))
    items = read_question_set(SEEDS_SET).items[:2]
    records = run_items(items, backend, {}, retrieval_only=False)
    status = check_spans(records, backend.document_text)
    assert status["status"] == "unavailable"
    assert aggregate(records, status["status"])["span_validity"] is None


def test_a_refused_api_key_aborts_the_run():
    backend = HttpBackend("http://test", api_key="wrong", transport=httpx.MockTransport(
        lambda request: httpx.Response(401, json={"error": {"message": "invalid API key"}})))
    with pytest.raises(EvalAbortedError, match="401: invalid API key"):
        backend.ask("Who?", None)


def test_server_errors_are_recorded_per_question_and_scored_as_failures():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500, json={"error": {"message": "boom"}})

    from evals.runner import run_items
    from evals.scoring import aggregate

    backend = HttpBackend("http://test", transport=httpx.MockTransport(handler))
    items = read_question_set(SEEDS_SET).items[:3]  # two answerable, one unanswerable
    records = run_items(items, backend, {}, retrieval_only=False)
    assert all("answered 500: boom" in r["error"] for r in records)
    out = aggregate(records)
    assert out["counts"]["errors"] == 3
    assert out["hit@10"] == 0.0 and out["answer_accuracy"] == 0.0 and out["abstention_recall"] == 0.0


def test_a_set_with_deliberately_wrong_answers_scores_near_zero(tmp_path: Path, seed_index_dir: Path, embedder):
    wrong = tmp_path / "wrong.jsonl"
    with wrong.open("w") as fh:
        for line in SEEDS_SET.read_text().splitlines():
            item = json.loads(line)
            if item["answers"]:
                item["answers"] = ["Napoleon Bonaparte", "purple elephants"]
                item["evidence"] = ["the moon is made of green cheese"]
            fh.write(json.dumps(item) + "\n")
    run = evaluate(EvalConfig(questions=wrong, index=seed_index_dir), embedder=embedder)
    metrics = run.metrics
    assert metrics["answer_accuracy"] == 0.0
    assert metrics["exact_match"] == 0.0
    assert metrics["token_f1"] < 0.05
    assert metrics["hit@10"] == 0.0 and metrics["ndcg@10"] == 0.0
    assert metrics["citation_precision"] == 0.0 and metrics["citation_recall"] == 0.0
    assert run.diagnostics["unreachable_evidence"]  # the wrong evidence is in no passage


def test_reports_and_plots_are_written(in_process_run, tmp_path: Path):
    written = write_reports(in_process_run, tmp_path / "run")
    names = {p.name for p in written}
    assert names == {"report.json", "questions.jsonl", "report.md", "metrics.png", "latency.png"}
    report = json.loads((tmp_path / "run" / "report.json").read_text())
    assert report["metrics"]["answer_accuracy"] == in_process_run.metrics["answer_accuracy"]
    assert report["identity"]["commit"]
    assert report["by_type"] == in_process_run.by_type and report["answer_length"] == in_process_run.answer_length
    lines = (tmp_path / "run" / "questions.jsonl").read_text().splitlines()
    assert len(lines) == 51
    first = json.loads(lines[0])
    assert {"answer", "citations", "failed", "retrieval", "question_type", "answer_chars",
            "answer_sentences"} <= set(first)
    markdown = (tmp_path / "run" / "report.md").read_text()
    assert "| answer_accuracy |" in markdown and "## Worst questions" in markdown
    who = in_process_run.by_type["who"]
    assert "## By question type" in markdown
    assert f"| who | {who['questions']} | {who['answerable']} | {who['answer_accuracy']:.3f} |" in markdown
    length = in_process_run.answer_length
    assert "## Answer length" in markdown and f"p50 {length['p50_chars']}, p90 {length['p90_chars']}" in markdown
    assert f"| <=50 | {length['histogram']['<=50']} |" in markdown
    for png in ("metrics.png", "latency.png"):
        assert (tmp_path / "run" / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_beir_set_is_ingested_into_a_fresh_index_and_scored(embedder, tmp_path: Path):
    run = evaluate(EvalConfig(questions=ROOT / "evals" / "questions" / "beir-seeds", index=tmp_path / "beir-index"),
                   embedder=embedder)
    assert run.question_set["retrieval_only"]
    assert run.diagnostics["ingest"]["documents"] == 8
    metrics = run.metrics
    assert metrics["counts"]["judged_for_retrieval"] == 12
    assert metrics["answer_accuracy"] is None and metrics["abstention_recall"] is None
    assert run.answer_length["answered"] == 0 and run.answer_length["p50_chars"] is None
    assert sum(row["questions"] for row in run.by_type.values()) == 12
    assert metrics["hit@10"] == 1.0  # 8 documents, 10 retrieved: every relevant one is in the list
    assert 0.5 < metrics["ndcg@10"] <= 1.0
    assert metrics["hit@1"] >= 0.5
    with pytest.raises(Exception, match="not empty"):
        evaluate(EvalConfig(questions=ROOT / "evals" / "questions" / "beir-seeds", index=tmp_path / "beir-index"),
                 embedder=embedder)


def test_squad_set_runs_with_answers_and_abstention(embedder):
    run = evaluate(EvalConfig(questions=ROOT / "evals" / "questions" / "squad-seeds.json"), embedder=embedder)
    metrics = run.metrics
    assert metrics["counts"]["answerable"] == 6 and metrics["counts"]["unanswerable"] == 3
    assert metrics["hit@5"] >= 0.8
    assert metrics["answer_accuracy"] is not None and metrics["span_validity"] == 1.0

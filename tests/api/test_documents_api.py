"""The documents API: upload (file and JSON), list, read, delete, duplicates, and the doc_ids filters."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app

HARBOUR = ("Harbour report\n\nThe harbour of Valdport reopened on 3 May after six weeks of repairs to the "
           "northern breakwater. Ferries to the islands resumed the next morning.\n")
SEED_QUESTION = "How long did the ministers meet?"


@pytest.fixture
def client(make_service, seed_index_dir) -> Iterator[TestClient]:
    service = make_service(copy_seed_from=seed_index_dir)
    with TestClient(create_app(service=service)) as test_client:
        yield test_client


def seed_id(client: TestClient) -> str:
    (doc,) = client.get("/v1/documents").json()["documents"]
    return doc["id"]


def test_json_text_is_answerable_as_soon_as_the_upload_returns(client):
    created = client.post("/v1/documents", json={"title": "Harbour report", "text": HARBOUR})
    assert created.status_code == 201, created.text
    doc = created.json()
    assert doc["status"] == "created"
    assert doc["source"] == "uploads/Harbour report.txt"
    assert doc["title"] == "Harbour report"
    assert doc["chars"] == len(HARBOUR) and doc["passages"] >= 1

    answer = client.post("/v1/ask", json={"question": "When did the harbour of Valdport reopen?"}).json()
    assert not answer["abstained"]
    assert "3 May" in answer["answer"]
    assert answer["citations"] and answer["citations"][0]["doc_id"] == doc["id"]
    text = client.get(f"/v1/documents/{doc['id']}").json()["text"]
    assert text == HARBOUR
    for citation in answer["citations"]:
        assert text[citation["start"]:citation["end"]] == citation["text"]


def test_multipart_file_upload_with_title_and_markdown_reader(client):
    data = b"# Field notes\n\nThe owls of Kestrel Wood nest in hollow oaks and hunt at dusk.\n"
    created = client.post("/v1/documents", files={"file": ("notes.md", data, "text/markdown")},
                          data={"title": "Owl notes"})
    assert created.status_code == 201, created.text
    doc = created.json()
    assert (doc["source"], doc["title"], doc["media_type"]) == ("uploads/notes.md", "Owl notes", "text/markdown")
    hits = client.post("/v1/search", json={"query": "where do owls nest", "top_k": 1}).json()["hits"]
    assert hits[0]["doc_id"] == doc["id"]


def test_the_document_read_back_carries_its_canonical_text_for_citations(client):
    answer = client.post("/v1/ask", json={"question": SEED_QUESTION}).json()
    citation = answer["citations"][0]
    doc = client.get(f"/v1/documents/{citation['doc_id']}").json()
    assert doc["text"][citation["start"]:citation["end"]] == citation["text"]
    assert "approximately 50 minutes" in citation["text"]
    assert doc["chars"] == len(doc["text"])


def test_identical_bytes_are_one_document_and_come_back_as_a_duplicate(client):
    first = client.post("/v1/documents", json={"title": "Harbour report", "text": HARBOUR}).json()
    again = client.post("/v1/documents", files={"file": ("other-name.txt", HARBOUR.encode())})
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate" and again.json()["id"] == first["id"]
    assert client.get("/v1/documents").json()["total"] == 2


def test_a_taken_file_name_with_other_content_is_a_conflict_unless_replace(client):
    first = client.post("/v1/documents", files={"file": ("report.txt", HARBOUR.encode())}).json()
    changed = HARBOUR.replace("3 May", "9 June")
    conflict = client.post("/v1/documents", files={"file": ("report.txt", changed.encode())})
    assert conflict.status_code == 409
    assert conflict.json()["document"]["id"] == first["id"]
    assert "replace=true" in conflict.json()["error"]["message"]
    assert client.get(f"/v1/documents/{first['id']}").json()["text"] == HARBOUR

    replaced = client.post("/v1/documents?replace=true", files={"file": ("report.txt", changed.encode())})
    assert replaced.status_code == 200 and replaced.json()["status"] == "replaced"
    assert replaced.json()["id"] == first["id"]
    assert client.get(f"/v1/documents/{first['id']}").json()["text"] == changed
    answer = client.post("/v1/ask", json={"question": "When did the harbour of Valdport reopen?"}).json()
    assert "9 June" in answer["answer"] and "3 May" not in answer["answer"]


def test_delete_removes_the_document_from_reads_and_answers(client):
    doc = client.post("/v1/documents", json={"title": "Harbour report", "text": HARBOUR}).json()
    assert client.delete(f"/v1/documents/{doc['id']}").status_code == 204
    assert client.get(f"/v1/documents/{doc['id']}").status_code == 404
    assert client.delete(f"/v1/documents/{doc['id']}").status_code == 404
    hits = client.post("/v1/search", json={"query": "Valdport harbour breakwater", "top_k": 10}).json()["hits"]
    assert all(h["doc_id"] != doc["id"] for h in hits)
    gone = client.post("/v1/ask", json={"question": "When did the harbour reopen?", "doc_ids": [doc["id"]]})
    assert gone.status_code == 404 and doc["id"] in gone.json()["error"]["message"]


def test_listing_is_paged_oldest_first(client):
    ids = [seed_id(client)]
    for n in range(3):
        text = f"Bulletin {n}\n\nThe depot at platform {n} stores {n + 7} crates of lamp oil.\n"
        ids.append(client.post("/v1/documents", json={"title": f"Bulletin {n}", "text": text}).json()["id"])
    first = client.get("/v1/documents", params={"limit": 2}).json()
    second = client.get("/v1/documents", params={"limit": 2, "offset": 2}).json()
    assert (first["total"], first["limit"], first["offset"]) == (4, 2, 0)
    assert [d["id"] for d in first["documents"] + second["documents"]] == ids
    assert client.get("/v1/documents", params={"limit": 0}).status_code == 422
    assert client.get("/v1/documents", params={"offset": -1}).status_code == 422
    assert client.get("/v1/documents", params={"offset": 2**63}).status_code == 422  # past what SQLite can bind


def test_search_and_ask_filtered_by_document(client):
    seed = seed_id(client)
    harbour = client.post("/v1/documents", json={"title": "Harbour report", "text": HARBOUR}).json()["id"]

    only_harbour = client.post("/v1/search", json={"query": "ministers meeting", "doc_ids": [harbour]}).json()
    assert only_harbour["hits"] and {h["doc_id"] for h in only_harbour["hits"]} == {harbour}
    only_seed = client.post("/v1/search", json={"query": "harbour repairs", "doc_ids": [seed]}).json()
    assert only_seed["hits"] and {h["doc_id"] for h in only_seed["hits"]} == {seed}

    in_seed = client.post("/v1/ask", json={"question": SEED_QUESTION, "doc_ids": [seed]}).json()
    assert not in_seed["abstained"] and "approximately 50 minutes" in in_seed["answer"]
    elsewhere = client.post("/v1/ask", json={"question": SEED_QUESTION, "doc_ids": [harbour]}).json()
    assert all(c["doc_id"] == harbour for c in elsewhere["citations"])
    assert "50 minutes" not in elsewhere["answer"]

    unknown = client.post("/v1/search", json={"query": "harbour", "doc_ids": ["no-such-doc"]})
    assert unknown.status_code == 404 and "no-such-doc" in unknown.json()["error"]["message"]


def test_json_upload_validation_errors_name_the_field(client):
    response = client.post("/v1/documents", json={"title": "empty"})
    assert response.status_code == 422
    assert "text" in response.json()["error"]["message"]
    extra = client.post("/v1/documents", json={"text": HARBOUR, "colour": "blue"})
    assert extra.status_code == 422 and "colour" in extra.json()["error"]["message"]
    broken = client.post("/v1/documents", content=b"{not json", headers={"content-type": "application/json"})
    assert broken.status_code == 422
    assert client.get("/v1/documents").json()["total"] == 1

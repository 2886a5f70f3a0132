"""Structure-aware answers over HTTP: Markdown and plain-text files uploaded, then asked through /v1/ask."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tests.rag.structure_docs import DOCUMENTS, QUESTIONS


@pytest.fixture(scope="module")
def client(embedder, tmp_path_factory) -> Iterator[TestClient]:
    from rag.config import Settings
    from rag.service import RagService

    service = RagService(Settings(index_dir=tmp_path_factory.mktemp("structure-api")), embedder=embedder)
    service.warm_up()
    with TestClient(create_app(service=service)) as test_client:
        for name, text in DOCUMENTS.items():
            kind = "text/markdown" if name.endswith(".md") else "text/plain"
            created = test_client.post("/v1/documents", files={"file": (name, text.encode(), kind)})
            assert created.status_code == 201, created.text
        yield test_client
    service.close()


# A Pandoc definition, a code-span term, a pipe table cell, a --help option, a glossary line, a list's lead-in.
@pytest.mark.parametrize(("question", "lead", "described"), [QUESTIONS[i] for i in (3, 5, 9, 12, 14, 16)])
def test_ask_leads_with_the_term_and_cites_the_description_exactly(client, question, lead, described):
    body = client.post("/v1/ask", json={"question": question}).json()
    assert body["abstained"] is False and body["answer"].startswith(lead), body["answer"]
    citation = body["citations"][0]
    assert described in citation["text"]
    text = client.get(f"/v1/documents/{citation['doc_id']}").json()["text"]
    assert all(text[c["start"] : c["end"]] == c["text"] for c in body["citations"])

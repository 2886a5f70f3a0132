"""API keys: every /v1 call needs one when keys are configured; read-only keys cannot change documents."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import KeyRing, bearer_token, check_bind
from rag.config import Settings
from rag.errors import InvalidInputError

ROOT = Path(__file__).resolve().parents[2]
FULL, READER = "full-key-0123456789", "reader-key-abcdef"
DOC = {"title": "Key test", "text": "Key test\n\nThe vault at Ormsby opens with a brass key on Tuesdays.\n"}


@pytest.fixture
def client(make_service, seed_index_dir) -> Iterator[TestClient]:
    service = make_service(copy_seed_from=seed_index_dir, api_keys=(FULL, "second-full-key"),
                           read_only_api_keys=(READER,))
    with TestClient(create_app(service=service)) as test_client:
        yield test_client


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


V1_CALLS = [
    ("GET", "/v1/documents", None),
    ("POST", "/v1/search", {"query": "ministers"}),
    ("POST", "/v1/ask", {"question": "How long did the ministers meet?"}),
    ("POST", "/v1/documents", DOC),
    ("DELETE", "/v1/documents/any-id", None),
    ("GET", "/v1/no-such-route", None),
]


@pytest.mark.parametrize(("method", "path", "body"), V1_CALLS)
def test_every_v1_call_without_a_valid_key_is_401_json(client, method, path, body):
    for headers in ({}, auth("wrong-key"), {"Authorization": FULL}, {"Authorization": f"Basic {FULL}"},
                    auth(FULL + "x"), auth(FULL[:-1])):
        response = client.request(method, path, json=body, headers=headers)
        assert response.status_code == 401, (headers, response.text)
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["error"]["type"] == "invalid_api_key"
        assert "API key" in response.json()["error"]["message"]


def test_a_full_key_can_read_and_change_documents(client):
    assert client.post("/v1/ask", json={"question": "How long did the ministers meet?"},
                       headers=auth(FULL)).status_code == 200
    created = client.post("/v1/documents", json=DOC, headers=auth("second-full-key"))
    assert created.status_code == 201
    assert client.delete(f"/v1/documents/{created.json()['id']}", headers={"authorization": f"bearer {FULL}"}
                         ).status_code == 204


def test_a_read_only_key_can_ask_and_search_but_not_change_documents(client):
    headers = auth(READER)
    answer = client.post("/v1/ask", json={"question": "How long did the ministers meet?"}, headers=headers)
    assert answer.status_code == 200 and "approximately 50 minutes" in answer.json()["answer"]
    assert client.post("/v1/search", json={"query": "ministers"}, headers=headers).status_code == 200
    listing = client.get("/v1/documents", headers=headers)
    assert listing.status_code == 200
    seed_id = listing.json()["documents"][0]["id"]
    assert client.get(f"/v1/documents/{seed_id}", headers=headers).status_code == 200

    refused = client.post("/v1/documents", json=DOC, headers=headers)
    assert refused.status_code == 403 and "read-only" in refused.json()["error"]["message"]
    assert client.delete(f"/v1/documents/{seed_id}", headers=headers).status_code == 403
    assert client.get("/v1/documents", headers=headers).json()["total"] == 1


def test_the_page_health_and_schema_stay_open(client):
    assert client.get("/").status_code == 200
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/healthz").status_code == 200
    schema = client.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["apiKey"]["scheme"] == "bearer"
    assert schema["paths"]["/v1/ask"]["post"]["security"] == [{"apiKey": []}]
    assert "security" not in schema["paths"]["/healthz"]["get"]


def test_without_keys_the_api_is_open_and_start_up_says_so(make_service, seed_index_dir, caplog):
    service = make_service(copy_seed_from=seed_index_dir)
    with caplog.at_level(logging.WARNING, logger="api.auth"), TestClient(create_app(service=service)) as client:
        assert client.post("/v1/search", json={"query": "ministers"}).status_code == 200
    assert any("OPEN" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)
    assert "securitySchemes" not in client.get("/openapi.json").json().get("components", {})


def test_a_key_listed_as_both_is_read_only():
    ring = KeyRing(full_keys=("a", "b"), read_only_keys=("b", "c"))
    assert [ring.access_of(k) for k in ("a", "b", "c", "d", "")] == ["full", "read-only", "read-only", None, None]
    assert not KeyRing((), ()).enabled


def test_bearer_token_parsing():
    assert bearer_token("Bearer abc") == "abc"
    assert bearer_token("bearer   abc  ") == "abc"
    assert bearer_token("Basic abc") is None
    assert bearer_token("Bearer ") is None
    assert bearer_token(None) is None


def test_keys_come_from_comma_separated_environment_variables():
    settings = Settings.from_env({"RAG_API_KEYS": "k1, k2,", "RAG_READ_ONLY_API_KEYS": "r1"})
    assert settings.api_keys == ("k1", "k2") and settings.read_only_api_keys == ("r1",)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_serving_keyless_on_loopback_is_allowed(host):
    check_bind(Settings(host=host), allow_open=False)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::", "example.org"])
def test_serving_keyless_beyond_loopback_needs_allow_open_or_keys(host):
    with pytest.raises(InvalidInputError, match="--allow-open"):
        check_bind(Settings(host=host), allow_open=False)
    check_bind(Settings(host=host), allow_open=True)
    check_bind(Settings(host=host, api_keys=("k",)), allow_open=False)


def test_rag_serve_refuses_an_open_public_bind(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("RAG_API_KEYS", None)
    env.pop("RAG_READ_ONLY_API_KEYS", None)
    env.pop("RAG_ALLOW_OPEN", None)
    done = subprocess.run([sys.executable, "-m", "rag.cli", "serve", "--index", str(tmp_path), "--host", "0.0.0.0"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.startswith("rag: error: refusing to serve on 0.0.0.0 without API keys")

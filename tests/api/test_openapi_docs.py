"""/openapi.json documents every endpoint: a summary, and an example for every request body and parameter."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app


@pytest.fixture(scope="module")
def schema(seed_service) -> dict:
    with TestClient(create_app(service=seed_service)) as client:
        return client.get("/openapi.json").json()


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema["components"]["schemas"][name]
    return node


def _has_example(schema: dict, holder: dict) -> bool:
    if holder.get("example") is not None or holder.get("examples"):
        return True
    inner = holder.get("schema")
    return bool(inner) and bool(_resolve(schema, inner).get("examples"))


def operations(schema: dict):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def test_the_documented_endpoints_include_the_whole_api(schema):
    documented = {name for name, _ in operations(schema)}
    assert {"GET /healthz", "POST /v1/ask", "POST /v1/search", "POST /v1/documents", "GET /v1/documents",
            "GET /v1/documents/{doc_id}", "DELETE /v1/documents/{doc_id}"} <= documented


def test_every_endpoint_has_a_summary_and_examples_for_its_inputs(schema):
    problems = []
    for name, operation in operations(schema):
        if not operation.get("summary", "").strip():
            problems.append(f"{name}: no summary")
        for media_type, content in operation.get("requestBody", {}).get("content", {}).items():
            if not _has_example(schema, content):
                problems.append(f"{name}: no example for its {media_type} body")
        for parameter in operation.get("parameters", []):
            if not _has_example(schema, parameter):
                problems.append(f"{name}: no example for parameter {parameter['name']}")
    assert problems == []


def test_the_upload_documents_both_body_kinds_with_examples(schema):
    content = schema["paths"]["/v1/documents"]["post"]["requestBody"]["content"]
    assert set(content) == {"multipart/form-data", "application/json"}
    json_example = next(iter(content["application/json"]["examples"].values()))["value"]
    assert json_example["text"] and json_example["title"]
    assert content["multipart/form-data"]["schema"]["required"] == ["file"]

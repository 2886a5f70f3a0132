"""The MCP server with the SDK's own client, over both transports: stdio (`rag mcp` in a child process) and
streamable HTTP (/mcp on a live API server, behind API keys)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import httpx
import httpx2
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

from api.app import create_app
from api.live_server import live_server

ROOT = Path(__file__).resolve().parents[2]
TOOLS = {"search", "ask", "list_documents", "read_document", "add_document", "remove_document"}
HARBOUR = ("Harbour report\n\nThe harbour of Vellmar reopened on 3 May after six weeks of repairs to the "
           "eastern breakwater.\n")
HARBOUR_QUESTION = "When did the harbour of Vellmar reopen?"
FULL_KEY, READ_KEY = "mcp-full-key", "mcp-read-key"


def structured(result) -> dict:  # noqa: ANN001 - a CallToolResult
    """The structured content of a successful call, checked against the JSON text the same call carries."""
    assert not result.is_error, result.content
    assert json.loads(result.content[0].text) == result.structured_content
    return result.structured_content


async def tool_error(client: Client, name: str, arguments: dict) -> str:
    result = await client.call_tool(name, arguments)
    assert result.is_error, f"{name}({arguments}) did not fail: {result.structured_content}"
    return result.content[0].text


async def exercise_tools(client: Client) -> None:
    """Lists the tools and calls each, good arguments and bad; the same tour over both transports."""
    tools = {t.name: t for t in (await client.list_tools()).tools}
    assert set(tools) == TOOLS
    assert all(t.output_schema for t in tools.values())
    assert tools["search"].annotations.read_only_hint and tools["remove_document"].annotations.destructive_hint

    listed = structured(await client.call_tool("list_documents", {}))
    assert listed["total"] >= 1 and all(d["passages"] > 0 for d in listed["documents"])

    answer = structured(await client.call_tool("ask", {"question": "How long did the ministers meet?"}))
    assert not answer["abstained"] and "approximately 50 minutes" in answer["answer"]
    citation = answer["citations"][0]
    whole = structured(await client.call_tool("read_document", {"doc_id": citation["doc_id"]}))
    assert (whole["start"], whole["end"]) == (0, whole["chars"]) and len(whole["text"]) == whole["chars"]
    assert whole["text"][citation["start"]:citation["end"]] == citation["text"]
    span = structured(await client.call_tool(
        "read_document", {"doc_id": citation["doc_id"], "start": citation["start"], "end": citation["end"]}))
    assert span["text"] == citation["text"]
    resource = await client.read_resource(f"rag://documents/{citation['doc_id']}")
    assert resource.contents[0].text == whole["text"]
    listed_resources = {r.uri for r in (await client.list_resources()).resources}
    assert f"rag://documents/{citation['doc_id']}" in {str(u) for u in listed_resources}

    hits = structured(await client.call_tool("search", {"query": "border demarcation", "top_k": 3}))["hits"]
    assert 1 <= len(hits) <= 3
    assert all(whole["text"][h["start"]:h["end"]] == h["text"] for h in hits if h["doc_id"] == citation["doc_id"])

    assert "empty" in await tool_error(client, "ask", {"question": "   "})
    await tool_error(client, "ask", {"question": ""})
    await tool_error(client, "ask", {"question": "What?", "top_k": 0})
    await tool_error(client, "ask", {})
    assert "unknown document" in await tool_error(client, "ask", {"question": "What?", "doc_ids": ["nope"]})
    assert "no document" in await tool_error(client, "read_document", {"doc_id": "nope"})
    assert "bad span" in await tool_error(client, "read_document", {"doc_id": citation["doc_id"], "start": 5, "end": 2})
    assert "bad span" in await tool_error(
        client, "read_document", {"doc_id": citation["doc_id"], "end": whole["chars"] + 1})
    assert "no document" in await tool_error(client, "remove_document", {"doc_id": "nope"})
    await tool_error(client, "add_document", {"text": "", "title": "Empty"})

    added = structured(await client.call_tool("add_document", {"text": HARBOUR, "title": "Harbour report"}))
    assert added["status"] == "created" and added["passages"] >= 1
    again = structured(await client.call_tool("add_document", {"text": HARBOUR, "title": "Harbour again"}))
    assert (again["status"], again["id"]) == ("duplicate", added["id"])
    answer = structured(await client.call_tool("ask", {"question": HARBOUR_QUESTION, "doc_ids": [added["id"]]}))
    assert "3 May" in answer["answer"] and answer["citations"][0]["doc_id"] == added["id"]
    assert structured(await client.call_tool("remove_document", {"doc_id": added["id"]})) == {
        "id": added["id"], "removed": True}
    assert "no document" in await tool_error(client, "read_document", {"doc_id": added["id"]})
    answer = structured(await client.call_tool("ask", {"question": HARBOUR_QUESTION}))
    assert added["id"] not in {c["doc_id"] for c in answer["citations"]}


def test_stdio_server_lists_and_calls_every_tool(seed_index_dir: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    shutil.copytree(seed_index_dir, index)
    params = StdioServerParameters(command=sys.executable, args=["-m", "rag.cli", "mcp", "--index", str(index)],
                                   env=dict(os.environ), cwd=str(ROOT))

    async def main() -> None:
        async with Client(params, read_timeout_seconds=120) as client:
            assert client.server_info.name == "rag-cited"
            await exercise_tools(client)

    anyio.run(main)


def test_rag_mcp_without_an_index_folder_creates_it_and_adds_a_document(tmp_path: Path) -> None:
    index = tmp_path / "new-index"
    params = StdioServerParameters(command=sys.executable, args=["-m", "rag.cli", "mcp", "--index", str(index)],
                                   env=dict(os.environ), cwd=str(ROOT))

    async def main() -> None:
        async with Client(params, read_timeout_seconds=120) as client:
            assert structured(await client.call_tool("list_documents", {}))["total"] == 0
            structured(await client.call_tool("add_document", {"text": HARBOUR, "title": "Harbour report"}))
            answer = structured(await client.call_tool("ask", {"question": HARBOUR_QUESTION}))
            assert "3 May" in answer["answer"]

    anyio.run(main)


@contextlib.asynccontextmanager
async def http_client(url: str, key: str | None) -> AsyncIterator[Client]:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    async with httpx2.AsyncClient(headers=headers, timeout=120) as http, \
            Client(streamable_http_client(f"{url}/mcp", http_client=http)) as client:
        yield client


@pytest.fixture
def keyed_server(make_service, seed_index_dir) -> str:
    service = make_service(copy_seed_from=seed_index_dir, api_keys=(FULL_KEY,), read_only_api_keys=(READ_KEY,))
    with live_server(create_app(service=service)) as url:
        yield url


def test_http_endpoint_lists_and_calls_every_tool_with_a_full_key(keyed_server: str) -> None:
    async def main() -> None:
        async with http_client(keyed_server, FULL_KEY) as client:
            await exercise_tools(client)

    anyio.run(main)


def test_http_tool_results_are_the_records_of_the_http_api(keyed_server: str) -> None:
    auth = {"Authorization": f"Bearer {FULL_KEY}"}
    question = {"question": "How long did the ministers meet?", "top_k": 4}

    async def main() -> tuple[dict, dict, dict]:
        async with http_client(keyed_server, FULL_KEY) as client:
            return (structured(await client.call_tool("ask", question)),
                    structured(await client.call_tool("search", {"query": question["question"], "top_k": 4})),
                    structured(await client.call_tool("list_documents", {"limit": 5})))

    ask, search, documents = anyio.run(main)
    over_http = httpx.post(f"{keyed_server}/v1/ask", json=question, headers=auth).json()
    assert {**ask, "timings_ms": None} == {**over_http, "timings_ms": None}
    over_http = httpx.post(f"{keyed_server}/v1/search", json={"query": question["question"], "top_k": 4},
                           headers=auth).json()
    assert {**search, "timings_ms": None} == {**over_http, "timings_ms": None}
    assert documents == httpx.get(f"{keyed_server}/v1/documents?limit=5", headers=auth).json()


def test_http_read_only_key_can_read_but_not_change_documents(keyed_server: str) -> None:
    async def main() -> None:
        async with http_client(keyed_server, READ_KEY) as client:
            before = structured(await client.call_tool("list_documents", {}))
            doc_id = before["documents"][0]["id"]
            assert structured(await client.call_tool("ask", {"question": "How long did the ministers meet?"}))
            for name, arguments in (("add_document", {"text": HARBOUR, "title": "Harbour"}),
                                    ("remove_document", {"doc_id": doc_id})):
                assert "read-only" in await tool_error(client, name, arguments)
            assert structured(await client.call_tool("list_documents", {})) == before

    anyio.run(main)


def test_http_endpoint_refuses_a_missing_or_wrong_key(keyed_server: str) -> None:
    initialize = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}}
    accept = {"Accept": "application/json, text/event-stream"}
    for headers in ({}, {"Authorization": "Bearer wrong-key"}):
        response = httpx.post(f"{keyed_server}/mcp", json=initialize, headers={**accept, **headers})
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        assert "API key" in response.json()["error"]["message"]
    opened = httpx.post(f"{keyed_server}/mcp", json=initialize, headers={**accept, "Authorization": f"Bearer {FULL_KEY}"})
    assert opened.status_code == 200 and opened.json()["result"]["serverInfo"]["name"] == "rag-cited"

    async def main() -> None:
        async with http_client(keyed_server, None):
            pass

    with pytest.raises(ExceptionGroup) as refused:  # the SDK reports the 401 from inside its task groups
        anyio.run(main)
    assert refused.group_contains(MCPError)


def test_without_the_mcp_package_the_api_serves_without_mcp_and_rag_mcp_says_what_to_install(
        seed_service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in sys.modules if n == "mcp" or n.startswith(("mcp.", "mcp_types"))]:
        monkeypatch.setitem(sys.modules, name, None)  # None in sys.modules: importing it raises ImportError
    monkeypatch.delitem(sys.modules, "api.mcp_server", raising=False)  # imported afresh, so it meets the missing package
    with live_server(create_app(service=seed_service)) as url:
        assert httpx.post(f"{url}/mcp", json={}).status_code == 404
        assert httpx.post(f"{url}/v1/search", json={"query": "border demarcation"}).status_code == 200

    hide = "import sys; sys.modules['mcp'] = None; from rag.cli import main; sys.exit(main(sys.argv[1:]))"
    done = subprocess.run([sys.executable, "-c", hide, "mcp", "--index", str(tmp_path / "index")],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 1
    assert done.stderr.strip() == ("rag: error: the MCP server needs the `mcp` package: "
                                   "pip install 'rag-cited[mcp]'")
    assert not (tmp_path / "index").exists()  # it stopped before loading anything

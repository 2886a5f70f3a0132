"""The MCP server with the SDK's own client over stdio (`rag mcp` in a child process)."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import anyio
from mcp import Client
from mcp.client.stdio import StdioServerParameters

ROOT = Path(__file__).resolve().parents[2]
TOOLS = {"search", "ask", "list_documents", "read_document", "add_document", "remove_document"}
HARBOUR = ("Harbour report\n\nThe harbour of Vellmar reopened on 3 May after six weeks of repairs to the "
           "eastern breakwater.\n")
HARBOUR_QUESTION = "When did the harbour of Vellmar reopen?"


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

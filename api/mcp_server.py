"""The MCP server: the service's search, ask and documents as Model Context Protocol tools and resources.

One server definition for both transports: `rag mcp` runs it over stdio, and the API serves it at /mcp
(streamable HTTP) behind the same API keys as /v1 (api/auth.py). Tool results carry the same records as the
HTTP API, as structured content and as JSON text; bad arguments come back as tool errors (`is_error`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import anyio
from pydantic import Field
from starlette.exceptions import HTTPException
from starlette.routing import Route

from rag.errors import MissingDependencyError, RagError
from rag.service import MAX_TOP_K, RagService

try:
    from mcp.server.mcpserver import Context, MCPServer
    from mcp.server.mcpserver.exceptions import ResourceError, ToolError
    from mcp.types import Resource, ToolAnnotations
except ImportError as exc:  # an optional extra: the API serves without /mcp, `rag mcp` says what to install
    raise MissingDependencyError("the MCP server needs the `mcp` package: pip install 'rag-cited[mcp]'") from exc

from .auth import READ_ONLY
from .routes.documents import MAX_OFFSET, document_info, store_upload
from .schemas import (
    AskResponse,
    DocumentExcerpt,
    DocumentPage,
    DocumentRemoved,
    DocumentUploaded,
    SearchResponse,
)
from .uploads import text_upload

DOCUMENT_URI = "rag://documents/{doc_id}"
# resources/list names documents one by one; past this many, clients page with the list_documents tool.
MAX_LISTED_RESOURCES = 500
INSTRUCTIONS = (
    "Answers questions from the user's documents with exact citations. `ask` gives an answer whose [n] markers "
    "cite quotes: each citation's text is exactly the document's canonical text[start:end]. `abstained: true` "
    "means the documents do not answer the question; say so rather than guessing. `search` ranks passages; "
    "`read_document` returns a document's canonical text or a span of it.")

Question = Annotated[str, Field(min_length=1, max_length=2000, description="A natural-language question.")]
TopK = Annotated[int | None, Field(ge=1, le=MAX_TOP_K, description="Passages to read (default 5).")]
DocIds = Annotated[list[str] | None, Field(max_length=100, description="Only these documents (ids).")]


def build_server(service: RagService) -> MCPServer:
    """An MCP server over `service`; writing tools refuse read-only API keys (HTTP), stdio has full access."""
    server = MCPServer("rag-cited", version="0.1.0", instructions=INSTRUCTIONS, log_level="WARNING")
    reading = ToolAnnotations(read_only_hint=True, open_world_hint=False)

    async def run(fn: Callable[..., Any], *args: Any) -> Any:
        """Runs blocking service work in a worker thread; the library's errors become tool errors."""
        try:
            return await anyio.to_thread.run_sync(fn, *args)
        except RagError as exc:
            raise ToolError(str(exc)) from exc
        except HTTPException as exc:  # an upload over the size limit (api/uploads.py)
            raise ToolError(str(exc.detail)) from exc

    def check_write(ctx: Context) -> None:
        request = ctx.request_context.request  # the HTTP request; None over stdio
        if request is not None and getattr(request.state, "access", None) == READ_ONLY:
            raise ToolError("this API key is read-only: it can ask and search but not change documents")

    @server.tool(annotations=reading)
    async def search(query: Question, top_k: TopK = None, doc_ids: DocIds = None) -> SearchResponse:
        """Ranked passages for a query, each with its document id and [start, end) span in the canonical text."""
        timings: dict[str, float] = {}
        hits = await run(service.search, query, top_k, doc_ids, timings)
        return SearchResponse.model_validate({"query": query, "hits": [h.as_dict() for h in hits],
                                              "timings_ms": {k: round(v, 2) for k, v in timings.items()}})

    @server.tool(annotations=reading)
    async def ask(question: Question, top_k: TopK = None, doc_ids: DocIds = None) -> AskResponse:
        """Answers from the documents with cited exact quotes, or abstains (`abstained: true`) when they do not say."""
        answer = await run(service.ask, question, top_k, doc_ids)
        return AskResponse.model_validate(answer.as_dict())

    @server.tool(annotations=reading)
    async def list_documents(
        limit: Annotated[int, Field(ge=1, le=200, description="Documents per page.")] = 20,
        offset: Annotated[int, Field(ge=0, le=MAX_OFFSET, description="Documents to skip.")] = 0,
    ) -> DocumentPage:
        """The stored documents, oldest first, a page at a time, with their passage counts."""
        documents, total = await run(service.documents, limit, offset)
        return DocumentPage.model_validate({"documents": [document_info(d) for d in documents], "total": total,
                                            "limit": limit, "offset": offset})

    @server.tool(annotations=reading)
    async def read_document(
        doc_id: Annotated[str, Field(min_length=1, description="A document id.")],
        start: Annotated[int | None, Field(ge=0, description="Span start (default 0).")] = None,
        end: Annotated[int | None, Field(ge=0, description="Span end, exclusive (default: the end).")] = None,
    ) -> DocumentExcerpt:
        """A document's canonical text (citation offsets refer to it), or the span [start, end) of it."""
        info, text = await run(service.document, doc_id)
        first = 0 if start is None else start
        last = len(text) if end is None else end
        if not first <= last <= len(text):
            raise ToolError(f"bad span [{first}, {last}): the document has {len(text)} characters "
                            "and start must not exceed end")
        return DocumentExcerpt.model_validate({**document_info(info), "start": first, "end": last,
                                               "text": text[first:last]})

    @server.tool(annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False, open_world_hint=False))
    async def add_document(
        text: Annotated[str, Field(min_length=1, description="The document's text; it becomes the canonical text.")],
        title: Annotated[str, Field(min_length=1, max_length=200, description="Shown with citations.")],
        ctx: Context,
        filename: Annotated[str | None, Field(max_length=255, description=(
            "Names the stored source (uploads/<filename>) and picks the reader by suffix (.txt, .md, .html, .csv, .tsv, .json, .jsonl); "
            "default: the title with .txt."))] = None,
    ) -> DocumentUploaded:
        """Adds a document (answerable when this returns); the same text again returns the stored one as duplicate."""
        check_write(ctx)

        def store() -> tuple[int, dict]:
            return store_upload(service, text_upload(text, title, filename, service.settings.max_upload_bytes), False)

        status, body = await run(store)
        if status == 409:
            raise ToolError(body["detail"])
        return DocumentUploaded.model_validate(body)

    @server.tool(annotations=ToolAnnotations(read_only_hint=False, destructive_hint=True, open_world_hint=False))
    async def remove_document(doc_id: Annotated[str, Field(min_length=1, description="A document id.")],
                              ctx: Context) -> DocumentRemoved:
        """Deletes a document and its passages."""
        check_write(ctx)
        await run(service.remove, doc_id)
        return DocumentRemoved(id=doc_id, removed=True)

    @server.resource(DOCUMENT_URI, name="document", mime_type="text/plain",
                     description="A document's canonical text: citation offsets refer to it.")
    async def document_text(doc_id: str) -> str:
        try:
            _, text = await anyio.to_thread.run_sync(service.document, doc_id)
        except RagError as exc:
            raise ResourceError(str(exc)) from exc
        return text

    add_document_resources(server, service)
    return server


def add_document_resources(server: MCPServer, service: RagService) -> None:
    """resources/list names each document (up to MAX_LISTED_RESOURCES), read through the DOCUMENT_URI template."""
    listed_statically = server.list_resources

    async def list_resources() -> list[Resource]:
        documents, _ = await anyio.to_thread.run_sync(service.documents, MAX_LISTED_RESOURCES, 0)
        return [*await listed_statically(), *(
            Resource(uri=DOCUMENT_URI.format(doc_id=d.id), name=d.id, title=d.title, mime_type="text/plain",
                     description=f"{d.source}: {d.chars} characters, {d.passages} passages") for d in documents)]

    # The SDK lists only resources registered up front; the documents change while it runs.
    server.list_resources = list_resources  # type: ignore[method-assign]


def http_route(server: MCPServer, path: str, host: str) -> Route:
    """The streamable-HTTP endpoint as one route for the API; run `server.session_manager.run()` in its lifespan.

    Stateless, with JSON responses: every POST stands alone, so the API's key check, work limits and timeouts
    apply to each tool call as to any /v1 request. On a loopback host the SDK also checks Host and Origin
    (DNS-rebinding protection).
    """
    app = server.streamable_http_app(streamable_http_path=path, stateless_http=True, json_response=True, host=host)
    (route,) = [r for r in app.routes if getattr(r, "path", None) == path]
    return route

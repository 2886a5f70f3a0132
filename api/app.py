"""The FastAPI application: builds the service, wires routers and error handling."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from rag.config import Settings
from rag.errors import IndexUnavailableError, MissingDependencyError
from rag.service import RagService

from . import auth
from .errors import install_error_handlers
from .operations import install_operations
from .routes import ask, chat, documents, health, models, ops, page, search

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, service: RagService | None = None) -> FastAPI:
    """An app over `service` (or one built from `settings`); the model loads at start-up, not per request."""
    settings = settings or (service.settings if service else Settings.from_env())
    service = service or RagService(settings)

    mcp_server = None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        auth.log_access(settings)
        try:
            service.warm_up_search()
            state = service.index.state()
            log.info("index %s: %d documents, %d passages", "PostgreSQL" if settings.index_url else settings.index_dir,
                     state.documents, state.passages)
        except IndexUnavailableError as exc:  # serve anyway: /readyz says 503 until the database is back
            log.error("starting without the index: %s", exc)
        async with AsyncExitStack() as stack:
            if mcp_server is not None:
                await stack.enter_async_context(mcp_server.session_manager.run())
            yield

    app = FastAPI(
        title="rag-cited",
        version="0.1.0",
        description="Answers questions from your documents with exact, verifiable citations.",
        lifespan=lifespan,
    )
    app.state.service = service
    app.state.settings = settings
    install_error_handlers(app)
    install_operations(app, settings, service)
    for router in (health.router, ops.router, ask.router, search.router, models.router, chat.router,
                   documents.router, page.router):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=page.STATIC_DIR), name="static")
    mcp_server = _mount_mcp(app, service, settings)
    auth.install(app, settings)
    return app


def _mount_mcp(app: FastAPI, service: RagService, settings: Settings):  # noqa: ANN202 - an MCPServer or None
    """The MCP endpoint at /mcp (api/mcp_server.py); without the optional `mcp` package the API serves without it."""
    try:
        from .mcp_server import build_server, http_route
    except MissingDependencyError as exc:
        log.info("no MCP endpoint: %s", exc)
        return None
    server = build_server(service)
    app.router.routes.append(http_route(server, auth.MCP_PATH, settings.host))
    return server

"""The FastAPI application: builds the service, wires routers and error handling."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from rag.config import Settings
from rag.errors import IndexUnavailableError
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
    auth.install(app, settings)
    return app

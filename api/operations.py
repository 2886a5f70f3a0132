"""Wires the operational layer into an app: backpressure, request context and metrics, CORS, and the
documented error responses. One call from create_app keeps the app factory short."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from rag.config import Settings
from rag.service import RagService

from .limits import LIMITED_PREFIX, LimitMiddleware, WorkLimiter
from .metrics import Metrics
from .middleware import RequestContextMiddleware
from .schemas import ErrorResponse


def install_operations(app: FastAPI, settings: Settings, service: RagService) -> None:
    limiter = WorkLimiter.from_settings(settings)
    app.state.limiter = limiter
    app.state.metrics = Metrics(service, limiter)
    # Added innermost first: CORS sees a request first, then the request context, then the limiter.
    app.add_middleware(LimitMiddleware, limiter=limiter, max_json_bytes=settings.max_json_bytes)
    app.add_middleware(RequestContextMiddleware, metrics=app.state.metrics)
    if settings.cors_origins:  # closed unless the operator names the origins that may call the API
        app.add_middleware(
            CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "X-API-Key", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Retry-After"])
    _document_errors(app)


def _document_errors(app: FastAPI) -> None:
    """Every /v1 operation may answer 4XX, 503 or 504 with the one error shape that api/errors.py sends."""
    build = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        error_schema = ErrorResponse.model_json_schema(ref_template="#/components/schemas/{model}")
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(error_schema.pop("$defs", {}))
        components["ErrorResponse"] = error_schema
        ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}}
        for path, operations in schema.get("paths", {}).items():
            if not path.startswith(LIMITED_PREFIX):
                continue
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                responses.pop("422", None)  # FastAPI's default shape; ours is ErrorResponse
                responses["4XX"] = {"description": "Bad request; the message says what to change.", **ref}
                responses["503"] = {"description": "Busy: retry after the Retry-After seconds.", **ref}
                responses["504"] = {"description": "The request ran out of time.", **ref}
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]

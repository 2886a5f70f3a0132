"""One place that maps the library's errors to HTTP statuses with a JSON body."""

from __future__ import annotations

import json
import logging

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from rag.errors import (
    DocumentLoadError,
    IndexBusyError,
    IndexCorruptError,
    IndexMismatchError,
    IndexUnavailableError,
    InvalidInputError,
    NotFoundError,
    RagError,
    UnsupportedFileError,
)

log = logging.getLogger(__name__)
RETRY_AFTER_S = "1"  # a busy writer or an unreachable database: both are worth a retry soon

_STATUS: list[tuple[type[RagError], int]] = [
    (UnsupportedFileError, 415),
    (DocumentLoadError, 422),
    (InvalidInputError, 422),
    (NotFoundError, 404),
    (IndexBusyError, 503),
    (IndexUnavailableError, 503),
    (IndexMismatchError, 500),
    (IndexCorruptError, 500),
]


class ErrorJSONResponse(JSONResponse):
    """ASCII-escaped JSON: an error may quote what the client sent, lone surrogates included."""

    def render(self, content: object) -> bytes:
        return json.dumps(content, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def status_for(exc: RagError) -> int:
    for cls, status in _STATUS:
        if isinstance(exc, cls):
            return status
    return 500


def error_body(message: str, kind: str, status: int) -> dict:
    """The OpenAI error shape, so chat clients show the message; `detail` for plain HTTP clients."""
    return {"error": {"message": message, "type": kind, "code": status}, "detail": message}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RagError)
    async def _rag_error(_: Request, exc: RagError) -> JSONResponse:
        status = status_for(exc)
        if status >= 500:
            log.error("request failed: %s", exc)
        headers = {"Retry-After": RETRY_AFTER_S} if status == 503 else None
        return ErrorJSONResponse(error_body(str(exc), type(exc).__name__, status), status_code=status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
            problems.append(f"{where}: {err.get('msg', 'invalid')}")
        message = "invalid request: " + "; ".join(problems)
        body = error_body(message, "invalid_request_error", 422)
        # Without `input`: echoing a large or hostile body back serves no one.
        body["errors"] = jsonable_encoder([{k: v for k, v in err.items() if k != "input"} for err in exc.errors()],
                                          custom_encoder={Exception: str})
        return ErrorJSONResponse(body, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return ErrorJSONResponse(error_body(str(exc.detail), "http_error", exc.status_code),
                            status_code=exc.status_code, headers=getattr(exc, "headers", None))

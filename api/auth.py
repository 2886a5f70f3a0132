"""API keys: who may call /v1 (any configured key) and who may change documents (a full key, not a read-only one).

Keys come from Settings.api_keys and Settings.read_only_api_keys (RAG_API_KEYS / RAG_READ_ONLY_API_KEYS,
comma-separated). With no key configured every call is allowed: the service is then meant for loopback
only, and `rag serve` refuses another host unless told the service is deliberately open.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
from typing import Any

from fastapi import HTTPException, Request

from rag.config import Settings
from rag.errors import InvalidInputError

from .errors import error_body

log = logging.getLogger(__name__)

FULL = "full"
READ_ONLY = "read-only"
PROTECTED_PREFIX = "/v1/"
MCP_PATH = "/mcp"  # the MCP endpoint (api/mcp_server.py): the same keys, and read-only keys cannot change documents


def _digest(key: str) -> bytes:
    # Hashing first makes every comparison the same length, so timing reveals neither content nor length.
    return hashlib.sha256(key.encode("utf-8")).digest()


class KeyRing:
    """The configured keys, each with its access; `access_of` compares against all of them in constant time."""

    def __init__(self, full_keys: tuple[str, ...], read_only_keys: tuple[str, ...]) -> None:
        # A key listed as read-only stays read-only even if it is also listed as a full key.
        self._keys = [(_digest(k), FULL) for k in full_keys if k not in read_only_keys]
        self._keys += [(_digest(k), READ_ONLY) for k in read_only_keys]

    @classmethod
    def from_settings(cls, settings: Settings) -> KeyRing:
        return cls(settings.api_keys, settings.read_only_api_keys)

    @property
    def enabled(self) -> bool:
        return bool(self._keys)

    def access_of(self, token: str) -> str | None:
        presented = _digest(token)
        access = None
        for digest, kind in self._keys:  # no early exit: every key is compared
            if hmac.compare_digest(presented, digest) and access is None:
                access = kind
        return access


def bearer_token(header_value: str | None) -> str | None:
    if not header_value:
        return None
    scheme, _, token = header_value.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


class ApiKeyMiddleware:
    """Pure ASGI: every /v1 and /mcp request needs a valid key when keys are configured; its access goes to
    request.state.

    A middleware rather than a per-router dependency, so a router added later cannot be left open by mistake.
    """

    def __init__(self, app: Any, keys: KeyRing) -> None:
        self.app = app
        self.keys = keys

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not self.keys.enabled or not is_protected(scope["path"]):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        token = bearer_token(headers.get(b"authorization", b"").decode("latin-1"))
        access = self.keys.access_of(token) if token else None
        if access is None:
            message = ("invalid API key" if token else
                       "missing API key: send the header 'Authorization: Bearer <key>'")
            await _send_json(send, 401, error_body(message, "invalid_api_key", 401),
                             [(b"www-authenticate", b"Bearer")])
            return
        scope.setdefault("state", {})["access"] = access
        await self.app(scope, receive, send)


def is_protected(path: str) -> bool:
    return path.startswith(PROTECTED_PREFIX) or path == MCP_PATH or path.startswith(MCP_PATH + "/")


async def _send_json(send: Any, status: int, body: dict, headers: list[tuple[bytes, bytes]]) -> None:
    payload = json.dumps(body).encode("utf-8")
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()), *headers]})
    await send({"type": "http.response.body", "body": payload})


def require_write(request: Request) -> None:
    """A dependency for routes that change documents: read-only keys get 403."""
    if getattr(request.state, "access", FULL) == READ_ONLY:
        raise HTTPException(403, "this API key is read-only: it can ask and search but not change documents")


def is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(settings: Settings, allow_open: bool) -> None:
    """Refuses to serve an open (keyless) API on a non-loopback host unless that is asked for explicitly."""
    if settings.api_keys or settings.read_only_api_keys or allow_open or is_loopback(settings.host):
        return
    raise InvalidInputError(
        f"refusing to serve on {settings.host} without API keys: anyone who can reach it could change the "
        "documents. Set RAG_API_KEYS (and optionally RAG_READ_ONLY_API_KEYS), or pass --allow-open "
        "(RAG_ALLOW_OPEN=1) if the service is meant to be open.")


def log_access(settings: Settings) -> None:
    keys = KeyRing.from_settings(settings)
    if keys.enabled:
        log.info("API keys required on /v1: %d full, %d read-only",
                 len(settings.api_keys), len(settings.read_only_api_keys))
    else:
        log.warning("no API keys configured: the API is OPEN to anyone who can reach %s:%s; "
                    "set RAG_API_KEYS to require keys", settings.host, settings.port)


def document_security(openapi: dict, keys: KeyRing) -> dict:
    """Declares bearer auth on the /v1 operations of an OpenAPI schema when keys are configured."""
    if keys.enabled:
        openapi.setdefault("components", {}).setdefault("securitySchemes", {})["apiKey"] = {
            "type": "http", "scheme": "bearer", "description": "An API key from RAG_API_KEYS or RAG_READ_ONLY_API_KEYS."}
        for path, operations in openapi.get("paths", {}).items():
            if path.startswith(PROTECTED_PREFIX):
                for operation in operations.values():
                    operation["security"] = [{"apiKey": []}]
    return openapi


def install(app: Any, settings: Settings) -> None:
    """Adds the key check to `app` and declares it in the app's OpenAPI schema."""
    keys = KeyRing.from_settings(settings)
    app.add_middleware(ApiKeyMiddleware, keys=keys)
    default_openapi = app.openapi

    def openapi() -> dict:
        return document_security(default_openapi(), keys)

    app.openapi = openapi

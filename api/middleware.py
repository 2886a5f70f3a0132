"""Per-request context: a request id (X-Request-ID honoured or generated, echoed back), one structured
access-log line, and the request's metrics, including the stage timings its JSON body reports."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .logs import request_id_var
from .metrics import Metrics

log = logging.getLogger("api.access")

_CLIENT_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_MAX_TIMINGS_BODY = 512 * 1024  # bodies read for `timings_ms`; larger ones are not parsed


def request_id_from(headers: dict[bytes, bytes]) -> str:
    """The client's X-Request-ID when it is a sane token (so logs cannot be forged), else a fresh one."""
    given = headers.get(b"x-request-id", b"").decode("latin-1")
    return given if _CLIENT_ID.match(given) else uuid.uuid4().hex


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(dict(scope.get("headers") or []))
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        state: dict = {"status": 500, "json": False, "body": bytearray(), "size": 0}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"]
                state["json"] = any(k.lower() == b"content-type" and b"json" in v for k, v in headers)
                message = {**message, "headers": [*headers, (b"x-request-id", request_id.encode())]}
            elif message["type"] == "http.response.body":
                body = message.get("body", b"")
                state["size"] += len(body)
                if state["json"] and len(state["body"]) + len(body) <= _MAX_TIMINGS_BODY:
                    state["body"] += body
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", None) or "(unmatched)"
            method = scope.get("method", "")
            self.metrics.observe(method, route, state["status"], seconds)
            if state["json"] and state["status"] == 200 and b'"timings_ms"' in state["body"]:
                try:
                    timings = json.loads(bytes(state["body"])).get("timings_ms")
                except (ValueError, AttributeError):
                    timings = None
                if isinstance(timings, dict):
                    self.metrics.observe_stages(route, timings)
            log.info("request", extra={"fields": {
                "request_id": request_id, "method": method, "path": scope.get("path", ""), "route": route, "status": state["status"],
                "duration_ms": round(seconds * 1000, 2), "response_bytes": state["size"]}})
            request_id_var.reset(token)

"""Backpressure for the HTTP API: a bounded pool of work slots, a bounded queue, a timeout per request.

Every request under /v1/ (ask, search, chat, document changes: the model work) and to /mcp needs one of
`Settings.work_slots` slots; up to `work_queue` more wait for one; past that the answer is 503 with
Retry-After at once, so a burst cannot pile up unbounded work. A request that has not finished after
`request_timeout_s` (queue time included) before its response starts gets 504. Its slot is released only when its work really ends:
Python cannot stop a running thread, so the timeout frees the client, and the bound on concurrent work
holds. A streaming response is cancelled when the client disconnects (Starlette stops the generator),
which ends the work and frees the slot. JSON bodies over `max_json_bytes` get 413 before being read.
Pure ASGI (not BaseHTTPMiddleware) so streaming and cancellation pass through untouched.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rag.config import Settings

from .auth import MCP_PATH
from .errors import error_body

LIMITED_PREFIX = "/v1/"


@dataclass
class WorkLimiter:
    slots: int
    queue: int
    timeout_s: float
    running: int = 0
    waiting: int = 0
    rejected: int = 0
    timed_out: int = 0
    _semaphore: asyncio.Semaphore | None = field(default=None, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> WorkLimiter:
        return cls(max(1, settings.work_slots), max(0, settings.work_queue), settings.request_timeout_s)

    @property
    def semaphore(self) -> asyncio.Semaphore:
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self.slots)
        return self._semaphore

    def full(self) -> bool:
        return self.running + self.waiting >= self.slots + self.queue


async def _send_error(send: Send, status: int, message: str, kind: str,
                      headers: list[tuple[bytes, bytes]] = ()) -> None:
    body = json.dumps(error_body(message, kind, status)).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *headers]})
    await send({"type": "http.response.body", "body": body})


class LimitMiddleware:
    def __init__(self, app: ASGIApp, limiter: WorkLimiter, max_json_bytes: int) -> None:
        self.app = app
        self.limiter = limiter
        self.max_json_bytes = max_json_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not (scope["path"].startswith(LIMITED_PREFIX) or scope["path"] == MCP_PATH):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length", b"")
        if (b"json" in headers.get(b"content-type", b"") and length.isdigit()
                and int(length) > self.max_json_bytes):
            await _send_error(send, 413, f"the request body is {int(length)} bytes; the limit for JSON is "
                              f"{self.max_json_bytes}", "request_too_large")
            return
        limiter = self.limiter
        if limiter.full():
            limiter.rejected += 1
            await _send_error(send, 503, "the server is busy: too many requests are waiting; retry shortly",
                              "overloaded", [(b"retry-after", b"1")])
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limiter.timeout_s
        limiter.waiting += 1
        try:
            await asyncio.wait_for(limiter.semaphore.acquire(), timeout=limiter.timeout_s)
        except TimeoutError:
            limiter.timed_out += 1
            await _send_error(send, 503, "the server is busy: no worker became free in time; retry shortly",
                              "overloaded", [(b"retry-after", b"1")])
            return
        finally:
            limiter.waiting -= 1
        limiter.running += 1
        state = {"started": False, "abandoned": False}

        async def guarded_send(message: Message) -> None:
            if state["abandoned"]:
                return  # the client already got its 504
            if message["type"] == "http.response.start":
                state["started"] = True
            await send(message)

        def release(fut: asyncio.Future) -> None:
            limiter.running -= 1
            limiter.semaphore.release()
            if not fut.cancelled():
                fut.exception()  # retrieved here, so an abandoned request's error is not logged as lost

        task = asyncio.ensure_future(self.app(scope, receive, guarded_send))
        task.add_done_callback(release)
        try:
            done, _ = await asyncio.wait({task}, timeout=max(0.0, deadline - loop.time()))
        except asyncio.CancelledError:
            task.cancel()  # the server cancels us when the client goes away: stop the work too
            raise
        if task in done:
            task.result()  # re-raise what the app raised
            return
        if state["started"]:
            # A stream that has begun is paced by its own source (an LLM's per-token timeout), not by this
            # deadline: cutting it would lose an answer that is arriving. A client that leaves still stops it.
            try:
                await task
            except asyncio.CancelledError:
                task.cancel()
                raise
            return
        limiter.timed_out += 1
        task.cancel()
        state["abandoned"] = True
        await _send_error(send, 504, f"the request took longer than {limiter.timeout_s:g} s and was abandoned",
                          "timeout")

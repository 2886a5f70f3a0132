"""Client for any OpenAI-compatible chat LLM (llama.cpp, Ollama, vLLM, OpenAI): async, streaming, bounded.

The answerer only needs `stream(messages)`: text pieces as the model writes them. Every failure (refused
connection, HTTP error, no byte within the timeout, an unreadable stream) becomes one `LLMError`, so the caller
has a single thing to catch before it falls back to the extractive answer.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from .errors import RagError

# Statuses worth one more try: the server is starting, overloaded or restarting.
_RETRY_STATUSES = frozenset({429, 502, 503, 504})


class LLMError(RagError):
    """The LLM could not be reached, answered with an error, went silent past its timeout, or sent garbage."""


@dataclass(frozen=True)
class LLMConfig:
    base_url: str
    model: str = ""
    api_key: str = ""
    # No byte from the server for this long (connecting, waiting for the first token, or between tokens) fails.
    timeout_s: float = 30.0
    # Extra attempts after a refused connection or a retryable status, before any token arrived.
    retries: int = 2
    backoff_s: float = 0.25
    max_tokens: int = 512
    # Grounded answers want the model's most likely words, not creative ones.
    temperature: float = 0.0
    # Server-specific request fields passed through as is (as the OpenAI SDK's `extra_body`): a llama.cpp
    # `grammar`, Ollama `options`, vLLM guided decoding.
    extra_body: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.base_url.startswith(("http://", "https://")):
            raise ValueError(f"LLM base URL must start with http:// or https://, got {self.base_url!r}")
        if self.timeout_s <= 0 or self.retries < 0 or self.max_tokens < 1:
            raise ValueError("LLM timeout and max_tokens must be positive and retries not negative")


class LLMClient(Protocol):
    """What the generative answerer needs from a model."""

    model: str

    def stream(self, messages: Sequence[dict[str, str]]) -> AsyncIterator[str]: ...


class OpenAICompatibleClient:
    """Talks to `POST {base_url}/chat/completions` with `stream: true`, also when the caller wants one string.

    Streaming upstream always lets one timeout mean "silent for too long" rather than "too slow in total".
    A client per call keeps it usable from any event loop (the API's, or `asyncio.run` in a CLI).
    """

    def __init__(self, config: LLMConfig, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.config = config
        self.model = config.model
        self._transport = transport

    def _url(self) -> str:
        base = self.config.base_url.rstrip("/")
        return f"{base}/chat/completions"

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "text/event-stream"}
        if self.config.api_key:
            headers["Authorization"] = f"Bearer {self.config.api_key}"
        return headers

    async def stream(self, messages: Sequence[dict[str, str]]) -> AsyncIterator[str]:
        cfg = self.config
        body: dict[str, object] = {
            **cfg.extra_body, "messages": list(messages), "stream": True,
            "max_tokens": cfg.max_tokens, "temperature": cfg.temperature,
        }
        if cfg.model:
            body["model"] = cfg.model
        timeout = httpx.Timeout(cfg.timeout_s)
        async with httpx.AsyncClient(timeout=timeout, transport=self._transport) as http:
            for attempt in range(cfg.retries + 1):
                retry = attempt < cfg.retries
                try:
                    async with http.stream("POST", self._url(), json=body, headers=self._headers()) as response:
                        if response.status_code in _RETRY_STATUSES and retry:
                            await asyncio.sleep(cfg.backoff_s * (attempt + 1))
                            continue
                        if response.status_code != 200:
                            text = (await response.aread()).decode("utf-8", "replace")[:300]
                            raise LLMError(f"the LLM answered HTTP {response.status_code}: {text}")
                        async for piece in _content_pieces(response):
                            yield piece
                        return
                except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                    if not retry:
                        raise LLMError(f"cannot reach the LLM at {cfg.base_url}: {exc or type(exc).__name__}") from exc
                    await asyncio.sleep(cfg.backoff_s * (attempt + 1))
                except httpx.TimeoutException as exc:
                    raise LLMError(f"the LLM sent nothing for {cfg.timeout_s:g} s") from exc
                except httpx.HTTPError as exc:
                    raise LLMError(f"the LLM connection failed: {exc or type(exc).__name__}") from exc

    async def complete(self, messages: Sequence[dict[str, str]]) -> str:
        return "".join([piece async for piece in self.stream(messages)])


async def _content_pieces(response: httpx.Response) -> AsyncIterator[str]:
    """The `delta.content` strings of an SSE stream of `chat.completion.chunk` objects, until `[DONE]`."""
    saw_chunk = False
    async for line in response.aiter_lines():
        if not line.startswith("data:"):
            continue  # blank separators, comments (": ping"), event names
        data = line[5:].strip()
        if data == "[DONE]":
            return
        try:
            chunk = json.loads(data)
        except json.JSONDecodeError as exc:
            raise LLMError(f"the LLM sent a line that is not JSON: {data[:120]!r}") from exc
        if not isinstance(chunk, dict):
            raise LLMError(f"the LLM sent an unexpected event: {data[:120]!r}")
        if "error" in chunk:
            raise LLMError(f"the LLM reported an error: {str(chunk['error'])[:300]}")
        saw_chunk = True
        for choice in chunk.get("choices") or ():
            content = (choice.get("delta") or {}).get("content") if isinstance(choice, dict) else None
            if isinstance(content, str) and content:
                yield content
    if not saw_chunk:
        raise LLMError("the LLM closed the stream without sending anything")

"""The OpenAI-compatible LLM client: streams from a real llama.cpp server, fails fast and clearly otherwise."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from rag.llm import LLMConfig, LLMError, OpenAICompatibleClient

HELLO = [{"role": "user", "content": "Say hello."}]


def _collect(client: OpenAICompatibleClient, messages=HELLO) -> list[str]:
    async def run() -> list[str]:
        return [piece async for piece in client.stream(messages)]
    return asyncio.run(run())


def test_streams_token_by_token_from_a_real_llama_cpp_server(llm_base_url):
    client = OpenAICompatibleClient(LLMConfig(llm_base_url, max_tokens=12, timeout_s=120))
    pieces = _collect(client)
    assert len(pieces) > 1, "the answer should arrive in several pieces, not one block"
    assert "".join(pieces).strip()


def test_a_grammar_passed_through_extra_body_constrains_the_real_model(llm_base_url):
    client = OpenAICompatibleClient(LLMConfig(llm_base_url, max_tokens=20, timeout_s=120,
                                              extra_body={"grammar": 'root ::= "Tokyo [1]."'}))
    assert "".join(_collect(client)) == "Tokyo [1]."


def test_a_refused_connection_fails_after_bounded_retries(closed_llm_url):
    client = OpenAICompatibleClient(LLMConfig(closed_llm_url, retries=2, backoff_s=0.05, timeout_s=2))
    started = time.monotonic()
    with pytest.raises(LLMError, match="cannot reach"):
        _collect(client)
    assert time.monotonic() - started < 10


def test_a_server_that_never_answers_times_out(silent_llm_url):
    client = OpenAICompatibleClient(LLMConfig(silent_llm_url, timeout_s=0.5))
    started = time.monotonic()
    with pytest.raises(LLMError, match="sent nothing"):
        _collect(client)
    assert time.monotonic() - started < 10


class _ScriptedServer:
    """A loopback HTTP server that answers connection i with responses[i] (the last one repeats)."""

    def __init__(self, responses: list[bytes]) -> None:
        self.responses = responses
        self.requests = 0
        self.heads: list[bytes] = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/v1"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                data = b""
                while b"\r\n\r\n" not in data:
                    data += conn.recv(65536)
                head, _, body = data.partition(b"\r\n\r\n")
                self.heads.append(head)
                length = int(next((line.split(b":")[1] for line in head.split(b"\r\n")
                                   if line.lower().startswith(b"content-length")), b"0"))
                while len(body) < length:
                    body += conn.recv(65536)
                response = self.responses[min(self.requests, len(self.responses) - 1)]
                self.requests += 1
                conn.sendall(response)

    def close(self) -> None:
        self.sock.close()


def _http(status: str, body: bytes, content_type: str = "text/event-stream") -> bytes:
    return (f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n").encode() + body


@pytest.fixture
def scripted() -> Iterator[type[_ScriptedServer]]:
    made: list[_ScriptedServer] = []

    def make(responses: list[bytes]) -> _ScriptedServer:
        made.append(_ScriptedServer(responses))
        return made[-1]
    yield make
    for server in made:
        server.close()


GOOD = (b'data: {"choices":[{"index":0,"delta":{"role":"assistant","content":null}}]}\n\n'
        b'data: {"choices":[{"index":0,"delta":{"content":"Tok"}}]}\n\n'
        b': ping\n\n'
        b'data: {"choices":[{"index":0,"delta":{"content":"yo [1]."}}]}\n\ndata: [DONE]\n\n')


def test_an_overloaded_server_is_retried_then_answers(scripted):
    server = scripted([_http("503 Service Unavailable", b"loading"), _http("200 OK", GOOD)])
    client = OpenAICompatibleClient(LLMConfig(server.url, retries=2, backoff_s=0.01))
    assert _collect(client) == ["Tok", "yo [1]."]
    assert server.requests == 2


def test_retries_are_bounded(scripted):
    server = scripted([_http("503 Service Unavailable", b"loading")])
    client = OpenAICompatibleClient(LLMConfig(server.url, retries=2, backoff_s=0.01))
    with pytest.raises(LLMError, match="HTTP 503"):
        _collect(client)
    assert server.requests == 3


@pytest.mark.parametrize("response, message", [
    (_http("200 OK", b"data: this is not json\n\n"), "not JSON"),
    (_http("200 OK", b"<html>hello</html>", "text/html"), "without sending anything"),
    (_http("401 Unauthorized", b'{"error": "bad key"}', "application/json"), "HTTP 401"),
    (_http("200 OK", b'data: {"error": {"message": "context too long"}}\n\n'), "context too long"),
])
def test_garbage_and_errors_become_one_clear_llm_error(scripted, response, message):
    server = scripted([response])
    client = OpenAICompatibleClient(LLMConfig(server.url, retries=0))
    with pytest.raises(LLMError, match=message):
        _collect(client)


def test_the_api_key_is_sent_as_a_bearer_token(scripted):
    server = scripted([_http("200 OK", GOOD)])
    client = OpenAICompatibleClient(LLMConfig(server.url, api_key="sk-test"))
    assert "".join(_collect(client)) == "Tokyo [1]."
    assert b"authorization: bearer sk-test" in server.heads[0].lower()


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="http"):
        LLMConfig("localhost:8080")

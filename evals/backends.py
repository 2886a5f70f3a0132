"""The two ways an evaluation reaches the service: in-process through RagService, or over HTTP with httpx."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any, Protocol
from urllib.parse import quote

from rag.errors import InvalidInputError, RagError

SEARCH_K = 10
_SECRET_SETTINGS = ("api_keys", "read_only_api_keys", "llm_api_key", "index_url", "index_read_url")  # URLs may hold passwords


class EvalAbortedError(RagError):
    """The run cannot go on at all (the server is unreachable or refuses the key): no point asking more."""


class QuestionError(Exception):
    """One question failed (a 5xx, a timeout): recorded against that question, the run goes on."""


class Backend(Protocol):
    def search(self, question: str, doc_ids: Sequence[str] | None) -> tuple[list[dict], dict[str, float]]: ...

    def ask(self, question: str, doc_ids: Sequence[str] | None) -> dict[str, Any]: ...

    def document_text(self, doc_id: str) -> str | None: ...

    def describe(self) -> dict[str, Any]: ...


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


class InProcessBackend:
    """Calls the library directly; the same code path the API routes call."""

    def __init__(self, service: Any) -> None:  # a warmed rag.service.RagService
        self.service = service

    def search(self, question: str, doc_ids: Sequence[str] | None) -> tuple[list[dict], dict[str, float]]:
        timings: dict[str, float] = {}
        hits = self.service.search(question, SEARCH_K, doc_ids, timings)
        return [h.as_dict() for h in hits], timings

    def ask(self, question: str, doc_ids: Sequence[str] | None) -> dict[str, Any]:
        return self.service.ask(question, None, doc_ids).as_dict()

    def document_text(self, doc_id: str) -> str | None:
        return self.service.index.document_text(doc_id)

    def describe(self) -> dict[str, Any]:
        settings = {k: v for k, v in asdict(self.service.settings).items() if k not in _SECRET_SETTINGS}
        return {
            "mode": "in-process",
            "index_dir": str(self.service.settings.index_dir),
            "settings": _plain(settings),
            "index_manifest": _plain(asdict(self.service.index.state())),
            "embedder": self.service.embedder.name,
        }

    def all_passage_texts(self) -> list[str]:
        index = self.service.index  # through the index contract: either backend
        doc_ids = [d.id for d in index.documents(limit=index.state().documents)]
        return [p.text for p, _, _ in index.passages(index.passage_ids_for_documents(doc_ids).tolist()).values()]


class HttpBackend:
    """POST /v1/search and /v1/ask on a running service; thread-safe, one connection pool."""

    def __init__(self, url: str, api_key: str | None = None, timeout_s: float = 60.0, transport: Any = None) -> None:
        import httpx

        if not url.startswith(("http://", "https://")):
            raise InvalidInputError(f"--url must start with http:// or https://, got {url!r}")
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.url = url.rstrip("/")
        self._httpx = httpx
        self._client = httpx.Client(base_url=self.url, headers=headers, timeout=timeout_s, transport=transport)
        self._identity: dict[str, Any] = {}

    def close(self) -> None:
        self._client.close()

    def _request(self, method: str, path: str, body: dict | None = None) -> Any:
        try:
            response = self._client.request(method, path, json=body)
        except self._httpx.TimeoutException as exc:
            raise QuestionError(f"{method} {path} timed out") from exc
        except self._httpx.TransportError as exc:
            raise QuestionError(f"{method} {path} failed: {exc}") from exc
        if response.status_code in (401, 403):
            raise EvalAbortedError(f"{self.url}{path} answered {response.status_code}: "
                                   f"{_message(response)} (pass a valid --api-key)")
        if response.status_code >= 400:
            raise QuestionError(f"{method} {path} answered {response.status_code}: {_message(response)}")
        try:
            data = response.json()
        except ValueError as exc:
            raise QuestionError(f"{method} {path} answered something that is not JSON") from exc
        if not isinstance(data, dict):
            raise QuestionError(f"{method} {path} answered JSON that is not an object")
        return data

    def check_reachable(self) -> None:
        try:
            response = self._client.get("/healthz")
        except self._httpx.TransportError as exc:
            raise EvalAbortedError(f"cannot reach {self.url}: {exc}") from exc
        self._identity["healthz"] = _json_or_text(response)
        # What the server says about its index and models, where it has such endpoints (not required).
        for path in ("/readyz", "/v1/models"):
            try:
                response = self._client.get(path)
            except self._httpx.TransportError:
                continue
            if response.status_code == 200:
                self._identity[path.strip("/")] = _json_or_text(response)

    def search(self, question: str, doc_ids: Sequence[str] | None) -> tuple[list[dict], dict[str, float]]:
        data = self._request("POST", "/v1/search", _body("query", question, SEARCH_K, doc_ids))
        if not isinstance(data.get("hits"), list):
            raise QuestionError("POST /v1/search answered without a 'hits' list")
        return data["hits"], data.get("timings_ms", {})

    def ask(self, question: str, doc_ids: Sequence[str] | None) -> dict[str, Any]:
        data = self._request("POST", "/v1/ask", _body("question", question, None, doc_ids))
        citations = data.get("citations", [])
        if not isinstance(citations, list) or not all(
                isinstance(c, dict) and {"doc_id", "start", "end", "text"} <= set(c) for c in citations):
            raise QuestionError("POST /v1/ask answered citations without doc_id, start, end and text")
        return data

    def document_text(self, doc_id: str) -> str | None:
        """The document's canonical text from GET /v1/documents/{id}; None when the server says 404."""
        try:
            response = self._client.get(f"/v1/documents/{quote(doc_id, safe='')}")
        except self._httpx.TransportError as exc:
            raise QuestionError(f"GET /v1/documents/{doc_id} failed: {exc}") from exc
        if response.status_code == 404:
            return None
        if response.status_code >= 400:
            raise QuestionError(f"GET /v1/documents/{doc_id} answered {response.status_code}")
        try:
            text = response.json().get("text")
        except (ValueError, AttributeError) as exc:
            raise QuestionError(f"GET /v1/documents/{doc_id} answered without a JSON 'text' field") from exc
        return text if isinstance(text, str) else None

    def describe(self) -> dict[str, Any]:
        return {"mode": "http", "url": self.url, **self._identity}


def _body(key: str, text: str, top_k: int | None, doc_ids: Sequence[str] | None) -> dict:
    body: dict[str, Any] = {key: text}
    if top_k is not None:
        body["top_k"] = top_k
    if doc_ids is not None:
        body["doc_ids"] = list(doc_ids)
    return body


def _json_or_text(response: Any) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text[:500]


def _message(response: Any) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(data, dict):
        for key in ("error", "detail", "message"):
            if key in data:
                value = data[key]
                return value.get("message", str(value)) if isinstance(value, dict) else str(value)
    return str(data)[:200]

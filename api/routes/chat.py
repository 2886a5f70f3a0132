"""`POST /v1/chat/completions`: grounded chat in the OpenAI wire format, streamed (SSE) or not.

The content carries inline `[n]` markers and ends with a "Sources" list; the same citations come as data in
a `citations` field (on the response, or on the final chunk of a stream) with a `rag` object saying how the
answer was made (`mode`, `fallback_reason`, `invalid_citations`).
"""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from rag.conversation import Message
from rag.errors import InvalidInputError, NotFoundError, RagError
from rag.generate import Generation, sources_block
from rag.service import RagService

from ..deps import get_service
from ..openai_schemas import (
    MODEL_EXTRACTIVE,
    MODELS,
    ChatCompletion,
    ChatCompletionRequest,
    OpenAIErrorResponse,
    openai_error,
)


class OpenAIErrorRoute(APIRoute):
    """Errors of these routes in the OpenAI shape and statuses: 400 for a bad request, not FastAPI's 422."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                first = exc.errors()[0] if exc.errors() else {}
                where = [p for p in first.get("loc", ()) if isinstance(p, str) and p != "body"]
                message = "; ".join(
                    f"{'.'.join(str(p) for p in e.get('loc', ()) if p != 'body') or 'body'}: {e.get('msg', 'invalid')}"
                    for e in exc.errors())
                return openai_error(400, f"invalid request: {message}", "invalid_request_error",
                                    param=".".join(where) or None)
            except InvalidInputError as exc:
                return openai_error(400, str(exc), "invalid_request_error")
            except HTTPException as exc:
                if exc.status_code != 400:
                    raise
                # FastAPI's own 400: a body that is not decodable text ("There was an error parsing the body").
                return openai_error(400, f"invalid request: {exc.detail}", "invalid_request_error")
            except NotFoundError as exc:
                return openai_error(404, str(exc), "invalid_request_error", code="not_found")
            # Any other RagError (a busy index: 503 with Retry-After) goes to the app's handler, in the one
            # error shape that every other status of this route has.

        return route


router = APIRouter(tags=["chat"], route_class=OpenAIErrorRoute)

_EXAMPLE_RESPONSE = {
    "id": "chatcmpl-0f3a", "object": "chat.completion", "created": 1767225600, "model": "rag-cited",
    "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None, "message": {
        "role": "assistant",
        "content": "He also expressed the desire to convene a subcommittee on border demarcation (vice-ministerial "
                   "level talks) in Tokyo during mid-October. [1]\n\nSources:\n[1] \"He also expressed ...\" — "
                   "Outline of Japan-Russian Federation Foreign Ministers Meeting"}}],
    "usage": {"prompt_tokens": 9, "completion_tokens": 42, "total_tokens": 51},
    "citations": [{"number": 1, "doc_id": "000_fb07636c2cdaa24d-982f4425", "source": "seeds/000_fb07636c2cdaa24d.txt",
                   "title": "Outline of Japan-Russian Federation Foreign Ministers Meeting", "start": 1634,
                   "end": 1770, "text": "He also expressed ...", "score": 0.71}],
    "rag": {"mode": "extractive", "fallback_reason": None, "invalid_citations": [], "model": None,
            "abstained": False, "confidence": 0.71, "short_answer": None},
}


def _count_tokens(text: str) -> int:
    """An estimate (words and punctuation): the service has no tokenizer of the answering model."""
    return len(re.findall(r"\w+|[^\w\s]", text))


def _rag_info(result: Generation) -> dict[str, Any]:
    return {**result.as_dict(), "abstained": result.answer.abstained,
            "confidence": round(result.answer.confidence, 4), "short_answer": result.answer.short_answer}


def _usage(prompt: str, completion: str) -> dict[str, int]:
    p, c = _count_tokens(prompt), _count_tokens(completion)
    return {"prompt_tokens": p, "completion_tokens": c, "total_tokens": p + c}


@router.post(
    "/v1/chat/completions",
    summary="Grounded chat completion (OpenAI-compatible), streamed or not",
    responses={200: {"model": ChatCompletion,
                     "description": "A `chat.completion`, or with `stream: true` an SSE stream of "
                                    "`chat.completion.chunk` objects ending with `data: [DONE]`.",
                     "content": {"application/json": {"example": _EXAMPLE_RESPONSE},
                                 "text/event-stream": {"schema": {"type": "string"}}}},
               400: {"model": OpenAIErrorResponse, "description": "Invalid request (OpenAI error object)"},
               404: {"model": OpenAIErrorResponse, "description": "Unknown model or document id"}},
)
async def chat_completions(body: ChatCompletionRequest, service: RagService = Depends(get_service)) -> Response:
    if body.model not in MODELS:
        return openai_error(404, f"The model {body.model!r} does not exist; use one of {', '.join(MODELS)}",
                            "invalid_request_error", param="model", code="model_not_found")
    messages = [Message(m.role, m.text()) for m in body.messages]
    events = service.chat_stream(messages, body.top_k, body.doc_ids, use_llm=body.model != MODEL_EXTRACTIVE)
    # Retrieval (and its errors) happen before the first event: a bad request still gets its status code.
    first = await anext(events)
    completion_id = f"chatcmpl-{secrets.token_hex(12)}"
    created = int(time.time())
    prompt_text = "\n".join(m.content for m in messages)
    if not body.stream:
        result = first
        async for event in events:
            result = event
        assert isinstance(result, Generation)
        content = result.answer.text + sources_block(result.answer.citations)
        return JSONResponse({
            "id": completion_id, "object": "chat.completion", "created": created, "model": body.model,
            "system_fingerprint": None,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                         "finish_reason": "stop", "logprobs": None}],
            "usage": _usage(prompt_text, content),
            "citations": [c.as_dict() for c in result.answer.citations],
            "rag": _rag_info(result),
        })
    include_usage = bool(body.stream_options and body.stream_options.include_usage)

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        data: dict[str, Any] = {"id": completion_id, "object": "chat.completion.chunk", "created": created,
                                "model": body.model, "system_fingerprint": None,
                                "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}]}
        if include_usage:
            data["usage"] = None
        data.update(extra)
        return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"

    async def sse() -> AsyncIterator[str]:
        yield chunk({"role": "assistant", "content": ""})
        streamed = ""
        event: str | Generation = first
        try:
            while True:
                if isinstance(event, Generation):
                    sources = sources_block(event.answer.citations)
                    if sources:
                        streamed += sources
                        yield chunk({"content": sources})
                    yield chunk({}, "stop", citations=[c.as_dict() for c in event.answer.citations],
                                rag=_rag_info(event))
                    if include_usage:
                        yield (f"data: {json.dumps({'id': completion_id, 'object': 'chat.completion.chunk', 'created': created, 'model': body.model, 'choices': [], 'usage': _usage(prompt_text, streamed)})}\n\n")
                    break
                streamed += event
                yield chunk({"content": event})
                event = await anext(events)
        except RagError as exc:  # after the headers went out, an error can only be reported in the stream
            yield f"data: {json.dumps({'error': {'message': str(exc), 'type': 'server_error', 'param': None, 'code': None}})}\n\n"
        finally:
            await events.aclose()
        yield "data: [DONE]\n\n"

    return StreamingResponse(sse(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

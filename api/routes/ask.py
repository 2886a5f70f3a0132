"""Question answering with cited excerpts."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.concurrency import run_in_threadpool

from rag.service import RagService

from ..deps import get_service
from ..schemas import AskRequest, AskResponse

router = APIRouter(tags=["answers"])


@router.post("/v1/ask", response_model=AskResponse, summary="Answer a question with exact citations")
async def ask(body: AskRequest, service: RagService = Depends(get_service)) -> dict:
    # The work runs in a worker thread; the endpoint itself is async so that FastAPI validates the response on
    # the event loop instead of in a second worker-thread round trip (a `def` endpoint gets one for each).
    answer = await run_in_threadpool(service.ask, body.question, body.top_k, body.doc_ids)
    return answer.as_dict()

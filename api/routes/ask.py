"""Question answering with cited excerpts."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from rag.service import RagService

from ..deps import get_service
from ..schemas import AskRequest, AskResponse

router = APIRouter(tags=["answers"])


@router.post("/v1/ask", response_model=AskResponse, summary="Answer a question with exact citations")
def ask(body: AskRequest, service: RagService = Depends(get_service)) -> dict:
    return service.ask(body.question, body.top_k, body.doc_ids).as_dict()

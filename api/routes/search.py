"""Ranked passages for a query."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.concurrency import run_in_threadpool

from rag.records import Hit
from rag.service import RagService

from ..deps import get_service
from ..schemas import SearchRequest, SearchResponse

router = APIRouter(tags=["retrieval"])


@router.post("/v1/search", response_model=SearchResponse, summary="Hybrid search over passages")
async def search(body: SearchRequest, service: RagService = Depends(get_service)) -> dict:
    timings: dict[str, float] = {}
    # In a worker thread, as /v1/ask (api/routes/ask.py says why the endpoint is async).
    hits: list[Hit] = await run_in_threadpool(service.search, body.query, body.top_k, body.doc_ids, timings)
    return {"query": body.query, "hits": [h.as_dict() for h in hits],
            "timings_ms": {k: round(v, 2) for k, v in timings.items()}}

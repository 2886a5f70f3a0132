"""Readiness and Prometheus metrics (liveness is /healthz)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from rag.errors import IndexUnavailableError

from ..errors import RETRY_AFTER_S
from ..metrics import CONTENT_TYPE
from ..schemas import Readiness

router = APIRouter(tags=["operations"])


@router.get("/readyz", response_model=Readiness, summary="The index is open and the model loaded",
            responses={503: {"model": Readiness, "description": "Still starting (the model or index is not ready), or "
                                                              "the index's database cannot be reached."}})
def readyz(request: Request) -> JSONResponse:
    service = request.app.state.service
    if not service.is_warm and not service.is_model_loaded:
        return JSONResponse(Readiness(status="starting").model_dump(), status_code=503)
    try:
        state = service.index.state()  # opens the index if the database was unreachable at start-up
    except IndexUnavailableError as exc:  # a database backend that cannot be reached: not ready until it is back
        return JSONResponse(Readiness(status="unavailable", detail=str(exc)).model_dump(), status_code=503,
                            headers={"Retry-After": RETRY_AFTER_S})
    return JSONResponse(Readiness(status="ready", generation=state.generation, documents=state.documents,
                                  passages=state.passages).model_dump())


@router.get("/metrics", summary="Prometheus metrics", response_class=Response,
            responses={200: {"content": {CONTENT_TYPE: {"schema": {"type": "string"}}},
                             "description": "Prometheus text format."}})
def metrics(request: Request) -> Response:
    return Response(request.app.state.metrics.render(), media_type=CONTENT_TYPE)

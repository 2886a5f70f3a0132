"""Readiness and Prometheus metrics (liveness is /healthz)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from ..metrics import CONTENT_TYPE
from ..schemas import Readiness

router = APIRouter(tags=["operations"])


@router.get("/readyz", response_model=Readiness, summary="The index is open and the model loaded",
            responses={503: {"model": Readiness, "description": "Still starting: the model or index is not ready."}})
def readyz(request: Request) -> JSONResponse:
    service = request.app.state.service
    if not service.is_warm:
        return JSONResponse(Readiness(status="starting").model_dump(), status_code=503)
    manifest = service.index.manifest
    return JSONResponse(Readiness(status="ready", generation=manifest.generation, documents=manifest.documents,
                                  passages=manifest.passages).model_dump())


@router.get("/metrics", summary="Prometheus metrics", response_class=Response,
            responses={200: {"content": {CONTENT_TYPE: {"schema": {"type": "string"}}},
                             "description": "Prometheus text format."}})
def metrics(request: Request) -> Response:
    return Response(request.app.state.metrics.render(), media_type=CONTENT_TYPE)

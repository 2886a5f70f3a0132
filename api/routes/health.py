"""Liveness."""

from __future__ import annotations

from fastapi import APIRouter

from ..schemas import Health

router = APIRouter(tags=["operations"])


@router.get("/healthz", response_model=Health, summary="The process is alive")
def healthz() -> Health:
    return Health(status="ok")

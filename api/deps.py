"""Request-scoped access to the shared service object."""

from __future__ import annotations

from fastapi import Request

from rag.service import RagService


def get_service(request: Request) -> RagService:
    return request.app.state.service

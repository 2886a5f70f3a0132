"""`GET /v1/models`: the answering modes, listed as models so chat frontends can offer them."""

from __future__ import annotations

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse

from ..openai_schemas import MODEL_DEFAULT, MODELS, ModelCard, ModelList, OpenAIErrorResponse, openai_error

router = APIRouter(tags=["chat"])
_CREATED = 1_767_225_600  # a fixed date (2026-01-01): the modes do not change with restarts


def _model(model_id: str, request: Request) -> dict:
    settings = request.app.state.settings
    llm = bool(settings.llm_base_url) and model_id == MODEL_DEFAULT
    return {"id": model_id, "object": "model", "created": _CREATED, "owned_by": "rag-cited",
            "description": f"answers written by {settings.llm_model or 'the configured LLM'} from cited passages"
            if llm else "extractive answers: exact quotes from the documents"}


_EXAMPLE = {"object": "list", "data": [
    {"id": MODEL_DEFAULT, "object": "model", "created": _CREATED, "owned_by": "rag-cited",
     "description": "extractive answers: exact quotes from the documents"}]}


@router.get("/v1/models", response_model=ModelList,
            summary="Models (answering modes) for OpenAI-compatible clients",
            responses={200: {"content": {"application/json": {"example": _EXAMPLE}}}})
def list_models(request: Request) -> dict:
    return {"object": "list", "data": [_model(m, request) for m in MODELS]}


@router.get("/v1/models/{model_id}", summary="One model", response_model=ModelCard,
            responses={404: {"model": OpenAIErrorResponse, "description": "No such model"}})
def get_model(request: Request, model_id: str = Path(examples=["rag-cited"], json_schema_extra={"enum": list(MODELS)})) -> JSONResponse:
    if model_id not in MODELS:
        return openai_error(404, f"The model {model_id!r} does not exist", "invalid_request_error",
                            param="model", code="model_not_found")
    return JSONResponse(_model(model_id, request))

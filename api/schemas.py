"""Request and response bodies of the HTTP API (validated by pydantic, documented in /openapi.json)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from rag.service import MAX_TOP_K


class AskRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"question": "How long did the ministers meet?"}]})
    question: str = Field(min_length=1, max_length=2000, description="A natural-language question.")
    top_k: int | None = Field(default=None, ge=1, le=MAX_TOP_K, description="Passages to read (default 5).")
    doc_ids: list[str] | None = Field(default=None, max_length=100, description="Only these documents.")


class SearchRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"query": "border demarcation", "top_k": 3}]})
    query: str = Field(min_length=1, max_length=2000)
    top_k: int | None = Field(default=None, ge=1, le=MAX_TOP_K)
    doc_ids: list[str] | None = Field(default=None, max_length=100)


class CitationOut(BaseModel):
    number: int
    doc_id: str
    source: str
    title: str
    start: int = Field(description="Offset of the quote in the document's canonical text.")
    end: int
    text: str = Field(description="Exactly the document's text[start:end].")
    score: float


class AskResponse(BaseModel):
    question: str
    answer: str
    abstained: bool
    confidence: float
    mode: str
    citations: list[CitationOut]
    timings_ms: dict[str, float]
    notes: list[str] = []


class SearchHit(BaseModel):
    passage_id: int | None
    doc_id: str
    source: str
    title: str
    start: int
    end: int
    text: str
    score: float
    scores: dict[str, float]


class SearchResponse(BaseModel):
    query: str
    hits: list[SearchHit]
    timings_ms: dict[str, float]


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str = Field(description="`ready`, or `starting` while the model loads and the index opens.")
    generation: int | None = None
    documents: int | None = None
    passages: int | None = None


class ErrorDetail(BaseModel):
    message: str
    type: str
    code: int


class ErrorResponse(BaseModel):
    """Every error: the OpenAI error shape, plus `detail` for plain HTTP clients."""

    error: ErrorDetail
    detail: str

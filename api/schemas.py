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
    short_answer: str | None = Field(
        None, description="The phrase the answer leads with (a name, a number, a duration, a date, a term), when the "
        "cited quotes hold one; null otherwise (an abstention, an answer that is its quote, an LLM's answer).")
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


class DocumentText(BaseModel):
    """A document sent as JSON text instead of a file."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, description="The document's text; it becomes the canonical text as is.")
    title: str | None = Field(default=None, max_length=200, description="Shown with citations.")
    filename: str | None = Field(
        default=None, max_length=255,
        description="Names the stored source (uploads/<filename>) and picks the reader by suffix (.txt, .md, .html); "
                    "default: the title with .txt.")


class DocumentInfo(BaseModel):
    id: str
    source: str = Field(description="Where it came from; uploads are stored as uploads/<sanitised file name>.")
    title: str
    media_type: str
    content_hash: str = Field(description="SHA-256 of the uploaded bytes; equal bytes are one document.")
    chars: int = Field(description="Length of the canonical text in characters (Unicode code points).")
    passages: int
    added_at: float = Field(description="Seconds since the epoch.")


class DocumentDetail(DocumentInfo):
    text: str = Field(description="The canonical text: citations' start/end are offsets into it.")


class DocumentExcerpt(DocumentInfo):
    """A document's canonical text, or the span [start, end) of it (the MCP tool `read_document`)."""

    start: int = Field(description="Offset of `text` in the canonical text (0 for the whole text).")
    end: int = Field(description="End offset (exclusive); `chars` for the whole text.")
    text: str = Field(description="Exactly the canonical text[start:end].")


class DocumentRemoved(BaseModel):
    id: str
    removed: bool


class DocumentUploaded(DocumentInfo):
    status: str = Field(description="created (201), replaced (200, with replace=true) or duplicate (200: "
                                    "the same bytes are already stored under this id; nothing was added).")


class DocumentPage(BaseModel):
    documents: list[DocumentInfo]
    total: int
    limit: int
    offset: int


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str = Field(description="`ready`; `starting` while the model loads and the index opens; `unavailable` "
                                    "while the index's database cannot be reached.")
    detail: str | None = None
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


class DocumentConflict(ErrorResponse):
    """409: the file name is taken by other content; `document` is the one stored under it."""

    document: DocumentInfo

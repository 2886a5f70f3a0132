"""Bodies of the OpenAI-compatible endpoints: requests take only what answering needs (unknown fields are
ignored); responses and errors are declared so /openapi.json documents (and fuzzing checks) what is sent."""

from __future__ import annotations

from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from rag.conversation import ROLES
from rag.service import MAX_TOP_K

from .schemas import CitationOut

# One id per answering mode; `rag-cited` uses the configured LLM when there is one.
MODEL_DEFAULT = "rag-cited"
MODEL_EXTRACTIVE = "rag-cited-extractive"
MODELS = (MODEL_DEFAULT, MODEL_EXTRACTIVE)


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="ignore")
    type: str
    text: str | None = None


class ChatMessageIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    # Documented as the known roles; another string is still read, and refused with 400 by the service.
    role: str = Field(json_schema_extra={"enum": sorted(ROLES)})
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(p.text for p in self.content if p.type == "text" and p.text)
        return self.content or ""


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="ignore")
    include_usage: bool = False


class ChatCompletionRequest(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [{
        "model": MODEL_DEFAULT,
        "messages": [{"role": "user", "content": "What kind of subcommittee did Ivanov propose convening?"},
                     {"role": "assistant", "content": "A subcommittee on border demarcation [1]."},
                     {"role": "user", "content": "And when will that happen?"}],
        "stream": False,
    }]})
    # Documented as the list of models; any other string is still read, and answered with 404 model_not_found.
    model: str = Field(description=f"{MODEL_DEFAULT!r} (LLM answers when one is configured) or {MODEL_EXTRACTIVE!r}.",
                       json_schema_extra={"enum": list(MODELS)})
    messages: list[ChatMessageIn] = Field(min_length=1, description="The conversation; the last one is the user's question.")
    stream: bool = False
    stream_options: StreamOptions | None = None
    n: int | None = Field(default=None, ge=1, le=1, description="Only one choice is produced.")
    top_k: int | None = Field(default=None, ge=1, le=MAX_TOP_K, description="Extension: passages to retrieve.")
    doc_ids: list[str] | None = Field(default=None, max_length=100, description="Extension: only these documents.")


class ModelCard(BaseModel):
    id: str
    object: str = Field(description="Always `model`.")
    created: int
    owned_by: str
    description: str


class ModelList(BaseModel):
    object: str = Field(description="Always `list`.")
    data: list[ModelCard]


class ChatMessageOut(BaseModel):
    role: str
    content: str = Field(description="The answer with inline [n] markers, then the Sources list.")


class ChatChoice(BaseModel):
    index: int
    message: ChatMessageOut
    finish_reason: str
    logprobs: None = None


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class RagInfo(BaseModel):
    """How the answer was made (an extension of the OpenAI format)."""

    mode: str = Field(description="`llm`, or `extractive` (asked for, or the fallback).")
    fallback_reason: str | None
    invalid_citations: list[int] = Field(description="Numbers the LLM cited that no passage has (removed).")
    model: str | None
    abstained: bool
    confidence: float
    short_answer: str | None = Field(None, description="The phrase an extractive answer leads with (as /v1/ask's).")


class ChatCompletion(BaseModel):
    id: str
    object: str = Field(description="Always `chat.completion`.")
    created: int
    model: str
    system_fingerprint: None = None
    choices: list[ChatChoice]
    usage: Usage
    citations: list[CitationOut] = Field(description="Extension: the [n] markers' exact quotes.")
    rag: RagInfo


class OpenAIErrorDetail(BaseModel):
    message: str
    type: str
    param: str | None
    code: str | None


class OpenAIErrorResponse(BaseModel):
    """The OpenAI error object, which the SDKs turn into BadRequestError, NotFoundError and the like."""

    error: OpenAIErrorDetail


def openai_error(status: int, message: str, kind: str, param: str | None = None,
                 code: str | None = None) -> JSONResponse:
    """The OpenAI error object, which the SDKs turn into BadRequestError, NotFoundError and the like."""
    return JSONResponse({"error": {"message": message, "type": kind, "param": param, "code": code}},
                        status_code=status)

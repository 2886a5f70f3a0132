"""Request bodies of the OpenAI-compatible endpoints: only what answering needs; unknown fields are ignored."""

from __future__ import annotations

from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from rag.service import MAX_TOP_K

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
    role: str
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
    model: str = Field(description=f"{MODEL_DEFAULT!r} (LLM answers when one is configured) or {MODEL_EXTRACTIVE!r}.")
    messages: list[ChatMessageIn] = Field(min_length=1, description="The conversation; the last one is the user's question.")
    stream: bool = False
    stream_options: StreamOptions | None = None
    n: int | None = Field(default=None, ge=1, le=1, description="Only one choice is produced.")
    top_k: int | None = Field(default=None, ge=1, le=MAX_TOP_K, description="Extension: passages to retrieve.")
    doc_ids: list[str] | None = Field(default=None, max_length=100, description="Extension: only these documents.")


def openai_error(status: int, message: str, kind: str, param: str | None = None,
                 code: str | None = None) -> JSONResponse:
    """The OpenAI error object, which the SDKs turn into BadRequestError, NotFoundError and the like."""
    return JSONResponse({"error": {"message": message, "type": kind, "param": param, "code": code}},
                        status_code=status)

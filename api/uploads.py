"""Reading an upload from an HTTP request safely: bounded size, one file or one JSON text, a sanitised name."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath

from fastapi import HTTPException, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from .schemas import DocumentText

# Room for the multipart boundaries and part headers around a file of the maximum size.
_ENVELOPE_BYTES = 64 * 1024
_MAX_NAME_CHARS = 120
_UNSAFE = re.compile(r"[^\w.\- ]+")
UPLOAD_FOLDER = "uploads"


@dataclass(frozen=True)
class Upload:
    data: bytes
    filename: str  # sanitised
    title: str | None

    @property
    def source(self) -> str:
        return f"{UPLOAD_FOLDER}/{self.filename}"


def safe_filename(name: str | None, fallback: str = "upload") -> str:
    """The last path component, with only word characters, '.', '-', '_' and spaces; never hidden, never empty.

    "../../etc/passwd.txt" -> "passwd.txt", "C:\\\\x\\\\a.md" -> "a.md", ".env.txt" -> "env.txt".
    """
    name = unicodedata.normalize("NFKC", name or "").replace("\\", "/").split("/")[-1]
    name = " ".join(_UNSAFE.sub("_", name).split()).strip(" .")
    if not name:
        return fallback
    path = PurePosixPath(name)
    suffix = path.suffix if len(path.suffix) <= 12 else ""
    stem = name[: len(name) - len(suffix)] if suffix else name
    stem = stem[: _MAX_NAME_CHARS].strip(" .") or fallback
    return stem + suffix


def too_large(limit: int) -> HTTPException:
    return HTTPException(413, f"the upload is larger than the limit of {limit} bytes")


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it passes `limit` bytes (declared or actually sent)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large(limit)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise too_large(limit)
    return bytes(body)


async def read_upload(request: Request, max_bytes: int) -> Upload:
    """One document from a multipart form (`file`, optional `title`) or a JSON body ({text, title, filename})."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        body = await read_body(request, max_bytes + _ENVELOPE_BYTES)
        return await _from_form(request, body, max_bytes)
    if content_type == "application/json":
        body = await read_body(request, max_bytes + _ENVELOPE_BYTES)
        return _from_json(body, max_bytes)
    raise HTTPException(415, "send the document as multipart/form-data (a 'file' field) or as application/json "
                             "({\"text\": ..., \"title\": ...})")


async def _from_form(request: Request, body: bytes, max_bytes: int) -> Upload:
    async def replay() -> dict:
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        form = await Request(request.scope, replay).form(max_files=1, max_fields=10)
    except HTTPException:
        raise
    except Exception as exc:  # the multipart parser reports malformed bodies with several exception types
        raise HTTPException(400, f"malformed multipart body: {exc}") from exc
    try:
        file = form.get("file")
        if not isinstance(file, UploadFile):
            raise HTTPException(422, "the form has no file: send it in a field named 'file'")
        data = await file.read()
        if len(data) > max_bytes:
            raise too_large(max_bytes)
        title = form.get("title")
        return Upload(data, safe_filename(file.filename), title if isinstance(title, str) and title.strip() else None)
    finally:
        await form.close()


def _from_json(body: bytes, max_bytes: int) -> Upload:
    try:
        doc = DocumentText.model_validate_json(body)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False)) from exc
    return text_upload(doc.text, doc.title, doc.filename, max_bytes)


def text_upload(text: str, title: str | None, filename: str | None, max_bytes: int) -> Upload:
    """A document given as text (JSON upload, MCP tool): UTF-8 bytes under a sanitised name."""
    data = text.encode("utf-8")
    if len(data) > max_bytes:
        raise too_large(max_bytes)
    # Without a file name the text is plain text named after its title.
    filename = safe_filename(filename) if filename else safe_filename(title, fallback="text") + ".txt"
    return Upload(data, filename, title)

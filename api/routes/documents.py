"""The documents collection: upload (file or JSON text), list, read with canonical text, delete."""

from __future__ import annotations

import hashlib
from pathlib import PurePosixPath

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from rag.errors import NotFoundError, UnsupportedFileError
from rag.load import SUPPORTED_SUFFIXES, document_id
from rag.load.isolated import load_untrusted
from rag.service import RagService
from rag.store import StoredDocument

from ..auth import require_write
from ..deps import get_service
from ..errors import error_body
from ..schemas import (
    DocumentConflict,
    DocumentDetail,
    DocumentPage,
    DocumentText,
    DocumentUploaded,
    ErrorResponse,
)
from ..uploads import Upload, read_upload

router = APIRouter(tags=["documents"])

_DOC_ID = Path(description="A document id, as returned by upload or listing.",
               examples=["000_fb07636c2cdaa24d-982f4425"])
_ERROR = {"model": ErrorResponse, "description": "A JSON error: {error: {message, type, code}, detail}"}
# Far past any index's size, and inside SQLite's 64-bit integers (a larger OFFSET cannot even be bound).
MAX_OFFSET = 1_000_000_000

_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object", "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary",
                                 "description": "A .txt, .md, .html, .pdf, .docx, .pptx, .epub, .csv, .tsv, .json or .jsonl file. "
                                                "Its name is sanitised."},
                        "title": {"type": "string", "description": "Optional; replaces the detected title."},
                    },
                },
                "examples": {"file": {"summary": "A Markdown file",
                                      "value": {"file": "notes.md", "title": "Meeting notes"}}},
            },
            "application/json": {
                "schema": DocumentText.model_json_schema(),
                "examples": {"text": {"summary": "Plain text with a title", "value": {
                    "title": "Harbour report",
                    "text": "Harbour report\n\nThe harbour reopened on 3 May after six weeks of repairs."}}},
            },
        },
    }
}


def document_info(doc: StoredDocument) -> dict:
    return {"id": doc.id, "source": doc.source, "title": doc.title, "media_type": doc.media_type,
            "content_hash": doc.content_hash, "chars": doc.chars, "passages": doc.passages,
            "added_at": doc.added_at}


def store_upload(service: RagService, upload: Upload, replace: bool) -> tuple[int, dict]:
    """(HTTP status, body): a duplicate returns the stored document; a name taken by other content is a 409."""
    if PurePosixPath(upload.filename).suffix.lower() not in SUPPORTED_SUFFIXES:
        supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise UnsupportedFileError(f"{upload.filename}: unsupported file type; supported: {supported}")
    content_hash = hashlib.sha256(upload.data).hexdigest()
    same = service.document_with_hash(content_hash)
    if same is not None:
        return 200, {**document_info(same), "status": "duplicate"}
    doc_id = document_id(upload.source)
    try:
        taken, _ = service.document(doc_id)
    except NotFoundError:
        taken = None
    if taken is not None and not replace:
        message = (f"{upload.source} already exists as document {doc_id} with other content; "
                   "send replace=true to replace it, or upload under another file name")
        return 409, {**error_body(message, "conflict", 409), "document": document_info(taken)}
    doc = load_untrusted(upload.data, upload.filename, upload.source, upload.title,
                         timeout_s=service.settings.upload_parse_timeout_s)
    service.ingest_documents([doc])
    stored, _ = service.document(doc.id)
    return (200, {**document_info(stored), "status": "replaced"}) if taken else (201, {**document_info(stored), "status": "created"})


@router.post(
    "/v1/documents", status_code=201, response_model=DocumentUploaded, openapi_extra=_UPLOAD_BODY,
    dependencies=[Depends(require_write)], summary="Add a document (file upload or JSON text)",
    description="The document is searchable and answerable when this call returns. Identical bytes are detected "
                "by SHA-256: the stored document comes back with status `duplicate` and HTTP 200. A file name "
                "already used by other content is a 409 unless `replace=true`.",
    responses={200: {"model": DocumentUploaded, "description": "Duplicate or replaced"},
               409: {"model": DocumentConflict, "description": "The file name is taken by other content"},
               413: _ERROR, 415: _ERROR, 422: _ERROR},
)
async def upload_document(
    request: Request,
    replace: bool = Query(False, description="Replace a document of the same file name.", examples=[False]),
    service: RagService = Depends(get_service),
) -> JSONResponse:
    upload = await read_upload(request, service.settings.max_upload_bytes)
    status, body = await run_in_threadpool(store_upload, service, upload, replace)
    return JSONResponse(body, status_code=status)


@router.get("/v1/documents", response_model=DocumentPage, summary="List documents, oldest first, a page at a time")
def list_documents(
    limit: int = Query(20, ge=1, le=200, description="Documents per page.", examples=[20]),
    offset: int = Query(0, ge=0, le=MAX_OFFSET, description="Documents to skip.", examples=[0]),
    service: RagService = Depends(get_service),
) -> dict:
    documents, total = service.documents(limit, offset)
    return {"documents": [document_info(d) for d in documents], "total": total, "limit": limit, "offset": offset}


@router.get("/v1/documents/{doc_id}", response_model=DocumentDetail, responses={404: _ERROR},
            summary="A document's metadata and canonical text (citation offsets refer to it)")
def get_document(doc_id: str = _DOC_ID, service: RagService = Depends(get_service)) -> dict:
    info, text = service.document(doc_id)
    return {**document_info(info), "text": text}


@router.delete("/v1/documents/{doc_id}", status_code=204, dependencies=[Depends(require_write)],
               responses={404: _ERROR}, summary="Delete a document and its passages")
def delete_document(doc_id: str = _DOC_ID, service: RagService = Depends(get_service)) -> Response:
    service.remove(doc_id)
    return Response(status_code=204)

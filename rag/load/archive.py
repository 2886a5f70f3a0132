"""Opening zip containers (.docx, .pptx, .epub) safely: refuse bombs, corruption and encryption up front.

Everything is checked from the zip's central directory before a byte is inflated. The declared sizes are a
real bound: Python's zipfile stops inflating an entry at its declared size and fails its CRC check past it.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable
from typing import TypeVar

from rag.errors import DocumentLoadError

# A real Office file or EPUB holds tens to a few thousand parts, inflating to at most some hundreds of MB.
MAX_ENTRIES = 10_000
MAX_TOTAL_BYTES = 512 * 1024**2
MAX_RATIO = 200  # deflate's best case is about 1030:1; ordinary XML stays well under 100:1
_RATIO_FLOOR_BYTES = 1024**2  # small parts may compress extremely well without being a threat
_ENCRYPTED = 0x1
_Parsed = TypeVar("_Parsed")
# An encrypted Office file is not a zip at all but an OLE compound file (as are the old .doc and .ppt).
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def refuse_ole(data: bytes, name: str, kind: str) -> None:
    """Say what an OLE compound file named .docx/.pptx most likely is, rather than "not a zip file"."""
    if data.startswith(_OLE_MAGIC):
        raise DocumentLoadError(
            f"{name}: {kind} is encrypted (or in the old binary Office format); save it unprotected as {kind} and retry")


def open_zip(data: bytes, name: str, kind: str) -> zipfile.ZipFile:
    """The archive, once its directory shows it is readable, unencrypted and inflates to a bounded size.

    `kind` names the format in messages ("Word document"), so a refusal says what the file was taken for.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise DocumentLoadError(f"{name}: not a readable {kind} (not a valid zip file: {exc})") from exc
    if len(entries) > MAX_ENTRIES:
        raise DocumentLoadError(f"{name}: {kind} has {len(entries)} parts, more than {MAX_ENTRIES}; refused")
    if any(entry.flag_bits & _ENCRYPTED for entry in entries):
        raise DocumentLoadError(f"{name}: {kind} is encrypted")
    total = sum(entry.file_size for entry in entries)
    if total > MAX_TOTAL_BYTES:
        raise DocumentLoadError(f"{name}: {kind} would inflate to {total} bytes, more than {MAX_TOTAL_BYTES}; refused")
    for entry in entries:
        if entry.file_size > _RATIO_FLOOR_BYTES and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise DocumentLoadError(
                f"{name}: {kind} part {entry.filename} inflates {entry.file_size // max(entry.compress_size, 1)}"
                f" times over, more than {MAX_RATIO}; refused as a zip bomb")
    return archive


def read_part(archive: zipfile.ZipFile, part: str, name: str, kind: str) -> bytes:
    """One part's bytes; a damaged or missing part is the file's error, not a crash."""
    try:
        return archive.read(part)
    except KeyError as exc:
        raise DocumentLoadError(f"{name}: not a readable {kind}: part {part} is missing") from exc
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise DocumentLoadError(f"{name}: not a readable {kind}: part {part} is damaged ({exc})") from exc


def read_office(data: bytes, name: str, kind: str, read: Callable[[io.BytesIO], _Parsed]) -> _Parsed:
    """`read` (a python-docx or python-pptx reading) applied to an Office file that passed the checks above.

    Those libraries and lxml signal a malformed package with many exception types: each becomes the file's
    DocumentLoadError.
    """
    refuse_ole(data, name, kind)
    open_zip(data, name, kind)
    try:
        return read(io.BytesIO(data))
    except DocumentLoadError:
        raise
    except Exception as exc:
        raise DocumentLoadError(f"{name}: not a readable {kind}: {exc}") from exc

"""Loading: turn a file into a Document whose `text` is the canonical text every later offset refers to.

Each format module offers `parse(data, name) -> (canonical text, title, sections)`; this module picks
one by file suffix and builds the Document (id, source, hash) the same way for all of them.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

from rag.errors import DocumentLoadError, UnsupportedFileError
from rag.load import delimited, epub, html, jsondoc, markdown, pdf, powerpoint, text, word
from rag.records import Document, Section

_Parser = Callable[[bytes, str], tuple[str, str, tuple[Section, ...]]]

_READERS: dict[str, tuple[_Parser, str]] = {
    ".txt": (text.parse, "text/plain"),
    ".text": (text.parse, "text/plain"),
    ".rst": (text.parse, "text/plain"),
    ".md": (markdown.parse, "text/markdown"),
    ".markdown": (markdown.parse, "text/markdown"),
    ".html": (html.parse, "text/html"),
    ".htm": (html.parse, "text/html"),
    ".pdf": (pdf.parse, "application/pdf"),
    ".docx": (word.parse, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".pptx": (powerpoint.parse, "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ".epub": (epub.parse, "application/epub+zip"),
    ".csv": (delimited.parse, "text/csv"),
    ".tsv": (delimited.parse, "text/tab-separated-values"),
    ".json": (jsondoc.parse, "application/json"),
    ".jsonl": (jsondoc.parse, "application/jsonl"),
}
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(_READERS)

_SLUG_UNSAFE = re.compile(r"[^a-z0-9_-]+")
_SLUG_CHARS = 40


def document_id(source: str) -> str:
    """A stable, readable id: the slugged file stem plus a hash of the whole source, e.g. "guide-1a2b3c4d"."""
    stem = PurePosixPath(source.replace("\\", "/")).stem.lower()
    slug = _SLUG_UNSAFE.sub("-", stem).strip("-")[:_SLUG_CHARS].rstrip("-") or "doc"
    return f"{slug}-{hashlib.sha1(source.encode('utf-8')).hexdigest()[:8]}"


def default_source(path: Path) -> str:
    """The path relative to the working directory when it lies inside it, else absolute; "/" separators."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return absolute.as_posix()


def _suffix(filename: str) -> str:
    return PurePosixPath(filename.replace("\\", "/")).suffix.lower()


def load_bytes(data: bytes, filename: str, source: str | None = None, title: str | None = None) -> Document:
    """Parse `data` by the suffix of `filename`; `title`, when given, replaces the detected one."""
    suffix = _suffix(filename)
    if suffix not in _READERS:
        supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise UnsupportedFileError(
            f"{filename}: unsupported file type {suffix or '(no suffix)'}; supported: {supported}"
        )
    parse, media_type = _READERS[suffix]
    if not data.strip():
        raise DocumentLoadError(f"{filename} is empty")
    canonical, detected_title, sections = parse(data, filename)
    if not canonical.strip():
        raise DocumentLoadError(f"{filename} is empty: no text could be extracted")
    source = source or filename
    return Document(
        id=document_id(source),
        source=source,
        title=title.strip() if title and title.strip() else detected_title,
        text=canonical,
        content_hash=hashlib.sha256(data).hexdigest(),
        media_type=media_type,
        sections=sections,
    )


def load_path(path: Path, source: str | None = None) -> Document:
    """Read one file; `source` defaults to `default_source(path)`."""
    path = Path(path)
    name = default_source(path)
    if path.is_dir():
        raise DocumentLoadError(f"{name}: is a directory, not a file")
    if not path.exists():
        raise DocumentLoadError(f"{name}: no such file")
    if _suffix(path.name) not in _READERS:  # refuse before reading a possibly large file
        raise UnsupportedFileError(f"{name}: unsupported file type {path.suffix or '(no suffix)'}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentLoadError(f"{name}: cannot read: {exc.strerror or exc}") from exc
    return load_bytes(data, filename=name, source=source or name)


def find_files(paths: Iterable[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Expand directories (recursively, sorted, hidden entries skipped) into supported files.

    Returns the files to load and, for each path left out, why: unsupported type, missing, unreadable.
    A file named explicitly is kept even when hidden; each file appears once.
    """
    found: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for path in map(Path, paths):
        if path.is_dir():
            candidates = _walk(path, skipped)
        elif path.is_file():
            candidates = [path]
        elif path.exists():
            skipped.append((path, "not a regular file"))
            continue
        else:
            skipped.append((path, "no such file or directory"))
            continue
        for candidate in candidates:
            if _suffix(candidate.name) in _READERS:
                found.append(candidate)
            else:
                skipped.append((candidate, f"unsupported file type {candidate.suffix or '(no suffix)'}"))
    unique = list(dict.fromkeys(found))
    return unique, skipped


def _walk(directory: Path, skipped: list[tuple[Path, str]]) -> list[Path]:
    def unreadable(error: OSError) -> None:
        skipped.append((Path(error.filename or directory), f"cannot read directory: {error.strerror}"))

    files: list[Path] = []
    for root, dirs, names in os.walk(directory, onerror=unreadable):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        files.extend(Path(root, n) for n in names if not n.startswith(".") and Path(root, n).is_file())
    return sorted(files)

"""EPUB reader: the chapters in the reading order of the package's spine, each rendered by the HTML reader.

Chapters are joined by blank lines; their headings become sections, as in an HTML page. Only zipfile and the
HTML reader are needed. The package XML is parsed with the standard library after refusing entity
declarations, so no "billion laughs" expansion can happen.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import PurePosixPath
from urllib.parse import unquote
from xml.etree import ElementTree

from rag.errors import DocumentLoadError
from rag.load import html
from rag.load.archive import open_zip, read_part
from rag.load.text import MAX_TITLE_CHARS, sections_between
from rag.records import Section

KIND = "EPUB book"
_CONTAINER = "META-INF/container.xml"
_ENCRYPTION = "META-INF/encryption.xml"
_CONTENT_TYPES = frozenset({"application/xhtml+xml", "text/html", "application/x-dtbook+xml"})
_CIPHER_URI = re.compile(rb"""<(?:\w+:)?CipherReference[^>]*\sURI\s*=\s*["']([^"']+)["']""")


def parse(data: bytes, name: str) -> tuple[str, str, tuple[Section, ...]]:
    """Canonical text, title and sections of an EPUB book."""
    archive = open_zip(data, name, KIND)
    package_path = _package_path(archive, name)
    package = _xml(read_part(archive, package_path, name, KIND), name, package_path)
    chapters = _spine(package, posixpath.dirname(package_path))
    if not chapters:
        raise DocumentLoadError(f"{name}: {KIND} lists no chapters in its spine")
    _refuse_encrypted(archive, chapters, name)
    parts: list[str] = []
    headings: list[tuple[int, str, int]] = []
    offset = 0
    for chapter in chapters:
        text, _, chapter_sections = html.parse(read_part(archive, chapter, name, KIND), f"{name}:{chapter}")
        if not text.strip():
            continue
        if parts:
            offset += 2
        parts.append(text)
        headings.extend((s.start + offset, s.title, s.level) for s in chapter_sections)
        offset += len(text)
    sections = sections_between(headings, offset)
    title_tag = package.find(".//{*}metadata/{*}title")
    title = " ".join((title_tag.text or "").split()) if title_tag is not None else ""
    title = title or next((s.title for s in sections if s.level == 1), "") or PurePosixPath(name).stem
    return "\n\n".join(parts), title[:MAX_TITLE_CHARS], sections


def _xml(data: bytes, name: str, part: str) -> ElementTree.Element:
    if b"<!ENTITY" in data:
        raise DocumentLoadError(f"{name}: {KIND} part {part} declares XML entities; refused")
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise DocumentLoadError(f"{name}: not a readable {KIND}: part {part} is not valid XML ({exc})") from exc


def _package_path(archive: zipfile.ZipFile, name: str) -> str:
    """The package document (.opf) that META-INF/container.xml points to."""
    container = _xml(read_part(archive, _CONTAINER, name, KIND), name, _CONTAINER)
    rootfile = container.find(".//{*}rootfile")
    if rootfile is None or not rootfile.get("full-path"):
        raise DocumentLoadError(f"{name}: not a readable {KIND}: {_CONTAINER} names no package document")
    return unquote(rootfile.get("full-path", ""))


def _spine(package: ElementTree.Element, base: str) -> list[str]:
    """Paths inside the zip of the spine's (X)HTML documents, in reading order, each once."""
    manifest = {item.get("id"): item for item in package.iterfind(".//{*}manifest/{*}item")}
    paths: list[str] = []
    for itemref in package.iterfind(".//{*}spine/{*}itemref"):
        item = manifest.get(itemref.get("idref"))
        if item is None or item.get("media-type") not in _CONTENT_TYPES or not item.get("href"):
            continue
        href = unquote(item.get("href", "").split("#", 1)[0])
        paths.append(posixpath.normpath(posixpath.join(base, href)))
    return list(dict.fromkeys(paths))


def _refuse_encrypted(archive: zipfile.ZipFile, chapters: list[str], name: str) -> None:
    """DRM encrypts the chapters and lists them in META-INF/encryption.xml (fonts alone may be obfuscated)."""
    if _ENCRYPTION not in archive.namelist():
        return
    listed = {posixpath.normpath(unquote(uri.decode("utf-8", "replace")))
              for uri in _CIPHER_URI.findall(read_part(archive, _ENCRYPTION, name, KIND))}
    if listed & set(chapters):
        raise DocumentLoadError(f"{name}: {KIND} is encrypted (DRM)")

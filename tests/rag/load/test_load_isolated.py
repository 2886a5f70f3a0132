"""Loading untrusted bytes in a limited child process gives the same Document, or a clean DocumentLoadError."""

from __future__ import annotations

import pytest

from rag.errors import DocumentLoadError, UnsupportedFileError
from rag.load import load_bytes
from rag.load.isolated import load_untrusted

MARKDOWN = b"# Tide tables\n\nHigh water at Ormsby is at 06:12.\n\n## Spring tides\n\nThey come twice a month.\n"


def test_the_child_returns_the_same_document_as_loading_in_process():
    isolated = load_untrusted(MARKDOWN, "tides.md", source="uploads/tides.md", title="Tides")
    assert isolated == load_bytes(MARKDOWN, "tides.md", source="uploads/tides.md", title="Tides")
    assert [s.title for s in isolated.sections] == ["Tide tables", "Spring tides"]


def test_the_loaders_errors_keep_their_kind_and_message():
    with pytest.raises(UnsupportedFileError, match="tool.exe"):
        load_untrusted(b"MZ", "tool.exe")
    with pytest.raises(DocumentLoadError, match="latin.txt: not valid UTF-8"):
        load_untrusted("Café".encode("latin-1"), "latin.txt")


def test_a_document_needing_more_memory_than_allowed_is_refused_not_crashed():
    data = b"Title\n\n" + b"word " * 4_000_000  # 20 MB of text: needs well over 64 MiB to parse and return
    with pytest.raises(DocumentLoadError, match="big.txt"):
        load_untrusted(data, "big.txt", memory_bytes=64 * 1024**2)
    assert len(load_untrusted(data, "big.txt").text) == len(data)

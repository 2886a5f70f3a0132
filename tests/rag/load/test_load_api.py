"""The loading entry points: dispatch by suffix, ids, sources, hashes and directory expansion."""

import hashlib
from pathlib import Path

import pytest

from rag.errors import DocumentLoadError, UnsupportedFileError
from rag.load import SUPPORTED_SUFFIXES, default_source, document_id, find_files, load_bytes, load_path


def test_supported_suffixes() -> None:
    assert {".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx", ".pptx", ".epub", ".csv", ".tsv", ".json",
            ".jsonl"} <= SUPPORTED_SUFFIXES


def test_document_id_is_stable_slug_plus_source_hash() -> None:
    source = "docs/User Guide (v2).TXT"
    expected = "user-guide-v2-" + hashlib.sha1(source.encode()).hexdigest()[:8]
    assert document_id(source) == expected
    assert document_id(source) == document_id(source)
    assert document_id("other/User Guide (v2).TXT") != expected


def test_document_id_trims_long_stems_and_falls_back_to_doc() -> None:
    long_id = document_id("a" * 100 + ".md")
    assert long_id.startswith("a" * 40 + "-") and len(long_id) == 40 + 1 + 8
    assert document_id("日本語.txt").startswith("doc-")


def test_load_bytes_fills_the_document_record() -> None:
    data = b"Hello\n\nworld\n"
    doc = load_bytes(data, "greeting.TXT", title="  Custom  ")
    assert doc.source == "greeting.TXT"
    assert doc.id == document_id("greeting.TXT")
    assert doc.content_hash == hashlib.sha256(data).hexdigest()
    assert doc.title == "Custom"
    assert doc.text == "Hello\n\nworld\n"


def test_source_overrides_filename_for_id() -> None:
    doc = load_bytes(b"x", "a.md", source="https://example.org/a.md")
    assert doc.source == "https://example.org/a.md"
    assert doc.id == document_id("https://example.org/a.md")


def test_unsupported_suffix_names_the_file() -> None:
    with pytest.raises(UnsupportedFileError, match=r"report\.xlsx.*supported: .*\.docx"):
        load_bytes(b"PK", "report.xlsx")
    with pytest.raises(UnsupportedFileError, match="Makefile"):
        load_bytes(b"all:", "Makefile")


def test_load_path_uses_relative_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("# A\n\nbody\n")
    monkeypatch.chdir(tmp_path)
    doc = load_path(Path("docs/a.md"))
    assert doc.source == "docs/a.md"
    assert doc.id == document_id("docs/a.md")
    assert load_path(tmp_path / "docs" / "a.md").source == "docs/a.md"
    assert load_path(Path("docs/a.md"), source="manual").source == "manual"


def test_default_source_outside_cwd_is_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    assert default_source(Path("../x.txt")) == (tmp_path / "x.txt").as_posix()
    assert default_source(Path("sub/y.txt")) == "sub/y.txt"


def test_load_path_errors_name_the_path(tmp_path: Path) -> None:
    with pytest.raises(DocumentLoadError, match="missing.txt: no such file"):
        load_path(tmp_path / "missing.txt")
    with pytest.raises(DocumentLoadError, match="is a directory"):
        load_path(tmp_path)


def test_unreadable_file_is_a_load_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("x")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(DocumentLoadError, match="secret.txt: cannot read: Permission denied"):
        load_path(secret)


def test_find_files_expands_sorted_skips_hidden_and_reports_skips(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "notes.txt").write_text("x")
    (tmp_path / ".hidden.md").write_text("x")
    (tmp_path / "b" / "z.html").write_text("x")
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    explicit = tmp_path / "c.pdf"
    explicit.write_bytes(b"%PDF")
    files, skipped = find_files([tmp_path, explicit, tmp_path / "a.txt", tmp_path / "gone.md"])
    assert files == [tmp_path / "a.txt", tmp_path / "b" / "z.html", explicit]
    assert skipped == [
        (tmp_path / "image.png", "unsupported file type .png"),
        (tmp_path / "gone.md", "no such file or directory"),
    ]

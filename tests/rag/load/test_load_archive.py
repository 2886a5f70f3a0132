"""Zip-based formats: bombs, corruption and encryption are refused from the zip directory, naming the file."""

import zipfile

import pytest

from rag.errors import DocumentLoadError
from rag.load import archive, load_bytes
from rag.load.isolated import load_untrusted
from tests.rag.load.office_files import make_docx, make_epub, make_pptx, set_encrypted_flag, zip_bomb, zip_of

SUFFIXES = [".docx", ".pptx", ".epub"]


def good(suffix: str) -> bytes:
    if suffix == ".docx":
        return make_docx([("heading 1", "Tides"), ("para", "High water is at noon.")])
    if suffix == ".pptx":
        return make_pptx([{"title": "Tides", "body": ["High water is at noon."]}])
    return make_epub(["<h1>Tides</h1><p>High water is at noon.</p>"])


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_a_zip_bomb_is_refused_before_inflating(suffix: str) -> None:
    bomb = zip_bomb(64 * 1024**2)  # 64 MiB of zeros in about 64 KB
    assert len(bomb) < 200_000
    with pytest.raises(DocumentLoadError, match=rf"^bomb\{suffix}: .* inflates \d+ times over.*zip bomb"):
        load_bytes(bomb, f"bomb{suffix}")


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_too_much_inflated_data_or_too_many_parts_is_refused(suffix: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", 300)
    with pytest.raises(DocumentLoadError, match=rf"^big\{suffix}: .*would inflate to \d+ bytes, more than 300"):
        load_bytes(good(suffix), f"big{suffix}")
    monkeypatch.setattr(archive, "MAX_ENTRIES", 3)
    many = zip_of({f"part{i}.xml": b"<a/>" for i in range(4)})
    with pytest.raises(DocumentLoadError, match=rf"^many\{suffix}: .* has 4 parts, more than 3"):
        load_bytes(many, f"many{suffix}")


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_corrupt_and_truncated_files_are_refused(suffix: str) -> None:
    data = good(suffix)
    for broken in (data[: len(data) // 2], b"PK\x03\x04" + bytes(range(256)) * 8, b"just text, not a zip"):
        with pytest.raises(DocumentLoadError, match=rf"^bad\{suffix}: not a readable "):
            load_bytes(broken, f"bad{suffix}")


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_a_damaged_part_is_refused(suffix: str) -> None:
    data = bytearray(good(suffix))
    # Flip bytes inside every compressed part's data (after the local headers): inflating or the CRC check fails.
    with zipfile.ZipFile(__import__("io").BytesIO(bytes(data))) as zipped:
        for entry in zipped.infolist():
            if entry.compress_size > 20:
                at = entry.header_offset + 30 + len(entry.filename.encode()) + len(entry.extra) + 5
                data[at : at + 8] = b"\xff" * 8
    with pytest.raises(DocumentLoadError, match=rf"^damaged\{suffix}: "):
        load_bytes(bytes(data), f"damaged{suffix}")


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_an_encrypted_zip_is_refused(suffix: str) -> None:
    with pytest.raises(DocumentLoadError, match=rf"^locked\{suffix}: .* is encrypted"):
        load_bytes(set_encrypted_flag(good(suffix)), f"locked{suffix}")


@pytest.mark.parametrize("suffix", [".docx", ".pptx"])
def test_an_encrypted_office_file_which_is_an_ole_container_is_refused_as_encrypted(suffix: str) -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)
    with pytest.raises(DocumentLoadError, match=rf"^protected\{suffix}: .* is encrypted"):
        load_bytes(ole, f"protected{suffix}")


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_wrong_content_for_the_suffix_is_refused(suffix: str) -> None:
    other = {".docx": ".epub", ".pptx": ".docx", ".epub": ".pptx"}[suffix]
    with pytest.raises(DocumentLoadError, match=rf"^other\{suffix}: not a readable "):
        load_bytes(good(other), f"other{suffix}")


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_the_limited_child_process_reads_the_new_formats_like_the_server(suffix: str) -> None:
    data = good(suffix)
    assert load_untrusted(data, f"tides{suffix}") == load_bytes(data, f"tides{suffix}")
    with pytest.raises(DocumentLoadError, match=rf"^bomb\{suffix}: .*zip bomb"):
        load_untrusted(zip_bomb(64 * 1024**2), f"bomb{suffix}")

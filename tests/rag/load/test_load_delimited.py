"""CSV/TSV and JSON: each row or record on its own, with the column names or key paths that give it meaning."""

import pytest

from rag.errors import DocumentLoadError
from rag.load import load_bytes


def test_each_csv_row_carries_its_header_and_the_header_is_the_section() -> None:
    doc = load_bytes(b'name,city,age\r\nAnn,Oslo,31\r\nBob,,40\r\n,,\r\n"Lee, Jr.","New\nYork",7\r\n', "people.csv")
    assert doc.text == ("name | city | age\n\nname: Ann; city: Oslo; age: 31\n\nname: Bob; age: 40\n\n"
                        "name: Lee, Jr.; city: New York; age: 7")
    assert doc.title == "people"
    assert doc.media_type == "text/csv"
    assert [(s.title, s.start, s.end) for s in doc.sections] == [("name | city | age", 0, len(doc.text))]


@pytest.mark.parametrize(("name", "data"), [("a.csv", b"x;y\n1;2\n"), ("a.tsv", b"x\ty\n1\t2\n")])
def test_the_delimiter_is_detected_or_taken_from_the_suffix(name: str, data: bytes) -> None:
    assert load_bytes(data, name).text == "x | y\n\nx: 1; y: 2"


def test_a_row_longer_than_its_header_keeps_the_extra_values() -> None:
    assert load_bytes(b"a,b\n1,2,3\n", "wide.csv").text == "a | b\n\na: 1; b: 2; 3"


def test_binary_named_csv_is_refused() -> None:
    with pytest.raises(DocumentLoadError, match="bin.csv: looks like binary"):
        load_bytes(bytes(range(256)) * 4, "bin.csv")


def test_json_records_and_objects_render_with_key_paths() -> None:
    lines = b'{"q": "When?", "tags": ["a", "b"]}\n\n{"q": "Where?", "n": {"m": 1.5, "empty": null}}\n'
    assert load_bytes(lines, "qa.jsonl").text == "q: When?; tags[0]: a; tags[1]: b\n\nq: Where?; n.m: 1.5"
    obj = b'{"name": "Ormsby  light", "keepers": [{"name": "Ann"}], "lit": true}'
    assert load_bytes(obj, "light.json").text == "name: Ormsby light\n\nkeepers[0].name: Ann\n\nlit: true"


@pytest.mark.parametrize(("name", "data"), [("bad.json", b"{not json"), ("bad.jsonl", b'{"a": 1}\n{oops\n'),
                                            ("deep.json", b"[" * 100_000 + b"]" * 100_000)])
def test_invalid_or_hostile_json_is_refused(name: str, data: bytes) -> None:
    with pytest.raises(DocumentLoadError, match=f"{name}: not valid JSON"):
        load_bytes(data, name)

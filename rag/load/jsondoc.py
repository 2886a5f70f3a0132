"""JSON and JSON Lines reader: every value on a line with its key path ("address.city: Oslo").

A JSON Lines file, or a JSON array, is a list of records: each record is one line of "key: value" pairs
joined by "; ", like a CSV row. A JSON object renders one block per top-level key, a value per line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import PurePosixPath

from rag.errors import DocumentLoadError
from rag.load.text import MAX_TITLE_CHARS, decode
from rag.records import Section


def parse(data: bytes, name: str) -> tuple[str, str, tuple[Section, ...]]:
    """Canonical text and title (the file stem) of a .json or .jsonl file; JSON has no headings."""
    text = decode(data, name)
    try:
        if name.lower().endswith(".jsonl"):
            records, joiner = [json.loads(line) for line in text.splitlines() if line.strip()], "; "
        else:
            value = json.loads(text)
            if isinstance(value, dict):
                records, joiner = [{key: item} for key, item in value.items()], "\n"
            else:
                records, joiner = (value if isinstance(value, list) else [value]), "; "
        blocks = [joiner.join(_lines(record, "")) for record in records]
    except (ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError; deep nesting recurses
        raise DocumentLoadError(f"{name}: not valid JSON: {exc}") from exc
    return "\n\n".join(block for block in blocks if block), PurePosixPath(name).stem[:MAX_TITLE_CHARS], ()


def _lines(value: object, path: str) -> Iterator[str]:
    """ "path: value" for each scalar, in document order; lists index their items ("tags[0]")."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _lines(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _lines(item, f"{path}[{index}]")
    elif value is not None and str(value).strip():
        shown = " ".join(str(value).split()) if isinstance(value, str) else json.dumps(value)
        yield f"{path}: {shown}" if path else shown

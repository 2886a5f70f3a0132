"""Loading untrusted bytes in a child process with CPU, memory and wall-clock limits.

A small hostile file can cost a parser minutes of CPU or gigabytes of memory (a PDF whose compressed page
inflates to millions of text operators, deeply nested HTML). Parsing it in a child process that the kernel
limits keeps the server's own memory and threads out of reach: the worst a file can do is be refused.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from rag.errors import DocumentLoadError, MissingDependencyError, RagError, UnsupportedFileError
from rag.records import Document, Section

DEFAULT_TIMEOUT_S = 30.0
DEFAULT_MEMORY_BYTES = 2 * 1024**3
_ERRORS: dict[str, type[RagError]] = {
    "UnsupportedFileError": UnsupportedFileError, "MissingDependencyError": MissingDependencyError}
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])


def load_untrusted(data: bytes, filename: str, source: str | None = None, title: str | None = None,
                   timeout_s: float = DEFAULT_TIMEOUT_S, memory_bytes: int = DEFAULT_MEMORY_BYTES) -> Document:
    """Like `load_bytes`, but parsed in a child process limited to `timeout_s` (CPU and wall) and `memory_bytes`.

    Whatever goes wrong in the child (a parser error, the memory limit, the time limit) comes back as a
    DocumentLoadError naming the file, never as a crash of the caller.
    """
    header = {"filename": filename, "source": source, "title": title,
              "cpu_s": max(1, int(timeout_s + 0.999)), "memory_bytes": memory_bytes}
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (_PACKAGE_ROOT, os.environ.get("PYTHONPATH")) if p)}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "rag.load.isolated"], input=json.dumps(header).encode() + b"\n" + data,
            capture_output=True, timeout=timeout_s + 5, env=env, check=False)
    except subprocess.TimeoutExpired as exc:
        raise DocumentLoadError(f"{filename}: reading it took longer than {timeout_s:g} s; refused") from exc
    if done.returncode != 0 or not done.stdout:
        if done.returncode in (-24, -9):  # SIGXCPU, or SIGKILL once past the hard CPU limit
            raise DocumentLoadError(f"{filename}: reading it took more than {timeout_s:g} s of CPU; refused")
        raise DocumentLoadError(f"{filename}: could not be read within the parser's limits; refused")
    result = json.loads(done.stdout)
    if "error" in result:
        raise _ERRORS.get(result["error"]["kind"], DocumentLoadError)(result["error"]["message"])
    doc = result["document"]
    doc["sections"] = tuple(Section(**s) for s in doc["sections"])
    return Document(**doc)


def _child() -> None:
    import resource

    header_line, data = sys.stdin.buffer.read().split(b"\n", 1)
    header = json.loads(header_line)
    resource.setrlimit(resource.RLIMIT_CPU, (header["cpu_s"], header["cpu_s"] + 1))
    resource.setrlimit(resource.RLIMIT_AS, (header["memory_bytes"], header["memory_bytes"]))
    from dataclasses import asdict

    from rag.load import load_bytes

    try:
        doc = load_bytes(data, header["filename"], header["source"], header["title"])
        out = {"document": asdict(doc)}
    except MemoryError:
        out = {"error": {"kind": "DocumentLoadError",
                         "message": f"{header['filename']}: reading it needs more memory than allowed; refused"}}
    except RagError as exc:
        out = {"error": {"kind": type(exc).__name__, "message": str(exc)}}
    sys.stdout.write(json.dumps(out))


if __name__ == "__main__":
    _child()

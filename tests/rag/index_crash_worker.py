"""Crash-test worker ("zygote"): imports the library once, then forks one child per ingest batch.

Run as a script with PYTHONPATH=<repo>:<repo>/tests. Reads commands from stdin, one a line:
    <index folder or postgresql:// URL> <batch> <kill_after_s or -> <crash point or ->
For each, a forked child ingests batch <batch> (see `batch_documents`) into <index_dir>, with
RAG_CRASH_AT set to the crash point when one is given. The zygote kills the child with SIGKILL after
kill_after_s if it is still running (it is our unreaped child, so its pid cannot have been reused),
then answers one line: `killed <elapsed_s>` or `exited <status> <elapsed_s> [step=seconds,...]`, the
steps being when a finished child passed each crash point, so the test can aim kills at the writes.
Forking skips the ~1 s of imports per kill, so the test can afford dozens of kills.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

from hash_embedder import HashEmbedder

import rag.index as index_module
from rag.config import Settings
from rag.index import CRASH_ENV
from rag.index_backend import is_postgres_url
from rag.load import load_bytes
from rag.records import Document
from rag.service import RagService

DOCS_PER_BATCH = 20
ANCHOR_SOURCE = "crash/anchor.txt"
FILLER = "The committee reviewed the schedule and agreed on the next steps. "


def unique_sentence(batch: int, doc: int) -> str:
    return f"Envoy zq{batch}x{doc} signed accord hb{batch}y{doc} near kp{batch}z{doc} and mv{batch}q{doc}."


def anchor_sentence(batch: int) -> str:
    return f"The anchor record was last rewritten by batch kb{batch} of the crash test."


def batch_documents(batch: int) -> list[Document]:
    """Batch `batch`: DOCS_PER_BATCH new documents plus a new version of the shared anchor document."""
    docs = []
    for j in range(DOCS_PER_BATCH):
        # Mostly words of its own, so the hashing embedder tells the documents apart.
        notes = " ".join(f"n{batch}w{j}t{k}" for k in range(4 + j % 5))
        text = f"Record {batch}-{j}\n\n{FILLER}{unique_sentence(batch, j)} Notes: {notes}.\n"
        docs.append(load_bytes(text.encode(), f"b{batch}-d{j}.txt", source=f"crash/b{batch}/d{j}.txt"))
    docs.append(load_bytes(("Anchor\n\n" + FILLER + anchor_sentence(batch)).encode(), "anchor.txt",
                           source=ANCHOR_SOURCE))
    return docs


def settings_for(index: str | Path) -> Settings:
    """The settings of an index folder or of a PostgreSQL index (a `postgresql://` URL)."""
    if is_postgres_url(index):
        return Settings(index_url=str(index), lock_timeout_s=10)
    return Settings(index_dir=Path(index), lock_timeout_s=10)


def ingest(index: str | Path, batch: int) -> None:
    service = RagService(settings_for(index), embedder=HashEmbedder())
    service.warm_up()
    service.ingest_documents(batch_documents(batch))
    service.close()


def main() -> None:
    for line in sys.stdin:
        index_dir, batch, kill_after, point = line.split()
        read_end, write_end = os.pipe()
        started = time.monotonic()
        pid = os.fork()
        if pid == 0:
            os.close(read_end)
            marks: list[str] = []

            def mark(name: str, real=index_module.crash_point, marks=marks, started=started) -> None:  # noqa: ANN001
                marks.append(f"{name}={time.monotonic() - started:.4f}")
                real(name)

            index_module.crash_point = mark
            try:
                if point != "-":
                    os.environ[CRASH_ENV] = point
                ingest(index_dir, int(batch))
                os.write(write_end, ",".join(marks).encode())
                code = 0
            except BaseException as exc:  # report, never fall back into the zygote's loop
                print(f"child error: {exc!r}", file=sys.stderr, flush=True)
                code = 1
            os._exit(code)
        os.close(write_end)
        deadline = None if kill_after == "-" else started + float(kill_after)
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                steps = os.read(read_end, 65536).decode()
                print(f"exited {os.waitstatus_to_exitcode(status)} {time.monotonic() - started:.4f} {steps}".rstrip(),
                      flush=True)
                break
            if deadline is not None and time.monotonic() >= deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                print(f"killed {time.monotonic() - started:.4f}", flush=True)
                break
            time.sleep(0.0005)
        os.close(read_end)


if __name__ == "__main__":
    main()

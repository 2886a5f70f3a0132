"""A writer process for the concurrency test: waits for the start signal, then ingests its documents one by one.

Run as: python pg_writer.py URL WORKER DOCS GO_FILE (PYTHONPATH=<repo>:<repo>/tests). Each worker ingests the
shared document (the same source and content in every worker) between documents of its own, so the writers
race on one document while writing others; it prints `done` at the end.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from hash_embedder import HashEmbedder

from rag.config import Settings
from rag.load import load_bytes
from rag.records import Document
from rag.service import RagService

SHARED_SOURCE = "race/shared.txt"
SHARED_TEXT = "Shared\n\nEvery writer ingests this same report about the lighthouse keeper's logbook at once.\n"


def own_document(worker: int, j: int) -> Document:
    text = f"Worker {worker} note {j}\n\nThe courier w{worker}n{j} delivered parcel p{worker}x{j} to the depot.\n"
    return load_bytes(text.encode(), f"w{worker}-{j}.txt", source=f"race/w{worker}/{j}.txt")


def main() -> None:
    url, worker, docs, go = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
    service = RagService(Settings(index_url=url), embedder=HashEmbedder())
    service.warm_up()
    shared = load_bytes(SHARED_TEXT.encode(), "shared.txt", source=SHARED_SOURCE)
    while not go.exists():
        time.sleep(0.005)
    for j in range(docs):
        if j == docs // 2:
            service.ingest_documents([shared])
        service.ingest_documents([own_document(worker, j)])
    service.ingest_documents([shared])
    service.close()
    print("done", flush=True)


if __name__ == "__main__":
    main()

"""`make cluster`: a primary, a streaming read replica and two API replicas from the wheel, then `cluster-down`."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[3]
HARBOUR = ("Harbour report\n\nThe harbour of Valdport reopened on 3 May after six weeks of repairs to the "
           "northern breakwater.\n")

pytestmark = pytest.mark.slow


def cluster(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rag.pg.cluster", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_the_cluster_serves_cited_answers_from_two_replicas_over_one_database(tmp_path: Path) -> None:
    state = tmp_path / "cluster"
    started = cluster("up", "--state", str(state))
    try:
        assert started.returncode == 0, started.stderr[-3000:]
        lines = started.stdout.strip().splitlines()
        apis = [line.split()[1] for line in lines if line.startswith("api ")]
        assert len(apis) == 2 and any(line.startswith("db postgresql://") for line in lines)
        first, second = apis
        created = httpx.post(f"{first}/v1/documents", json={"title": "Harbour report", "text": HARBOUR}, timeout=60)
        assert created.status_code == 201, created.text
        # The second replica searches the streaming read replica: allow it the lag bound of the replica tests.
        deadline = time.monotonic() + 5
        while True:
            answer = httpx.post(f"{second}/v1/ask", json={"question": "When did the harbour of Valdport reopen?"},
                                timeout=60).json()
            if not answer["abstained"] or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert "3 May" in answer["answer"] and answer["citations"][0]["doc_id"] == created.json()["id"]
        seeded = httpx.get(f"{second}/v1/documents", timeout=30).json()["total"]
        assert seeded == 2  # seeds/ and the upload
    finally:
        stopped = cluster("down", "--state", str(state))
    assert stopped.returncode == 0 and stopped.stdout.count("stopped") == 4, stopped.stderr
    assert not (state / "cluster.json").exists()

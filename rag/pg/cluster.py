"""`make cluster`: a PostgreSQL primary, a streaming read replica and two API replicas on loopback, from the wheel.

    python -m rag.pg.cluster up [--state .cluster] [--apis 2] [--seed seeds]
    python -m rag.pg.cluster down [--state .cluster]

`up` returns once every API replica answers /readyz, printing `db URL`, `db-replica URL` and one `api URL` line
a replica; the state file records what to stop. The API replicas write to the primary and search the read replica
(RAG_INDEX_READ_URL). A sandbox to try the scale-out layout, not a production deployment (docs/scale-out.md).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from ..errors import RagError
from .server import LocalServer, free_port, init_primary, init_replica

STATE_FILE = "cluster.json"


def _serve(url: str, read_url: str, port: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "RAG_INDEX_URL": url, "RAG_INDEX_READ_URL": read_url, "HF_HUB_OFFLINE": "1"}
    with open(log, "ab") as out:
        return subprocess.Popen([sys.executable, "-m", "rag.cli", "serve", "--port", str(port)], env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def _wait_ready(url: str, proc: subprocess.Popen, log: Path, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        if proc.poll() is not None:
            raise RagError(f"the API replica {url} exited ({proc.returncode}); see {log}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        if time.monotonic() > deadline:
            raise RagError(f"the API replica {url} was not ready after {timeout_s:.0f} s; see {log}")
        time.sleep(0.3)


def up(state_dir: Path, apis: int, seed: Path | None, timeout_s: float = 300.0) -> dict:
    state_dir.mkdir(parents=True, exist_ok=True)
    if (state_dir / STATE_FILE).exists():
        raise RagError(f"a cluster is already up ({state_dir / STATE_FILE}): `make cluster-down` first")
    state: dict = {"servers": [], "apis": []}
    try:
        primary = init_primary()
        state["servers"].append({"root": str(primary.root), "port": primary.port})
        _save(state_dir, state)
        replica = init_replica(primary)
        state["servers"].append({"root": str(replica.root), "port": replica.port})
        state["db"], state["db_replica"] = primary.dsn(), replica.dsn()
        _save(state_dir, state)
        if seed is not None:  # also creates the schema, with the bundled embedder's dimension
            subprocess.run([sys.executable, "-m", "rag.cli", "ingest", str(seed), "--index", primary.dsn()],
                           check=True, stdout=subprocess.DEVNULL, env={**os.environ, "HF_HUB_OFFLINE": "1"})
        procs = []
        for i in range(apis):
            port = free_port()
            log = state_dir / f"api-{i}.log"
            proc = _serve(primary.dsn(), replica.dsn(), port, log)
            state["apis"].append({"url": f"http://127.0.0.1:{port}", "pid": proc.pid, "log": str(log)})
            procs.append(proc)
            _save(state_dir, state)
        for api, proc in zip(state["apis"], procs, strict=True):
            _wait_ready(api["url"], proc, Path(api["log"]), timeout_s)
    except BaseException:
        down(state_dir)
        raise
    return state


def down(state_dir: Path) -> list[str]:
    """Stop what the state file names (API replicas first, then the replica and the primary); what was stopped."""
    path = state_dir / STATE_FILE
    if not path.exists():
        return []
    state = json.loads(path.read_text())
    stopped = []
    for api in state.get("apis", []):
        with contextlib.suppress(ProcessLookupError):
            os.kill(api["pid"], signal.SIGTERM)
            for _ in range(100):
                os.kill(api["pid"], 0)
                time.sleep(0.1)
            os.kill(api["pid"], signal.SIGKILL)
        stopped.append(f"api {api['url']}")
    for server in reversed(state.get("servers", [])):
        LocalServer(Path(server["root"]), server["port"]).remove()
        stopped.append(f"db 127.0.0.1:{server['port']}")
    path.unlink()
    return stopped


def _save(state_dir: Path, state: dict) -> None:
    (state_dir / STATE_FILE).write_text(json.dumps(state, indent=2))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rag.pg.cluster", description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["up", "down"])
    parser.add_argument("--state", type=Path, default=Path(".cluster"), help="where the cluster's state is kept")
    parser.add_argument("--apis", type=int, default=2, help="API replicas to start")
    parser.add_argument("--seed", type=Path, default=Path("seeds"), help="documents to ingest first ('' for none)")
    args = parser.parse_args(argv)
    try:
        if args.action == "down":
            for line in down(args.state):
                print(f"stopped {line}")
            return 0
        state = up(args.state, args.apis, args.seed if str(args.seed) not in ("", ".") else None)
    except RagError as exc:
        print(f"cluster: error: {exc}", file=sys.stderr)
        return 1
    print(f"db {state['db']}")
    print(f"db-replica {state['db_replica']}")
    for api in state["apis"]:
        print(f"api {api['url']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

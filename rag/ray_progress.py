"""Progress of a long ingest (files, passages, passages/s, ETA) as one line on stderr every few seconds."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO


@dataclass
class Progress:
    """Counts so far. The ETA is by bytes: passages are not known before a file is split, its size is."""

    files: int
    bytes_total: int
    started: float  # time.monotonic() at the start
    files_done: int = 0
    bytes_done: int = 0
    passages: int = 0

    def line(self, now: float | None = None) -> str:
        elapsed = max((now if now is not None else time.monotonic()) - self.started, 1e-9)
        rate = self.passages / elapsed
        eta = "?"
        # Until a twentieth is done, one small file would set the pace of the whole run.
        if self.bytes_done * 20 >= self.bytes_total > self.bytes_done:
            eta = _duration(elapsed * (self.bytes_total - self.bytes_done) / self.bytes_done)
        elif self.files_done >= self.files:
            eta = "0s"
        return (f"files {self.files_done}/{self.files}, {self.passages} passages, {rate:.1f} passages/s, "
                f"elapsed {_duration(elapsed)}, ETA {eta}")


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def progress_printer(every_s: float = 5.0, stream: TextIO | None = None) -> Callable[[Progress], None]:
    """A callback that prints the progress line at most every `every_s` seconds."""
    last = [0.0]

    def report(progress: Progress) -> None:
        now = time.monotonic()
        if now - last[0] >= every_s:
            last[0] = now
            print(progress.line(now), file=stream or sys.stderr, flush=True)

    return report

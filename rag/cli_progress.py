"""How the command line shows progress (rag.progress): a live bar on a terminal, a plain line every few seconds
in a log, nothing with --quiet."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from .progress import NoProgress, Progress

LINE_INTERVAL_S = 5.0


def make_progress(quiet: bool, label: str, stream: TextIO | None = None) -> Progress:
    """The right display for `stream` (stderr by default): bars on a terminal, lines otherwise."""
    stream = stream or sys.stderr
    if quiet:
        return NoProgress()
    if stream.isatty():
        return BarProgress(stream)
    return LineProgress(label, stream)


def _rate(done: int, elapsed: float) -> float:
    return done / elapsed if elapsed > 0 else 0.0


class LineProgress:
    """A line when a stage starts, one every `interval_s` while it runs (done, rate, ETA), and one when it ends."""

    def __init__(self, label: str, stream: TextIO | None = None, interval_s: float = LINE_INTERVAL_S) -> None:
        self._label, self._stream, self._interval_s = label, stream or sys.stderr, interval_s
        self._stage, self._unit, self._total, self._done = "", "", None, 0
        self._started = self._printed = 0.0

    def start(self, stage: str, total: int | None, unit: str) -> None:
        self._stage, self._total, self._unit, self._done = stage, total, unit, 0
        self._started = self._printed = time.monotonic()
        self._line(f"{stage}: {total} {unit}" if total is not None else f"{stage} ...")

    def advance(self, count: int = 1) -> None:
        self._done += count
        now = time.monotonic()
        if now - self._printed < self._interval_s:
            return
        self._printed = now
        rate = _rate(self._done, now - self._started)
        line = f"{self._stage}: {self._done}"
        if self._total:
            eta = (self._total - self._done) / rate if rate else float("inf")
            line += f"/{self._total} {self._unit} ({100 * self._done / self._total:.0f}%)"
            line += f", {rate:.1f} {self._unit}/s, ETA {eta:.0f} s"
        else:
            line += f" {self._unit}, {rate:.1f} {self._unit}/s"
        self._line(line)

    def finish(self) -> None:
        elapsed = time.monotonic() - self._started
        if self._done:
            self._line(f"{self._stage}: done, {self._done} {self._unit} in {elapsed:.1f} s "
                       f"({_rate(self._done, elapsed):.1f} {self._unit}/s)")
        else:
            self._line(f"{self._stage}: done in {elapsed:.1f} s")

    def _line(self, text: str) -> None:
        print(f"[{self._label} {time.strftime('%H:%M:%S')}] {text}", file=self._stream, flush=True)


class BarProgress:
    """One tqdm bar per stage: count, rate and ETA (tqdm is a dependency of the model libraries already)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stderr
        self._bar = None

    def start(self, stage: str, total: int | None, unit: str) -> None:
        from tqdm import tqdm

        self.finish()
        # A stage of unknown size (writing the index) shows its name and the time it took, not a count.
        shape = {} if total is not None else {"bar_format": "{desc} ... {elapsed}"}
        self._bar = tqdm(total=total, unit=f" {unit}", desc=stage, file=self._stream, dynamic_ncols=True,
                         leave=True, **shape)

    def advance(self, count: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(count)

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

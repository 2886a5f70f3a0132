"""Progress of long work (ingesting, benchmarking) reported through a small protocol, so the library never prints.

The library announces stages and advances them; whoever called it (the CLI) decides how to show that.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def start(self, stage: str, total: int | None, unit: str) -> None:
        """A stage begins; `total` units of work are expected (None when unknown)."""

    def advance(self, count: int = 1) -> None:
        """`count` more units of the current stage are done."""

    def finish(self) -> None:
        """The current stage is over."""


class NoProgress:
    """Reports nothing: the default for library callers that show no progress."""

    def start(self, stage: str, total: int | None, unit: str) -> None:
        pass

    def advance(self, count: int = 1) -> None:
        pass

    def finish(self) -> None:
        pass

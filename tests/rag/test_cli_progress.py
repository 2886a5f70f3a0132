"""Progress display: lines with rate and ETA in a log, a bar on a terminal, nothing when quiet."""

import io

from rag.cli_progress import BarProgress, LineProgress, make_progress
from rag.progress import NoProgress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_lines_report_count_rate_and_eta_then_the_total() -> None:
    out = io.StringIO()
    progress = LineProgress("ingest", out, interval_s=0.0)
    progress.start("embed", 10, "passages")
    progress.advance(4)
    progress.finish()
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("[ingest ") and lines[0].endswith("] embed: 10 passages")
    assert "embed: 4/10 passages (40%)" in lines[1] and "passages/s, ETA" in lines[1]
    assert "embed: done, 4 passages in" in lines[2] and "passages/s)" in lines[2]


def test_lines_are_spaced_by_the_interval() -> None:
    out = io.StringIO()
    progress = LineProgress("ingest", out, interval_s=3600.0)
    progress.start("load", 1000, "files")
    for _ in range(1000):
        progress.advance()
    progress.finish()
    assert len(out.getvalue().splitlines()) == 2  # the start and the end; no line within the hour


def test_a_stage_of_unknown_size_says_how_long_it_took() -> None:
    out = io.StringIO()
    progress = LineProgress("bench", out)
    progress.start("write", None, "documents")
    progress.finish()
    assert out.getvalue().splitlines()[0].endswith("write ...")
    assert "write: done in " in out.getvalue().splitlines()[1]


def test_the_display_follows_the_stream_and_quiet() -> None:
    assert isinstance(make_progress(False, "ingest", io.StringIO()), LineProgress)
    assert isinstance(make_progress(False, "ingest", _Terminal()), BarProgress)
    assert isinstance(make_progress(True, "ingest", _Terminal()), NoProgress)


def test_the_bar_shows_the_rate_of_its_unit() -> None:
    out = _Terminal()
    progress = BarProgress(out)
    progress.start("embed", 8, "passages")
    progress.advance(8)
    progress.finish()
    assert "embed: 100%" in out.getvalue() and "8/8" in out.getvalue() and "passages/s" in out.getvalue()

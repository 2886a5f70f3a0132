"""The `rag eval` command: parse bounds, run, write the reports, print a summary, enforce --fail-under."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TextIO

from rag.errors import InvalidInputError

from .scoring import QUALITY_METRICS

RUNS_DIR = Path(__file__).resolve().parent / "runs"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("questions", help="a question set (.jsonl, SQuAD .json, or a BEIR folder), or `compare`")
    p.add_argument("runs", nargs="*", help="with `compare`: the two run folders RUN_A RUN_B")
    p.add_argument("--url", default=None, help="evaluate a running service over HTTP instead of --index")
    p.add_argument("--api-key", default=None, help="API key for --url (default: $RAG_EVAL_API_KEY)")
    p.add_argument("--out", type=Path, default=None, help="report folder (default: evals/runs/<timestamp>)")
    p.add_argument("--fail-under", action="append", default=[], metavar="METRIC=VALUE",
                   help="exit non-zero when METRIC is below VALUE (repeatable)")
    p.add_argument("--split", choices=("calibrate", "heldout"), default=None, help="only this split")
    p.add_argument("--concurrency", type=int, default=None, help="questions in flight at once with --url (4)")
    p.add_argument("--format", choices=("auto", "jsonl", "beir", "squad"), default="auto")
    p.add_argument("--allow-malformed", action="store_true",
                   help="evaluate the well-formed entries and list the malformed ones in the report")


def parse_bounds(specs: list[str]) -> dict[str, float]:
    bounds: dict[str, float] = {}
    for spec in specs:
        name, sep, value = spec.partition("=")
        name = name.strip()
        if not sep or name not in QUALITY_METRICS:
            raise InvalidInputError(f"--fail-under {spec!r}: expected METRIC=VALUE with METRIC one of "
                                    + ", ".join(QUALITY_METRICS))
        try:
            bounds[name] = float(value)
        except ValueError as exc:
            raise InvalidInputError(f"--fail-under {spec!r}: {value!r} is not a number") from exc
    return bounds


def missed_bounds(metrics: dict, bounds: dict[str, float]) -> list[str]:
    """One message per bound the run misses; a metric with no value misses its bound."""
    missed = []
    for name, bound in bounds.items():
        value = metrics.get(name)
        if value is None:
            missed.append(f"{name} has no value in this run (bound {bound})")
        elif value < bound:
            missed.append(f"{name} {value:.4f} is under the bound {bound}")
    return missed


def progress_printer(stream: TextIO | None = None) -> tuple[Callable[[int, int], None], Callable[[], None]]:
    """A tqdm bar on a terminal; otherwise a plain line about every tenth of the way (to stderr by default)."""
    stream = stream or sys.stderr
    if stream.isatty():
        try:
            from tqdm import tqdm
        except ImportError:
            tqdm = None
        if tqdm is not None:
            bar = None

            def update(done: int, total: int) -> None:
                nonlocal bar
                if bar is None:
                    # shutil falls back to 80x24 where the terminal reports 0x0 (tqdm would then draw nothing).
                    size = shutil.get_terminal_size()
                    bar = tqdm(total=total, file=stream, unit="q", desc="eval", ncols=size.columns, nrows=size.lines)
                bar.update(done - bar.n)

            return update, lambda: bar.close() if bar else None

    def line(done: int, total: int) -> None:
        if done == total or done % max(1, total // 10) == 0:
            print(f"eval: {done}/{total} questions", file=stream, flush=True)

    return line, lambda: None


def run_command(args: argparse.Namespace) -> int:
    if args.questions == "compare" and not Path("compare").exists():
        if len(args.runs) != 2:
            raise InvalidInputError("usage: rag eval compare RUN_A RUN_B")
        from .compare import compare_text

        print(compare_text(Path(args.runs[0]), Path(args.runs[1])))
        return 0
    if args.runs:
        raise InvalidInputError(f"unexpected arguments: {' '.join(args.runs)}")
    bounds = parse_bounds(args.fail_under)
    from .report import fmt, write_reports  # imported before the run, so a broken install fails fast
    from .runner import EvalConfig, evaluate

    config = EvalConfig(
        questions=Path(args.questions), format=args.format, index=Path(args.index) if args.index else None, url=args.url,
        api_key=args.api_key or os.environ.get("RAG_EVAL_API_KEY") or None, concurrency=args.concurrency,
        split=args.split, allow_malformed=args.allow_malformed)
    update, close = progress_printer()
    try:
        run = evaluate(config, update)
    finally:
        close()
    out = args.out or RUNS_DIR / datetime.now().strftime("%Y%m%d-%H%M%S")
    write_reports(run, out)
    for name in QUALITY_METRICS:
        print(f"{name:<24}{fmt(run.metrics.get(name)):>8}")
    lat = run.metrics["latency_ms"]["ask" if run.metrics["latency_ms"]["ask"]["n"] else "search"]
    print(f"{'latency p50/p95 ms':<24}{fmt(lat['p50']):>8} / {fmt(lat['p95'])}")
    print(f"report: {out / 'report.md'}")
    status = 0
    errors = run.metrics["counts"]["errors"]
    if errors:
        print(f"rag: eval: {errors} questions failed with errors (see {out / 'questions.jsonl'})", file=sys.stderr)
        status = 1
    for message in missed_bounds(run.metrics, bounds):
        print(f"rag: eval: {message}", file=sys.stderr)
        status = 1
    return status

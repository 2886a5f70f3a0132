"""The `rag` command line. Heavy modules are imported inside commands so `rag --help` stays instant."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from .config import Settings
from .errors import InvalidInputError, RagError


def _service(args: argparse.Namespace, create: bool = True):  # noqa: ANN202 - RagService, imported lazily
    from .service import RagService

    service = RagService(_settings(args))
    service.warm_up(create=create)
    return service


def _settings(args: argparse.Namespace, **overrides: object) -> Settings:
    """`--index` is a folder or a `postgresql://` URL; either overrides $RAG_INDEX_URL and $RAG_INDEX_DIR."""
    from .index_backend import is_postgres_url

    if args.index is None:
        return Settings.from_env(**overrides)
    if is_postgres_url(args.index):
        return Settings.from_env(index_url=args.index, **overrides)
    return Settings.from_env(index_dir=Path(args.index), index_url="", **overrides)


def _print_json(data: object) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def cmd_ingest(args: argparse.Namespace) -> int:
    if args.ray is not None:
        return _ingest_with_ray(args)
    from .cli_progress import make_progress

    progress = make_progress(args.quiet, "ingest")
    report = _service(args).ingest_paths([Path(p) for p in args.paths], prune=args.prune, progress=progress)
    if args.json:
        _print_json(report.as_dict())
    else:
        _print_ingest_summary(report)
    return 0


def _print_ingest_summary(report, extra: str = "") -> None:  # noqa: ANN001 - an IngestReport, imported lazily
    print(f"added {len(report.added)}, updated {len(report.updated)}, unchanged {len(report.unchanged)}, "
          f"removed {len(report.removed)}, skipped {len(report.skipped)}; {report.passages} new passages" + extra)
    for path, reason in report.skipped:
        print(f"skipped {path}: {reason}", file=sys.stderr)


def _ingest_with_ray(args: argparse.Namespace) -> int:
    from .ray_ingest import RayIngestOptions, ingest_with_ray
    from .ray_progress import progress_printer

    if args.ray_workers is not None and args.ray_workers < 1:
        raise InvalidInputError(f"--ray-workers must be at least 1, got {args.ray_workers}")
    options = RayIngestOptions(address=args.ray or None, workers=args.ray_workers or 0)
    result = ingest_with_ray(_settings(args), [Path(p) for p in args.paths], prune=args.prune, options=options,
                             progress=None if args.quiet else progress_printer())
    if args.json:
        _print_json(result.as_dict())
        return 0
    ray = result.as_dict()["ray"]
    _print_ingest_summary(result.report, f"\nray ({ray['address']}): {ray['workers']} workers, {ray['seconds']} s, "
                                         f"{ray['passages_per_s']} passages/s, {ray['commits']} commits")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    _service(args, create=False).remove(args.doc_id)
    print(f"removed {args.doc_id}")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    hits = _service(args, create=False).search(args.query, args.k)
    if args.json:
        _print_json([h.as_dict() for h in hits])
        return 0
    for rank, hit in enumerate(hits, start=1):
        p = hit.passage
        print(f"{rank}. [{hit.score:.3f}] {hit.title} ({hit.source} {p.start}-{p.end})")
        print("   " + " ".join(p.text.split())[:300])
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    answer = _service(args, create=False).ask(args.question, args.k)
    if args.json:
        _print_json(answer.as_dict())
        return 0
    print(answer.text)
    for c in answer.citations:
        print(f"[{c.number}] {c.title} — {c.source} chars {c.start}-{c.end}")
    return 0


def _index(args: argparse.Namespace):  # noqa: ANN202 - an IndexBackend, imported lazily
    """The index alone, whatever its embedder: checking and repairing need no model."""
    from .index_backend import open_index

    return open_index(_settings(args), None, None)


def cmd_check(args: argparse.Namespace) -> int:
    index = _index(args)
    problems = index.check()
    state = index.state()
    if problems:
        for problem in problems:
            print(f"problem: {problem}", file=sys.stderr)
        return 1
    print(f"ok: generation {state.generation}, {state.documents} documents, {state.passages} passages")
    return 0


def cmd_repair(args: argparse.Namespace) -> int:
    index = _index(args)
    actions = index.repair()
    for action in actions:
        print(action)
    problems = index.check()
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    state = index.state()
    if not problems:
        print(f"ok: generation {state.generation}, {state.documents} documents, {state.passages} passages"
              + ("" if actions else " (nothing to repair)"))
    return 1 if problems else 0


def cmd_migrate(args: argparse.Namespace) -> int:
    service = _service(args, create=False)  # opening a writable index of an older format migrates it
    manifest = getattr(service.index, "manifest", None)
    if manifest is None:
        raise RagError("`rag migrate` brings a local index folder up to date; PostgreSQL uses `rag db migrate`")
    print(f"ok: format {manifest.format_version}, {manifest.passages} passages")
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    """Schema migrations of a PostgreSQL index (rag/pg/migrations.py)."""
    from .pg import migrations
    from .pg.pool import Pool

    settings = _settings(args)
    if not settings.index_url:
        raise RagError("`rag db` works on a PostgreSQL index: pass --index postgresql://... or set RAG_INDEX_URL")
    pool = Pool(settings.index_url)
    try:
        with pool.connection() as conn:
            if args.action == "status":
                todo = migrations.pending(conn)
                version = migrations.applied_version(conn)
                print(f"schema version {version} of {migrations.LATEST}; "
                      + (", ".join(f"pending: {m.version} ({m.name})" for m in todo) or "up to date"))
                if version:
                    built = migrations.hnsw_params(conn)
                    print("HNSW index: " + (f"m {built.m}, ef_construction {built.ef_construction}, {built.storage}"
                                            if built else "none (dropped for a bulk load?)"))
                return 0
            applied = migrations.migrate(conn, args.dimension, only_additive=False,
                                         hnsw=migrations.HnswParams(settings.hnsw_m, settings.hnsw_ef_construction,
                                                                    settings.hnsw_storage))
    finally:
        pool.close()
    for m in applied:
        print(f"applied migration {m.version}: {m.name}")
    print(f"ok: schema version {migrations.LATEST}" + ("" if applied else " (nothing to apply)"))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app
    from api.auth import check_bind
    from api.logs import configure_logging

    configure_logging()
    settings = _settings(args, host=args.host, port=args.port)
    check_bind(settings, allow_open=args.allow_open or os.environ.get("RAG_ALLOW_OPEN", "") in ("1", "true", "yes"))
    # The app logs each request (JSON, with its request id): uvicorn's own access log would repeat it.
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info",
                log_config=None, access_log=False)
    return 0


def cmd_mcp(args: argparse.Namespace) -> int:
    import contextlib

    import anyio

    from api.mcp_server import build_server

    # stdout is the protocol's channel: anything printed while the model loads goes to stderr instead.
    with contextlib.redirect_stdout(sys.stderr):
        service = _service(args)  # may create the index: add_document can fill an empty one
        server = build_server(service)
    try:
        anyio.run(server.run_stdio_async)
    finally:
        service.close()
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from evals.command import run_command

    return run_command(args)


def cmd_bench(args: argparse.Namespace) -> int:
    from evals.bench.run import main as bench_main

    return bench_main(args.bench_args)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("rag-cited")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """One line, not argparse's usage block: bad input gets a one-line error and exit status 2."""
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="rag", description="Question answering over your documents, with exact citations.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--index", default=None,
                        help="index folder, or a postgresql:// URL (default: $RAG_INDEX_URL, else $RAG_INDEX_DIR or index/)")
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, func: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        p.set_defaults(func=func)
        return p

    p = add("ingest", cmd_ingest, "add or update files and folders (txt, md, html, pdf, docx, pptx, epub, csv, tsv, json, jsonl)")
    p.add_argument("paths", nargs="+")
    p.add_argument("--prune", action="store_true",
                   help="also remove documents once read from these folders whose files are gone")
    p.add_argument("--json", action="store_true", help="print the final report as JSON")
    p.add_argument("--quiet", "-q", action="store_true", help="show no progress (a bar on a terminal, else a line every few seconds on stderr)")
    p.add_argument("--ray", nargs="?", const="", default=None, metavar="ADDRESS",
                   help="spread the work over the Ray cluster at ADDRESS, or a local one started for the run; "
                        "put it after the paths or write --ray=ADDRESS (docs/scale-out.md)")
    p.add_argument("--ray-workers", type=int, default=None, metavar="N",
                   help="embedding workers of a --ray run (default: one per CPU of the cluster)")
    p = add("remove", cmd_remove, "remove a document by id")
    p.add_argument("doc_id")
    p = add("search", cmd_search, "show the passages that best match a query")
    p.add_argument("query")
    p.add_argument("-k", type=int, default=5)
    p.add_argument("--json", action="store_true")
    p = add("ask", cmd_ask, "answer a question with cited excerpts")
    p.add_argument("question")
    p.add_argument("-k", type=int, default=None)
    p.add_argument("--json", action="store_true")
    add("check", cmd_check, "check the index for consistency")
    add("repair", cmd_repair, "bring the index back to its last committed version, made consistent")
    add("migrate", cmd_migrate, "bring an index of an older format up to date (makes its sentence vectors)")
    p = add("db", cmd_db, "PostgreSQL index: `rag db migrate` applies schema migrations, `rag db status` lists them")
    p.add_argument("action", choices=["migrate", "status"])
    p.add_argument("--dimension", type=int, default=384,
                   help="vector dimension when the database has no schema yet (default: 384, the bundled embedder's)")
    p = add("serve", cmd_serve, "serve the HTTP API")
    p.add_argument("--host", default=None)
    p.add_argument("--port", type=int, default=None)
    p.add_argument("--allow-open", action="store_true",
                   help="serve without API keys on a non-loopback host (also RAG_ALLOW_OPEN=1)")
    add("mcp", cmd_mcp, "serve the Model Context Protocol over stdio, for assistants and editors (docs/mcp.md)")
    p = add("eval", cmd_eval, "score answers and retrieval on a question set; `rag eval compare A B` compares runs")
    from evals.command import add_arguments as add_eval_arguments

    add_eval_arguments(p)
    p = add("bench", cmd_bench, "run the benchmarks (evals/bench/README.md; options: python -m evals.bench --help)")
    p.add_argument("bench_args", nargs=argparse.REMAINDER)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if getattr(args, "func", None) is cmd_bench:  # the bench has its own options
        args.bench_args = [*extra, *args.bench_args]
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return args.func(args)
    except RagError as exc:
        print(f"rag: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

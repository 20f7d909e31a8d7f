"""`python -m bench`: generate a library, serve Careleaf and its ceiling, load both, report."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shlex
import sys
import uuid
from pathlib import Path

from bench import report, stores
from bench.load import wrk_version
from bench.runner import BenchSettings, Library, measure_store, prepare_store
from bench.servers import GunicornSettings

HERE = Path(__file__).resolve().parent


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--articles",
        type=lambda text: [int(size) for size in text.split(",")],
        default=[1000],
        help="library size, or sizes measured side by side in one run: 1000,100000 (1000)",
    )
    parser.add_argument(
        "--stores", default="sqlite,postgresql", help="comma-separated: sqlite,postgresql"
    )
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432"),
        help="PostgreSQL server; the bench creates and drops database careleaf_bench on it",
    )
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per run (8)")
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up seconds (2)")
    parser.add_argument("--rounds", type=int, default=1, help="alternating rounds per target")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--load-tool", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--reuse", action="store_true", help="keep an existing library of N")
    parser.add_argument("--keep", action="store_true", help="do not drop the stores afterwards")
    parser.add_argument("--note", action="append", default=[], help="a line for RESULTS.md")
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument(
        "--render", action="store_true", help="only rewrite RESULTS.md from RESULTS.json"
    )
    return parser.parse_args(argv)


def load_tool(choice: str) -> str:
    version = wrk_version()
    if choice == "wrk" and version is None:
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")
    if choice == "auto":
        choice = "wrk" if version else "python"
    return (version or "wrk") if choice == "wrk" else "Python client (bench/pyload.py)"


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    if args.render:
        report.rerender(args.results.with_suffix(".json"), args.results)
        return
    tool = load_tool(args.load_tool)
    gunicorn = GunicornSettings(args.workers, args.worker_class, args.threads)
    settings = BenchSettings(
        tool="wrk" if tool.startswith("wrk") else "python",
        connections=args.connections,
        duration=args.duration,
        warmup=args.warmup,
        rounds=args.rounds,
        gunicorn=gunicorn,
        run_id=uuid.uuid4().hex[:8],
    )
    command = "python -m bench " + shlex.join(sys.argv[1:] if argv is None else argv)
    records = {size: new_record(args, size, gunicorn, tool, command) for size in args.articles}
    for store in args.stores.split(","):
        libraries = prepare_libraries(store, args)
        if not libraries:
            for record in records.values():
                record["notes"].append(f"{store} skipped: its store could not be prepared")
            continue
        try:
            measured = measure_store(store, libraries, settings)
        finally:
            if not args.keep:
                for library in libraries:
                    stores.drop(library.url)
        for size, rows in measured.items():
            records[size]["stores"].append(rows)
            if store == "postgresql":
                records[size]["machine"]["postgresql"] = libraries[0].prepared.server_version
    if not any(record["stores"] for record in records.values()):
        sys.exit("no store could be measured")
    for record in records.values():
        text = report.record(record, args.results.with_suffix(".json"), args.results)
        print(text)
    print(f"Written to {args.results}")


def new_record(
    args: argparse.Namespace, size: int, gunicorn: GunicornSettings, tool: str, command: str
) -> dict:
    together = [other for other in args.articles if other != size]
    notes = list(args.note)
    if together:
        listed = ", ".join(f"{other:,}" for other in together)
        notes.append(f"measured side by side with the {listed}-article library, same run")
    return {
        "articles": size,
        "command": command.strip(),  # what reproduces these figures, written beside them
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": report.machine(),
        "settings": {
            "server": gunicorn.describe(),
            "load_tool": tool,
            "connections": args.connections,
            "duration": args.duration,
            "warmup": args.warmup,
            "rounds": args.rounds,
        },
        "notes": notes,
        "stores": [],
    }


def prepare_libraries(store: str, args: argparse.Namespace) -> list[Library]:
    """Each size's store, generated (or reused); none when the store cannot be reached."""
    libraries = []
    for size in args.articles:
        if store == "sqlite":
            url = stores.sqlite_url(size)
        else:
            url = stores.postgres_url(args.pg_url, size)
        try:
            libraries.append(Library(size, url, prepare_store(url, size, reuse=args.reuse)))
        except Exception as error:  # (e.g. no PostgreSQL server: say so, go on)
            print(f"{store} skipped: {type(error).__name__}: {error}", file=sys.stderr)
            return []
    return libraries


if __name__ == "__main__":
    main()

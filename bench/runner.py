"""One store's measurement: serve Careleaf and its ceiling, load each target alternately."""

from __future__ import annotations

import itertools
import json
import statistics
import sys
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import text

from api.core.db import make_engine
from bench import library, stores
from bench.load import LoadResult, run_load
from bench.servers import GunicornSettings, Server
from bench.targets import Target, capture, plan_targets

DETAIL_SLUGS = 20


@dataclass(frozen=True)
class BenchSettings:
    tool: str
    connections: int
    duration: float
    warmup: float
    rounds: int
    gunicorn: GunicornSettings
    run_id: str


@dataclass
class Prepared:
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    server_version: str = ""


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def prepare_store(url: str, articles: int, *, reuse: bool = False) -> Prepared:
    """A migrated store holding a library of `articles` (generated unless reusable)."""
    from api import create_app

    prepared = Prepared()
    if reuse and stores.article_count(url) == articles:
        prepared.notes.append("library reused from an earlier run")
    else:
        say(f"generating {articles} articles at {url} ...")
        stores.create(url)
        app = create_app({"DATABASE_URL": url})
        engine = make_engine(url)
        try:
            with app.app_context():
                generated = library.generate(engine, articles)
        finally:
            engine.dispose()
            from api.extensions import db

            db.dispose(app)
        prepared.seconds, prepared.notes = generated.seconds, generated.notes
        say(f"  {generated.articles} articles in {generated.seconds:.1f} s")
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                prepared.server_version = connection.scalar(text("SHOW server_version"))
    finally:
        engine.dispose()
    return prepared


def sample_slugs(url: str, count: int = DETAIL_SLUGS) -> list[str]:
    """Published slugs spread evenly over the library, newest to oldest."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            slugs = list(
                connection.scalars(
                    text("SELECT slug FROM articles WHERE status = 'published' ORDER BY id")
                )
            )
    finally:
        engine.dispose()
    step = max(1, len(slugs) // count)
    return slugs[::step][:count]


def _median(results: list[LoadResult]) -> dict[str, Any]:
    by_rps = sorted(results, key=lambda result: result.rps)
    middle = by_rps[len(by_rps) // 2]
    return {**asdict(middle), "rps": statistics.median(r.rps for r in results)}


def _measure(runs: dict[str, tuple[Server, Target]], settings: BenchSettings) -> dict[str, dict]:
    """Warm every server up, then load them in turn, the order flipped each round."""

    calls = itertools.count()

    def load(server: Server, target: Target, seconds: float) -> LoadResult:
        # Every load run mints its own signup emails: none is ever sent twice.
        return run_load(
            settings.tool, server.url, target, connections=settings.connections,
            duration=seconds, run_id=f"{settings.run_id}-{server.port}-{next(calls)}",
        )  # fmt: skip

    if settings.warmup > 0:
        for server, target in runs.values():
            load(server, target, settings.warmup)
    results: dict[str, list[LoadResult]] = {label: [] for label in runs}
    labels = list(runs)
    for round_number in range(settings.rounds):
        for label in labels if round_number % 2 == 0 else labels[::-1]:
            results[label].append(load(*runs[label], settings.duration))
    return {label: _median(measured) for label, measured in results.items()}


@dataclass(frozen=True)
class Library:
    articles: int
    url: str
    prepared: Prepared


def measure_store(
    store: str, libraries: list[Library], settings: BenchSettings
) -> dict[int, dict[str, Any]]:
    """Serve Careleaf on each library and the ceiling at once, and load every target on each,
    alternating, so that sizes compare within one run. Returns the store's rows per size.
    """
    out = stores.OUT
    with ExitStack() as running:
        careleaf: dict[int, Server] = {}
        for library_ in libraries:
            env = {"DATABASE_URL": library_.url, "RATELIMIT_ENABLED": "false"}
            server = Server(f"careleaf-{store}-{library_.articles}", "bench.careleaf_app:app",
                            settings.gunicorn, env, out / f"careleaf-{store}.log")  # fmt: skip
            running.callback(server.stop)
            careleaf[library_.articles] = server
        plans = {
            lib.articles: plan_targets(careleaf[lib.articles].url, sample_slugs(lib.url))
            for lib in libraries
        }
        replay: dict[str, Any] = {}
        for size in sorted(plans, reverse=True):  # shared paths replay the smallest library
            replay.update(capture(careleaf[size].url, plans[size]))
        replay_path = out / f"ceiling-{store}.json"
        replay_path.write_text(json.dumps(replay))
        env = {"BENCH_CEILING_RESPONSES": str(replay_path)}
        ceiling = Server(
            "ceiling", "bench.ceiling:app", settings.gunicorn, env, out / "ceiling.log"
        )
        running.callback(ceiling.stop)
        rows: dict[int, list[dict[str, Any]]] = {size: [] for size in plans}
        smallest = min(plans)
        for index, reference in enumerate(plans[smallest]):
            runs = {str(size): (careleaf[size], plan[index]) for size, plan in plans.items()}
            runs = {label: run for label, run in runs.items() if run[1].measurable}
            measured = _measure({"ceiling": (ceiling, reference), **runs}, settings) if runs else {}
            for size, plan in plans.items():
                rows[size].append(_row(store, size, plan[index], measured))
        rss_ceiling = ceiling.peak_rss_mb()
        rss = {size: server.peak_rss_mb() for size, server in careleaf.items()}
    return {
        lib.articles: {
            "store": store,
            "generation_seconds": lib.prepared.seconds,
            "generation_notes": lib.prepared.notes,
            "rows": rows[lib.articles],
            "rss_careleaf_mb": rss[lib.articles],
            "rss_ceiling_mb": rss_ceiling,
        }
        for lib in libraries
    }


def _row(store: str, size: int, target: Target, measured: dict[str, dict]) -> dict[str, Any]:
    row: dict[str, Any] = {"target": target.name, "note": target.note}
    if not target.measurable:
        row["unavailable"] = target.unavailable
        say(f"  {store} {size} {target.name}: {target.unavailable}")
        return row
    ours, ceiling = measured[str(size)], measured["ceiling"]
    row.update(careleaf=ours, ceiling=ceiling)
    row["ratio"] = ours["rps"] / ceiling["rps"] if ceiling["rps"] else 0.0
    say(f"  {store} {size} {target.name}: {ours['rps']:.0f} req/s, "
        f"ceiling {ceiling['rps']:.0f} ({row['ratio']:.0%})")  # fmt: skip
    return row

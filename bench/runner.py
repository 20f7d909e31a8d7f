"""One store's measurement: serve Careleaf and its ceiling, load each target alternately."""

from __future__ import annotations

import json
import statistics
import sys
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


def _measure(target: Target, ceiling: Server, careleaf: Server, settings: BenchSettings) -> dict:
    def load(server: Server, seconds: float) -> LoadResult:
        return run_load(
            settings.tool, server.url, target, connections=settings.connections,
            duration=seconds, run_id=f"{settings.run_id}{server.name[:2]}",
        )  # fmt: skip

    if settings.warmup > 0:
        load(ceiling, settings.warmup)
        load(careleaf, settings.warmup)
    results: dict[str, list[LoadResult]] = {"ceiling": [], "careleaf": []}
    for round_number in range(settings.rounds):
        order = [ceiling, careleaf] if round_number % 2 == 0 else [careleaf, ceiling]
        for server in order:
            results["careleaf" if server is careleaf else "ceiling"].append(
                load(server, settings.duration)
            )
    row = {name: _median(runs) for name, runs in results.items()}
    ratio = row["careleaf"]["rps"] / row["ceiling"]["rps"] if row["ceiling"]["rps"] else 0.0
    return {**row, "ratio": ratio}


def measure_store(
    store: str, url: str, prepared: Prepared, settings: BenchSettings
) -> dict[str, Any]:
    """Serve Careleaf on `url` and the ceiling, load every target, and return the store's rows."""
    out = stores.OUT
    env = {"DATABASE_URL": url, "RATELIMIT_ENABLED": "false"}
    careleaf = Server(f"careleaf-{store}", "bench.careleaf_app:app", settings.gunicorn, env,
                      out / f"careleaf-{store}.log")  # fmt: skip
    try:
        targets = plan_targets(careleaf.url, sample_slugs(url))
        replay = out / f"ceiling-{store}.json"
        replay.write_text(json.dumps(capture(careleaf.url, targets)))
        ceiling = Server("ceiling", "bench.ceiling:app", settings.gunicorn,
                         {"BENCH_CEILING_RESPONSES": str(replay)}, out / "ceiling.log")  # fmt: skip
        try:
            rows = []
            for target in targets:
                row: dict[str, Any] = {"target": target.name, "note": target.note}
                if target.measurable:
                    row.update(_measure(target, ceiling, careleaf, settings))
                    say(f"  {store} {target.name}: {row['careleaf']['rps']:.0f} req/s, "
                        f"ceiling {row['ceiling']['rps']:.0f} ({row['ratio']:.0%})")  # fmt: skip
                else:
                    row["unavailable"] = target.unavailable
                    say(f"  {store} {target.name}: {target.unavailable}")
                rows.append(row)
            rss_ceiling = ceiling.peak_rss_mb()
        finally:
            ceiling.stop()
        rss_careleaf = careleaf.peak_rss_mb()
    finally:
        careleaf.stop()
    return {
        "store": store,
        "generation_seconds": prepared.seconds,
        "generation_notes": prepared.notes,
        "rows": rows,
        "rss_careleaf_mb": rss_careleaf,
        "rss_ceiling_mb": rss_ceiling,
    }

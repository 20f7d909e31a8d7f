"""Fixtures: a migrated store per run (SQLite, or PostgreSQL when TEST_DATABASE_URL is set),
emptied after each test, an app, a client, a CLI runner, a controllable clock and a query counter.

Markers (pyproject.toml): `postgres_only` and `sqlite_only` tests are skipped on the other store;
`redis` tests are skipped when no Redis answers on REDIS_URL and `browser` tests when Debian's
Chromium is missing, except under `CI`, where they fail (and so does any other skip): a CI run
either runs a test or says why it could not.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import redis
from alembic import command
from alembic.config import Config
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import Engine, event, text
from sqlalchemy.engine import make_url

from api import create_app
from api.core import clock
from api.core.db import make_engine
from tests.support.store import REDIS_URL, empty_store

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")  # Debian's; never `playwright install`
pytest_plugins = [
    "tests.support.factories",
    "tests.support.newsletter",
    "tests.support.outbox",
    "tests.support.staff",
    "tests.support.hostile",
    "tests.support.issues",
]


def on_postgres() -> bool:
    return bool(os.environ.get("TEST_DATABASE_URL"))


@functools.cache
def redis_answers() -> bool:
    """Whether a Redis server answers PING on REDIS_URL (asked once per run)."""
    store = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        return bool(store.ping())
    except redis.RedisError:
        return False
    finally:
        store.close()


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("postgres_only") and not on_postgres():
        pytest.skip("needs PostgreSQL: runs when TEST_DATABASE_URL is set")
    if item.get_closest_marker("sqlite_only") and on_postgres():
        pytest.skip("about the SQLite store only")
    if item.get_closest_marker("browser") and not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"CI needs Chromium at {CHROMIUM} (.ci/run installs it)", pytrace=False)
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium")
    if item.get_closest_marker("redis") and not redis_answers():
        if os.environ.get("CI"):
            pytest.fail(f"CI needs Redis on {REDIS_URL} (.ci/run starts it)", pytrace=False)
        pytest.skip(f"no Redis server on {REDIS_URL}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Under CI a skip is a failure: the Makefile deselects the other store's tests with -m."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped under CI: {report.longrepr}"


def alembic_config(url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["database_url"] = url
    return config


def run_sql(url: str, script: str, params: dict[str, Any]) -> None:
    """Each `;`-separated statement of `script` on the store at `url`, in one transaction: rows
    as they stood at an older revision (a migration test has no factories there)."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            for statement in filter(str.strip, script.split(";")):
                connection.execute(text(statement), params)
    finally:
        engine.dispose()


@contextmanager
def fresh_postgres_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the server of `server_url`, dropped afterwards."""
    url = make_url(server_url)
    name = f"careleaf_test_{uuid.uuid4().hex[:10]}"
    admin = make_engine(url.render_as_string(hide_password=False)).execution_options(
        isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def unmigrated_store(tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database with no tables (PostgreSQL when TEST_DATABASE_URL is set),
    for tests that run migrations themselves."""
    server_url = os.environ.get("TEST_DATABASE_URL")
    if server_url:
        with fresh_postgres_database(server_url) as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'migrate.db'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server_url = os.environ.get("TEST_DATABASE_URL")
    if server_url:
        with fresh_postgres_database(server_url) as url:
            command.upgrade(alembic_config(url), "head")
            yield url
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'careleaf.db'}"
        command.upgrade(alembic_config(url), "head")
        yield url


# Tests empty the store between them: statistics a process would reuse for minutes must be
# counted afresh (tests/test_related_scale.py covers the reuse itself).
TEST_SETTINGS = {"RELATED_STATS_TTL_SECONDS": 0}


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, **TEST_SETTINGS})
    yield app
    from api.extensions import db

    db.dispose(app)


@pytest.fixture
def make_app(database_url: str) -> Iterator[Any]:
    """Builds extra apps (other settings) on the test store, closing their engines afterwards."""
    from api.extensions import db

    built: list[Flask] = []

    def build(**config: Any) -> Flask:
        app = create_app({"TESTING": True, "DATABASE_URL": database_url, **TEST_SETTINGS, **config})
        built.append(app)
        return app

    yield build
    for extra in built:
        db.dispose(extra)


@pytest.fixture(autouse=True)
def _empty_store_after_test(app: Flask) -> Iterator[None]:
    yield
    empty_store(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def db_session(app: Flask) -> Iterator[Any]:
    """A session inside an app context, for factories and assertions on the store."""
    from api.extensions import db

    with app.app_context():
        yield db.session


class FrozenClock:
    """The app's clock, stopped at a known time and moved only by the test."""

    def __init__(self, start: dt.datetime) -> None:
        self.current = start

    def __call__(self) -> dt.datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += dt.timedelta(**delta)


@pytest.fixture
def frozen_clock() -> Iterator[FrozenClock]:
    frozen = FrozenClock(dt.datetime(2026, 1, 15, 9, 0, tzinfo=dt.UTC))
    clock.set_clock(frozen)
    yield frozen
    clock.set_clock(None)


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app: Flask) -> Any:
    """`with count_queries() as counter:` counts the SQL statements the app sends."""
    from api.extensions import db

    with app.app_context():
        engine: Engine = db.engine

    @contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()

        def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            counter.statements.append(statement)

        event.listen(engine, "before_cursor_execute", record)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", record)

    return counting

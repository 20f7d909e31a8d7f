"""Fresh, migrated bench stores: a SQLite file under bench/out/, a PostgreSQL database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

from api.core.db import make_engine

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
PG_DATABASE = "careleaf_bench"


def sqlite_url(articles: int) -> str:
    return f"sqlite:///{OUT / f'bench-{articles}.db'}"


def postgres_url(server_url: str, articles: int) -> str:
    name = PG_DATABASE if articles == 1000 else f"{PG_DATABASE}_{articles}"
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def migrate(url: str) -> None:
    """`alembic upgrade head` on the store at `url`."""
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["database_url"] = url
    command.upgrade(config, "head")


def create(url: str) -> None:
    """An empty store at `url` (any previous one is dropped), migrated to head."""
    drop(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        with _server(url) as connection:
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    else:
        OUT.mkdir(parents=True, exist_ok=True)
    migrate(url)


def drop(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        with _server(url) as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        return
    path = Path(parsed.database or "")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


@contextmanager
def _server(url: str) -> Iterator[Connection]:
    """An AUTOCOMMIT connection to the server's `postgres` database (CREATE/DROP DATABASE)."""
    admin_url = make_url(url).set(database="postgres").render_as_string(hide_password=False)
    engine = make_engine(admin_url).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def article_count(url: str) -> int | None:
    """Articles in an existing store, or None when it is missing or not migrated."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").exists():
        return None
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.scalar(text("SELECT count(*) FROM articles"))
    except Exception:  # (missing database or table: regenerate)
        return None
    finally:
        engine.dispose()

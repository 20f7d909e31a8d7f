"""Database engine, session lifecycle and shared column types.

One SQLAlchemy session per request (or CLI command); services flush, and the
request commits once, in `api.core.transactions`.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from flask import Flask, current_app, g
from sqlalchemy import (
    JSON,
    DateTime,
    Engine,
    Enum,
    MetaData,
    String,
    create_engine,
    event,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator

from api.core import clock

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC datetime on every store (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use api.core.clock.now()")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


JSONDocument = JSON().with_variant(JSONB(), "postgresql")


def string_enum(enum_cls: type[enum.Enum], name: str) -> Enum:
    """An enum stored as its values in a VARCHAR with a CHECK constraint named `name`.

    Not a native PostgreSQL ENUM: adding a value then needs no ALTER TYPE, and both stores
    hold the same column.
    """
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=True,
        length=20,
        name=name,
        values_callable=lambda members: [member.value for member in members],
    )


int_pk = Annotated[int, mapped_column(primary_key=True)]
slug_str = Annotated[str, mapped_column(String(120), unique=True)]
timestamp = Annotated[dt.datetime, mapped_column(UTCDateTime())]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: UTCDateTime()}


class TimestampMixin:
    """created_at and updated_at, set by the clock of the application (testable)."""

    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=lambda: clock.now())
    updated_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), default=lambda: clock.now(), onupdate=lambda: clock.now()
    )


# Set on a session factory's `info` by `api.hooks.install_hooks`: sessions come only from
# factories that carry every hook (a session without them would lose events silently).
HOOKS_INSTALLED = "careleaf_session_hooks"


class Database:
    """The engine and a per-request session; each app bound with `init_app` has its own engine."""

    def init_app(self, app: Flask) -> None:
        engine = make_engine(app.config["DATABASE_URL"], echo=app.config["DATABASE_ECHO"])
        app.extensions["careleaf_db"] = sessionmaker(bind=engine, expire_on_commit=False)
        app.teardown_appcontext(self._remove_session)

    @property
    def engine(self) -> Engine:
        return self._sessionmaker().kw["bind"]

    def _sessionmaker(self) -> sessionmaker[Session]:
        return current_app.extensions["careleaf_db"]

    @property
    def session(self) -> Session:
        """The session of the current app context, opened on first use."""
        session = g.get("_db_session")
        if session is None:
            sessions = self._sessionmaker()
            if not sessions.kw.get("info", {}).get(HOOKS_INSTALLED):
                raise RuntimeError(
                    "this app's sessions have no hooks: build the app with api.create_app"
                )
            session = g._db_session = sessions()
        return session

    def dispose(self, app: Flask) -> None:
        """Close the pooled connections of `app`'s engine."""
        app.extensions["careleaf_db"].kw["bind"].dispose()

    def _remove_session(self, _exc: BaseException | None) -> None:
        session = g.pop("_db_session", None)
        if session is not None:
            session.close()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Commit the current session when the block succeeds, roll it back when not."""
        session = self.session
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine with the settings each store needs."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    kwargs: dict[str, Any] = {"echo": echo, "pool_pre_ping": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 15}
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Zero deleted content on disk: erased personal data must not linger in free pages.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


__all__ = [
    "Base",
    "Database",
    "JSONDocument",
    "TimestampMixin",
    "UTCDateTime",
    "func",
    "int_pk",
    "make_engine",
    "slug_str",
    "timestamp",
]

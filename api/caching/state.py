"""The content version: bumped by every transaction that changes what the public can see.

One set of SQLAlchemy session hooks covers the API, the importer, the seed command and the
test factories alike: a flush or a bulk UPDATE/DELETE/INSERT whose rows the public can see
(`api.caching.visibility` decides, by the rule the public reads use) marks the session, and
the commit then bumps `content_state` in the same transaction. Drafts, staff-only data,
tokens, subscribers and the outbox never move a public validator. The
bump happens last (just before COMMIT), so the counter's row lock is held only briefly and
always after the content rows' locks: writers cannot deadlock on it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Connection, Select, bindparam, event, select
from sqlalchemy import insert as generic_insert
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker
from sqlalchemy.sql.dml import Insert

from api.articles.models import Article, ArticleStatus
from api.caching.models import ContentState
from api.caching.visibility import flush_is_public, statement_is_public
from api.core import clock
from api.core.db import UTCDateTime

_CHANGED = "careleaf.content_changed"
_ROW_ID = 1


@dataclass(frozen=True)
class ContentValidator:
    """What every public response depends on besides the request itself."""

    version: int
    changed_at: dt.datetime | None
    latest_published_at: dt.datetime | None
    nonce: str = ""

    @property
    def last_modified(self) -> dt.datetime | None:
        moments = [moment for moment in (self.changed_at, self.latest_published_at) if moment]
        return max(moments) if moments else None


@cache
def _validator_statement() -> Select[Any]:
    """Built once: composing the expression cost more than running it."""
    state = ContentState.__table__
    # ORDER BY ... LIMIT 1 rather than MAX(): a backward index scan that stops at one row
    # whatever the planner's statistics say.
    latest = (
        select(Article.published_at)
        .where(
            Article.status == ArticleStatus.PUBLISHED,
            Article.published_at <= bindparam("now", type_=UTCDateTime()),
        )
        .order_by(Article.published_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    return select(
        select(state.c.version).where(state.c.id == _ROW_ID).scalar_subquery(),
        select(state.c.changed_at).where(state.c.id == _ROW_ID).scalar_subquery(),
        select(state.c.nonce).where(state.c.id == _ROW_ID).scalar_subquery(),
        latest,
    )


def read_validator(connection: Connection) -> ContentValidator:
    """The content version, its time and the newest visible publication time, in ONE query.

    The publication time moves when a scheduled article's time comes (no write happens
    then); `ix_articles_status_published_at` answers it from the index.
    """
    version, changed_at, nonce, latest_published_at = connection.execute(
        _validator_statement(), {"now": clock.now()}
    ).one()
    return ContentValidator(version or 0, changed_at, latest_published_at, nonce or "")


def _mark_flushed_content(session: Session, _context: Any, _instances: Any) -> None:
    if not session.info.get(_CHANGED) and flush_is_public(session):
        session.info[_CHANGED] = True


def _mark_bulk_content(state: ORMExecuteState) -> None:
    if state.session.info.get(_CHANGED):
        return
    if (state.is_update or state.is_delete or state.is_insert) and statement_is_public(state):
        state.session.info[_CHANGED] = True


def _bump_on_commit(session: Session) -> None:
    session.flush()  # pending changes would otherwise be flushed after this hook
    if session.info.pop(_CHANGED, False):
        session.connection().execute(_bump_statement(session))


def _forget_on_rollback(session: Session) -> None:
    session.info.pop(_CHANGED, None)


def install(sessions: sessionmaker[Session]) -> None:
    """Bump the content version in every transaction of `sessions` that changed content.

    Its `before_commit` hook must be the last one installed: see `api.hooks`.
    """
    event.listen(sessions, "before_flush", _mark_flushed_content)
    event.listen(sessions, "do_orm_execute", _mark_bulk_content)
    event.listen(sessions, "before_commit", _bump_on_commit)
    event.listen(sessions, "after_rollback", _forget_on_rollback)


def _bump_statement(session: Session) -> Insert:
    """INSERT the row, or add one to its version: works on an emptied store too."""
    state = ContentState.__table__
    dialect = session.get_bind().dialect.name
    insert = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}.get(dialect)
    now, nonce = clock.now(), secrets.token_hex(16)
    if insert is None:  # pragma: no cover - only PostgreSQL and SQLite are supported
        return generic_insert(state).values(id=_ROW_ID, version=1, changed_at=now, nonce=nonce)
    statement = insert(state).values(id=_ROW_ID, version=1, changed_at=now, nonce=nonce)
    return statement.on_conflict_do_update(
        index_elements=[state.c.id],
        set_={"version": state.c.version + 1, "changed_at": now, "nonce": nonce},
    )

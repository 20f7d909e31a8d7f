"""The changes feed: public events in order, read from an opaque cursor.

Order is (effective_at, id). A transaction that commits late could hold an event older than
events a client already read (the classic gap); the feed therefore serves only events older
than CHANGES_SAFETY_LAG_SECONDS, longer than any write transaction takes, so that everything
it serves is final. Scheduled publications are stored ahead and served once their time came.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import and_, or_, select

from api.changes.models import ChangeEvent
from api.core import clock
from api.core.errors import Problem
from api.extensions import db

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MICROSECOND = dt.timedelta(microseconds=1)


@dataclass(frozen=True)
class Position:
    """A place in the feed: just after the event (effective_at, id)."""

    effective_at: dt.datetime
    event_id: int

    def encode(self) -> str:
        micros = (self.effective_at - EPOCH) // MICROSECOND
        raw = f"v1:{micros}:{self.event_id}".encode("ascii")
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")

    @classmethod
    def decode(cls, cursor: str) -> Position:
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
            version, micros, event_id = raw.split(":")
            if version != "v1" or int(event_id) < 0:
                raise ValueError(version)
            return cls(EPOCH + int(micros) * MICROSECOND, int(event_id))
        except (ValueError, UnicodeDecodeError, binascii.Error, OverflowError):
            raise Problem(
                422,
                "`since` is not a cursor of this feed; use a next_cursor it returned.",
                errors={"since": ["Not a cursor of this feed."]},
            ) from None


START = Position(EPOCH, 0)


@dataclass(frozen=True)
class ChangesPage:
    events: list[ChangeEvent]
    next_cursor: str
    has_more: bool


def horizon() -> dt.datetime:
    """Events effective up to this time are served; later ones may still change or appear."""
    lag = current_app.config["CHANGES_SAFETY_LAG_SECONDS"]
    return clock.now() - dt.timedelta(seconds=lag)


def changes_since(since: str | None, limit: int) -> ChangesPage:
    """Up to `limit` events after the cursor `since` (from the start without one); one query."""
    position = Position.decode(since) if since is not None else START
    query = (
        select(ChangeEvent)
        .where(
            ChangeEvent.effective_at <= horizon(),
            or_(
                ChangeEvent.effective_at > position.effective_at,
                and_(
                    ChangeEvent.effective_at == position.effective_at,
                    ChangeEvent.id > position.event_id,
                ),
            ),
        )
        .order_by(ChangeEvent.effective_at, ChangeEvent.id)
        .limit(limit + 1)
    )
    events = list(db.session.scalars(query))
    has_more = len(events) > limit
    events = events[:limit]
    if events:
        position = Position(events[-1].effective_at, events[-1].id)
    return ChangesPage(events, position.encode(), has_more)


def current_cursor() -> str:
    """The cursor after the last event served now (one query): a snapshot's place in the feed."""
    last = db.session.execute(
        select(ChangeEvent.effective_at, ChangeEvent.id)
        .where(ChangeEvent.effective_at <= horizon())
        .order_by(ChangeEvent.effective_at.desc(), ChangeEvent.id.desc())
        .limit(1)
    ).first()
    return (Position(*last) if last else START).encode()

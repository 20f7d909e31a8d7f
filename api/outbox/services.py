"""Writing messages to the outbox, claiming them without double sends, and recording outcomes.

Claiming is safe with several workers: on PostgreSQL the due rows are locked with
`FOR UPDATE SKIP LOCKED` (workers never wait on each other); on every store the claim itself is
a conditional UPDATE that only succeeds for rows still due, which is what protects SQLite.
A claim is a lease: a worker that dies mid-delivery leaves the row to be claimed again once
`claimed_until` passes (at-least-once delivery for crashes, never two concurrent sends); a
worker told to stop hands back the messages it has not started at once (`release`). Each
outcome is committed on its own, right after it happened: a crash loses at most the record of
the message in hand (see docs/newsletter.md, "The outbox at scale").
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, and_, delete, or_, select, update

from api.core import clock
from api.extensions import db
from api.outbox.mailer import has_real_recipient
from api.outbox.models import OutboxMessage, OutboxStatus

_EMAIL_LIKE = re.compile(r"[^\s<>@'\"]+@[^\s<>@'\"]+")
MAX_ERROR_LENGTH = 1000
CLAIM_ROUNDS = 5


@dataclass(frozen=True)
class ClaimedMessage:
    id: int
    kind: str
    payload: dict[str, Any]
    attempts: int
    max_attempts: int
    reference: str | None
    created_at: dt.datetime
    claimed_until: dt.datetime

    @property
    def key(self) -> str:
        """Stable across attempts and unique across stores (ids restart in a new database)."""
        return f"{self.id}.{self.created_at.strftime('%Y%m%d%H%M%S%f')}"


def enqueue(kind: str, payload: dict[str, Any], *, reference: str | None = None) -> OutboxMessage:
    """Add a message to the current transaction: it exists only if the transaction commits."""
    message = OutboxMessage(
        kind=kind,
        payload=payload,
        reference=reference,
        status=OutboxStatus.PENDING,
        max_attempts=current_app.config["OUTBOX_MAX_ATTEMPTS"],
        next_attempt_at=clock.now(),
    )
    db.session.add(message)
    db.session.flush()
    return message


def _due(now: dt.datetime) -> ColumnElement[bool]:
    return or_(
        and_(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_until < now),
    )


def claim_due(worker: str, limit: int) -> list[ClaimedMessage]:
    """Claim up to `limit` due messages for `worker`, committed before any delivery starts."""
    for _ in range(CLAIM_ROUNDS):
        candidates = _due_ids(limit)
        if not candidates:
            db.session.rollback()  # an idle worker holds no transaction open
            return []
        claimed = _claim(worker, candidates)
        if claimed:
            return claimed
        # SQLite only: another worker claimed these rows between our read and our update.
    return []


def _due_ids(limit: int) -> list[int]:
    query = (
        select(OutboxMessage.id)
        .where(_due(clock.now()))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        # Locks held until _claim commits; other workers skip these rows instead of waiting.
        query = query.with_for_update(skip_locked=True)
    return list(db.session.scalars(query))


def _claim(worker: str, ids: list[int]) -> list[ClaimedMessage]:
    now = clock.now()
    lease = dt.timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    with db.transaction() as session:
        rows = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), _due(now))
            .values(
                status=OutboxStatus.SENDING,
                claimed_by=worker,
                claimed_until=now + lease,
                attempts=OutboxMessage.attempts + 1,
                updated_at=now,
            )
            .returning(
                OutboxMessage.id,
                OutboxMessage.kind,
                OutboxMessage.payload,
                OutboxMessage.attempts,
                OutboxMessage.max_attempts,
                OutboxMessage.reference,
                OutboxMessage.created_at,
                OutboxMessage.claimed_until,
            )
            .execution_options(synchronize_session=False)
        ).all()
    return sorted((ClaimedMessage(*row) for row in rows), key=lambda message: message.id)


def _finish(
    message: ClaimedMessage, worker: str, then: Callable[[], None] | None = None, **values: Any
) -> bool:
    """Settle a claim; `then` runs in the same transaction, only if the claim was still ours.

    Only the worker holding the claim may settle it (a lapsed lease may have moved it on)."""
    with db.transaction() as session:
        result = session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message.id,
                OutboxMessage.claimed_by == worker,
                OutboxMessage.status == OutboxStatus.SENDING,
            )
            .values(claimed_by=None, claimed_until=None, updated_at=clock.now(), **values)
            .execution_options(synchronize_session=False)
        )
        settled = bool(result.rowcount)
        if settled and then is not None:
            then()
    return settled


def release(messages: list[ClaimedMessage], worker: str) -> int:
    """Hand claimed messages back unsent (a stopping worker): due again at once, the attempt
    taken back since none was made. Returns how many were still this worker's to release."""
    if not messages:
        return 0
    with db.transaction() as session:
        result = session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id.in_([message.id for message in messages]),
                OutboxMessage.claimed_by == worker,
                OutboxMessage.status == OutboxStatus.SENDING,
            )
            .values(
                status=OutboxStatus.PENDING,
                claimed_by=None,
                claimed_until=None,
                attempts=OutboxMessage.attempts - 1,
                updated_at=clock.now(),
            )
            .execution_options(synchronize_session=False)
        )
    return result.rowcount or 0


def record_sent(message: ClaimedMessage, worker: str) -> None:
    _finish(message, worker, status=OutboxStatus.SENT, sent_at=clock.now(), last_error=None)


def record_skipped(message: ClaimedMessage, worker: str, reason: str) -> None:
    """Never send it: its recipient left between queueing and sending (the attempt is undone)."""
    _finish(
        message,
        worker,
        status=OutboxStatus.SKIPPED,
        attempts=OutboxMessage.attempts - 1,
        last_error=redact(reason),
    )


def record_failure(
    message: ClaimedMessage,
    worker: str,
    error: str,
    *,
    permanent: bool,
    on_refusal: Callable[[], None] | None = None,
) -> dt.datetime | None:
    """Schedule the next attempt (backoff), or fail for good; returns when. `on_refusal` runs
    with a permanent failure, in its transaction (a bounce is counted once, with its message)."""
    error = redact(error)
    if permanent or message.attempts >= message.max_attempts:
        then = on_refusal if permanent else None
        _finish(message, worker, then, status=OutboxStatus.FAILED, last_error=error)
        return None
    retry_at = clock.now() + backoff(message.attempts)
    _finish(
        message, worker, status=OutboxStatus.PENDING, next_attempt_at=retry_at, last_error=error
    )
    return retry_at


def backoff(attempts: int) -> dt.timedelta:
    """Delay after the `attempts`-th failed attempt: base, 2x base, 4x base... capped, then a
    random half of it taken off ("equal jitter"), so that messages that failed together (a
    server outage) do not all come back in the same second."""
    config = current_app.config
    ceiling = config["OUTBOX_BACKOFF_SECONDS"] * 2 ** max(attempts - 1, 0)
    ceiling = min(ceiling, config["OUTBOX_BACKOFF_MAX_SECONDS"])
    # Whole seconds, like clock.now(). Not a secret: the ordinary generator is fine.
    return dt.timedelta(seconds=round(random.uniform(ceiling / 2, ceiling)))  # noqa: S311


def redact(text: str) -> str:
    """Error text fit for logs and staff: no email addresses, bounded length."""
    return _EMAIL_LIKE.sub("<redacted>", text)[:MAX_ERROR_LENGTH]


def holds_mail_for_real_recipients() -> bool:
    """True when an undelivered email is bound for an address outside the example domains."""
    query = (
        select(OutboxMessage.payload)
        .where(
            OutboxMessage.kind == "email",
            OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING]),
        )
        .execution_options(yield_per=500)
    )
    payloads = db.session.scalars(query)
    try:
        return any(has_real_recipient(payload or {}) for payload in payloads)
    finally:
        payloads.close()  # stopping at the first one leaves PostgreSQL's server cursor open
        db.session.rollback()  # the worker holds no transaction open while it runs


def delete_for_reference(reference: str) -> int:
    """Remove every message about `reference` (erasure): recipients and bodies go with them."""
    result = db.session.execute(
        delete(OutboxMessage)
        .where(OutboxMessage.reference == reference)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0

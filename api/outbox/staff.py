"""Staff tools for the outbox: the list of messages, and a second chance for failed ones."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from api.core import clock
from api.core.errors import Problem
from api.extensions import db
from api.outbox.models import OutboxMessage, OutboxStatus


def messages_query(status: OutboxStatus | None = None, kind: str | None = None) -> Select[Any]:
    """Outbox messages for staff, newest first, optionally by status and kind."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    if kind is not None:
        query = query.where(OutboxMessage.kind == kind)
    return query


def retry(message_id: int) -> OutboxMessage:
    """Put a failed message back in the queue with a fresh set of attempts."""
    message = db.session.get(OutboxMessage, message_id, with_for_update=True)
    if message is None:
        raise Problem(404, "No outbox message has this id.")
    if message.status is not OutboxStatus.FAILED:
        raise Problem(409, "Only failed messages can be retried.")
    message.status = OutboxStatus.PENDING
    message.attempts = 0
    message.next_attempt_at = clock.now()
    db.session.flush()
    return message

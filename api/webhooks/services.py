"""Webhook endpoints (admin), and their deliveries: one outbox message per event and endpoint,
written in the transaction that records the event."""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import Select, delete, select
from sqlalchemy.orm import Session, joinedload

from api.changes.models import ChangeEvent
from api.changes.schemas import ChangeEventSchema
from api.core import clock
from api.core.errors import Problem
from api.extensions import db
from api.outbox.models import OutboxMessage, OutboxStatus
from api.webhooks import targets
from api.webhooks.models import Webhook, WebhookDelivery

KIND = "webhook"
_event_schema = ChangeEventSchema()


def check_url(url: str) -> None:
    """422 naming `url` unless it is an http(s) URL resolving only to allowed addresses."""
    try:
        targets.check(url, allow_private=current_app.config["WEBHOOK_ALLOW_PRIVATE_TARGETS"])
    except (targets.TargetRefused, targets.TargetUnresolved) as error:
        raise Problem(422, str(error), errors={"url": [str(error)]}) from None


def webhooks_query() -> Select[tuple[Webhook]]:
    return select(Webhook).order_by(Webhook.id)


def webhook_or_404(webhook_id: int) -> Webhook:
    webhook = db.session.get(Webhook, webhook_id)
    if webhook is None:
        raise Problem(404, "No webhook has this id.")
    return webhook


def save_webhook(webhook: Webhook | None, data: dict[str, Any]) -> Webhook:
    """Create or change an endpoint; its URL is checked whenever it is given."""
    if "url" in data:
        check_url(data["url"])
    webhook = webhook or Webhook()
    for name, value in data.items():
        setattr(webhook, name, value)
    db.session.add(webhook)
    db.session.flush()
    return webhook


def delete_webhook(webhook: Webhook) -> None:
    """Remove the endpoint, its delivery log and whatever it still had to receive."""
    _delete_messages(db.session, WebhookDelivery.webhook_id == webhook.id)
    db.session.delete(webhook)
    db.session.flush()


def deliveries_query(webhook_id: int) -> Select[tuple[WebhookDelivery]]:
    """The endpoint's deliveries, newest first, with their place in the outbox."""
    return (
        select(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == webhook_id)
        .options(joinedload(WebhookDelivery.message))
        .order_by(WebhookDelivery.id.desc())
    )


def _delete_messages(session: Session, condition: Any) -> None:
    unsent = select(WebhookDelivery.outbox_message_id).where(condition)
    session.execute(
        delete(OutboxMessage)
        .where(OutboxMessage.id.in_(unsent), OutboxMessage.status != OutboxStatus.SENT)
        .execution_options(synchronize_session=False)
    )


def on_events_recorded(session: Session, events: list[ChangeEvent]) -> None:
    """One outbox message per event and interested endpoint, due when the event is."""
    endpoints = list(session.scalars(select(Webhook).where(Webhook.active.is_(True))))
    pairs = [(e, w) for e in events for w in endpoints if w.wants(e.type)]
    if not pairs:
        return
    now, max_attempts = clock.now(), current_app.config["OUTBOX_MAX_ATTEMPTS"]
    messages = [
        OutboxMessage(
            kind=KIND,
            payload={"webhook_id": w.id, "event_id": e.id, "event": _event_schema.dump(e)},
            reference=f"webhook:{w.id}",
            status=OutboxStatus.PENDING,
            max_attempts=max_attempts,
            next_attempt_at=max(now, e.effective_at),
        )
        for e, w in pairs
    ]
    session.add_all(messages)
    session.flush()
    session.add_all(
        WebhookDelivery(
            webhook_id=w.id,
            event_id=e.id,
            event_type=e.type,
            outbox_message_id=message.id,
            created_at=now,
        )
        for (e, w), message in zip(pairs, messages, strict=True)
    )
    session.flush()


def on_events_withdrawn(session: Session, event_ids: list[int]) -> None:
    """A scheduled publication called off: its webhooks go unsent (deliveries go with it)."""
    _delete_messages(session, WebhookDelivery.event_id.in_(event_ids))

"""What the outbox worker asks the newsletter: may this message still leave, and what a hard
bounce means for the subscription behind it (registered in routes.py)."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import and_, case, select, update

from api.core import clock
from api.extensions import db
from api.newsletter.models import Subscription, SubscriptionStatus
from api.newsletter.services import OUTBOX_REFERENCE_PREFIX
from api.outbox.services import ClaimedMessage


def _subscription_id(message: ClaimedMessage) -> int | None:
    """The subscription a message goes to: an issue's `subscription_id`, or the reference of a
    confirmation mail; None for mail that is not the newsletter's."""
    if "subscription_id" in message.payload:
        return int(message.payload["subscription_id"])
    reference = message.reference or ""
    if reference.startswith(OUTBOX_REFERENCE_PREFIX):
        return int(reference.removeprefix(OUTBOX_REFERENCE_PREFIX))
    return None


def send_veto(message: ClaimedMessage) -> str | None:
    """Why a newsletter issue's message must not leave any more: its subscription is no longer
    active (unsubscribed, suspended or erased since it was queued). Confirmation mail has no
    `subscription_id` and always goes: it is what makes a pending subscription active."""
    if "subscription_id" not in message.payload:
        return None
    status = db.session.scalar(
        select(Subscription.status).where(
            Subscription.id == int(message.payload["subscription_id"])
        )
    )
    if status is SubscriptionStatus.ACTIVE:
        return None
    return f"the subscription is {status.value if status else 'gone'}"


def count_hard_bounce(message: ClaimedMessage) -> None:
    """The mail server refused this subscription's address for good: count it, and at
    BOUNCE_LIMIT suspend the subscription (no more mail until it signs up and confirms again).
    One statement, so that bounces counted by two workers at once both count."""
    subscription_id = _subscription_id(message)
    if subscription_id is None:
        return
    now = clock.now()
    reaches_limit = Subscription.hard_bounces + 1 >= current_app.config["BOUNCE_LIMIT"]
    mailable = Subscription.status.in_([SubscriptionStatus.PENDING, SubscriptionStatus.ACTIVE])
    suspends = and_(reaches_limit, mailable)
    db.session.execute(
        update(Subscription)
        .where(Subscription.id == subscription_id, Subscription.email.is_not(None))
        .values(
            hard_bounces=Subscription.hard_bounces + 1,
            last_bounced_at=now,
            status=case((suspends, SubscriptionStatus.SUSPENDED.value), else_=Subscription.status),
            suspended_at=case((suspends, now), else_=Subscription.suspended_at),
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )

"""Staff views of the subscribers: filtered lists, erasure, statistics."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Date, Select, cast, delete, func, select
from sqlalchemy.orm import joinedload, selectinload

from api.core import clock
from api.core.errors import Problem
from api.extensions import db
from api.newsletter.models import (
    Newsletter,
    Subscription,
    SubscriptionStatus,
    subscription_topics,
)
from api.newsletter.schemas import normalize_email
from api.newsletter.services import outbox_reference
from api.outbox.models import OutboxMessage
from api.outbox.services import delete_for_reference
from api.topics.models import Topic

# Everything that identifies a person; erasure empties these and keeps the rest as a tombstone.
PERSONAL_FIELDS = (
    "email",
    "email_normalized",
    "ip_hash",
    "user_agent",
    "confirm_token_hash",
    "token_key",
)


def subscribers_query(
    status: SubscriptionStatus | None = None,
    newsletter: str | None = None,
    topic: str | None = None,
    email: str | None = None,
) -> Select[Any]:
    """Subscriptions, newest first, with their newsletter and topics loaded."""
    query = (
        select(Subscription)
        .options(joinedload(Subscription.newsletter), selectinload(Subscription.topics))
        .order_by(Subscription.id.desc())
    )
    if status is None:
        query = query.where(Subscription.status != SubscriptionStatus.ERASED)
    else:
        query = query.where(Subscription.status == status)
    if newsletter is not None:
        query = query.join(Subscription.newsletter).where(Newsletter.slug == newsletter)
    if topic is not None:
        tagged = (
            select(subscription_topics.c.subscription_id)
            .join(Topic, Topic.id == subscription_topics.c.topic_id)
            .where(Topic.slug == topic)
        )
        query = query.where(Subscription.id.in_(tagged))
    if email is not None:
        query = query.where(Subscription.email_normalized == _comparable(email))
    return query


def _comparable(email: str) -> str:
    try:
        return normalize_email(email)[1]
    except ValueError:
        return email.strip().lower()


def erase(subscription_id: int) -> None:
    """Remove the personal data of a subscription and its emails; keep a tombstone."""
    subscription = db.session.get(Subscription, subscription_id, with_for_update=True)
    if subscription is None:
        raise Problem(404, "No subscriber has this id.")
    if subscription.status is not SubscriptionStatus.ERASED:
        for field in PERSONAL_FIELDS:
            setattr(subscription, field, None)
        subscription.status = SubscriptionStatus.ERASED
        subscription.erased_at = clock.now()
        db.session.execute(
            delete(subscription_topics).where(
                subscription_topics.c.subscription_id == subscription_id
            )
        )
    delete_for_reference(outbox_reference(subscription_id))
    db.session.flush()


def _by_status(rows: list[tuple[Any, ...]]) -> dict[str, int]:
    counts = {status.value: 0 for status in SubscriptionStatus}
    for status, count in rows:
        counts[SubscriptionStatus(status).value] += count
    return counts


def _day(column: Any) -> Any:
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone("UTC", column), Date)
    return func.date(column)  # SQLite keeps UTC without an offset


def stats(days: int) -> dict[str, Any]:
    """Counts by status and newsletter, signups per day, newsletter emails by delivery state."""
    session = db.session
    per_newsletter = session.execute(
        select(Subscription.newsletter_id, Subscription.status, func.count()).group_by(
            Subscription.newsletter_id, Subscription.status
        )
    ).all()
    today = clock.now().date()
    first = today - dt.timedelta(days=days - 1)
    start = dt.datetime.combine(first, dt.time(), tzinfo=dt.UTC)
    day = _day(Subscription.created_at)
    daily = dict(
        session.execute(
            select(day, func.count()).where(Subscription.created_at >= start).group_by(day)
        ).all()
    )
    outbox = session.execute(
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.reference.like("newsletter-subscription:%"))
        .group_by(OutboxMessage.status)
    ).all()
    newsletters = list(session.scalars(select(Newsletter).order_by(Newsletter.id)))
    return {
        "by_status": _by_status([(status, count) for _, status, count in per_newsletter]),
        "newsletters": [
            {
                "slug": newsletter.slug,
                "name": newsletter.name,
                "by_status": _by_status(
                    [(s, c) for nid, s, c in per_newsletter if nid == newsletter.id]
                ),
            }
            for newsletter in newsletters
        ],
        "signups_per_day": [
            {"date": date, "count": daily.get(date, daily.get(date.isoformat(), 0))}
            for date in (first + dt.timedelta(days=n) for n in range(days))
        ],
        "outbox": {str(status): count for status, count in outbox},
    }

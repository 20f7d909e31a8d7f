"""Public flows: signup (double opt-in), confirmation, unsubscribe, preferences.

A signup never tells who is subscribed: every outcome is the same 202, and the store does the
same work (an INSERT that ignores duplicates, then a locked read) whatever the address's state.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import Insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload, selectinload

from api.core import clock
from api.core.errors import Problem
from api.extensions import db
from api.newsletter import tokens
from api.newsletter.emails import confirmation_email
from api.newsletter.models import (
    Newsletter,
    Subscription,
    SubscriptionStatus,
    UnsubscribeMethod,
)
from api.newsletter.schemas import normalize_email
from api.outbox.services import enqueue
from api.topics.models import Topic

log = logging.getLogger(__name__)
USER_AGENT_LENGTH = 255


@dataclass(frozen=True)
class Client:
    """Who sent the request, as far as consent evidence is concerned."""

    ip: str | None
    user_agent: str | None


def newsletters_query() -> Any:
    return select(Newsletter).order_by(Newsletter.id)


def _newsletter(slug: str | None) -> Newsletter:
    slug = slug or current_app.config["NEWSLETTER_DEFAULT"]
    query = select(Newsletter).order_by(Newsletter.id).limit(1)
    if slug:
        query = query.where(Newsletter.slug == slug)
    newsletter = db.session.scalar(query)
    if newsletter is None:
        raise Problem(422, "Unknown newsletter.", errors={"newsletter": ["Unknown newsletter."]})
    return newsletter


def topics_by_slug(slugs: list[str]) -> list[Topic]:
    """The topics named, in one query; unknown slugs are a 422 naming them."""
    wanted = sorted(set(slugs))
    if not wanted:
        return []
    found = list(
        db.session.scalars(select(Topic).where(Topic.slug.in_(wanted)).order_by(Topic.slug))
    )
    missing = sorted(set(wanted) - {topic.slug for topic in found})
    if missing:
        raise Problem(
            422,
            f"Unknown topic: {', '.join(missing)}.",
            errors={"topics": [f"Unknown topic: {slug}." for slug in missing]},
        )
    return found


def _insert_ignoring_duplicates(values: dict[str, Any]) -> Insert:
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return (
        dialect.insert(Subscription)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["newsletter_id", "email_normalized"])
    )


def signup(data: dict[str, Any], client: Client) -> None:
    """Record a signup and queue its confirmation email, as the state of the address allows."""
    if data["website"]:
        log.info("newsletter signup dropped: honeypot filled")
        return
    newsletter = _newsletter(data.get("newsletter"))
    topics = topics_by_slug(data["topics"])
    address, normalized = normalize_email(data["email"])
    evidence = _consent_evidence(data, client)
    db.session.execute(
        _insert_ignoring_duplicates(
            {
                "newsletter_id": newsletter.id,
                "email": address,
                "email_normalized": normalized,
                "status": SubscriptionStatus.PENDING,
                "token_key": tokens.new_token_key(),
                **evidence,
            }
        )
    )
    # Locked (PostgreSQL) so that concurrent signups of one address decide one after another.
    subscription = db.session.scalars(
        select(Subscription)
        .where(
            Subscription.newsletter_id == newsletter.id,
            Subscription.email_normalized == normalized,
        )
        .options(selectinload(Subscription.topics))
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    # Every path writes and commits, so that answering takes about as long whatever the state.
    subscription.last_signup_at = clock.now()
    if subscription.status is SubscriptionStatus.ACTIVE:
        db.session.flush()
        return  # already subscribed: nothing to send, nothing else to change
    if subscription.status is SubscriptionStatus.PENDING and _recently_sent(subscription):
        db.session.flush()
        return  # a confirmation left moments ago: do not flood the mailbox
    _restart_opt_in(subscription, newsletter, topics, evidence)


def _consent_evidence(data: dict[str, Any], client: Client) -> dict[str, Any]:
    config = current_app.config
    return {
        "consent_text": config["NEWSLETTER_CONSENT_TEXT"],
        "consent_version": config["NEWSLETTER_CONSENT_VERSION"],
        "consented_at": clock.now(),
        "source": data.get("source"),
        "language": data.get("language") or "en",
        "ip_hash": tokens.keyed_hash("client-ip", client.ip) if client.ip else None,
        "user_agent": (client.user_agent or "")[:USER_AGENT_LENGTH] or None,
    }


def _recently_sent(subscription: Subscription) -> bool:
    interval = dt.timedelta(seconds=current_app.config["NEWSLETTER_RESEND_INTERVAL_SECONDS"])
    sent = subscription.confirmation_sent_at
    return sent is not None and clock.now() - sent < interval


def _restart_opt_in(
    subscription: Subscription,
    newsletter: Newsletter,
    topics: list[Topic],
    evidence: dict[str, Any],
) -> None:
    """(Re)start double opt-in: the latest consent, a new single-use link, an email."""
    plain, digest = tokens.new_confirm_token()
    now = clock.now()
    for name, value in evidence.items():
        setattr(subscription, name, value)
    subscription.status = SubscriptionStatus.PENDING
    subscription.topics = topics
    subscription.confirm_token_hash = digest
    subscription.confirm_expires_at = now + dt.timedelta(
        hours=current_app.config["NEWSLETTER_CONFIRM_TTL_HOURS"]
    )
    subscription.confirm_used_at = None
    subscription.confirmation_sent_at = now
    db.session.flush()
    enqueue(
        "email",
        confirmation_email(subscription, newsletter, plain),
        reference=outbox_reference(subscription.id),
    )


OUTBOX_REFERENCE_PREFIX = "newsletter-subscription:"


def outbox_reference(subscription_id: int) -> str:
    return f"{OUTBOX_REFERENCE_PREFIX}{subscription_id}"


def _bad_token(detail: str) -> Problem:
    return Problem(400, detail, errors={"token": [detail]})


def confirm(token: str) -> Subscription:
    """Activate the subscription of a confirmation token; a repeat while active is harmless."""
    digest = tokens.digest(token)
    subscription = db.session.scalar(
        select(Subscription)
        .where(Subscription.confirm_token_hash == digest)
        .options(joinedload(Subscription.newsletter))
        .with_for_update(of=Subscription)
    )
    if subscription is None or not hmac.compare_digest(
        subscription.confirm_token_hash or "", digest
    ):
        raise _bad_token("This confirmation link is unknown or was replaced by a newer one.")
    if subscription.confirm_used_at is not None:
        if subscription.status is SubscriptionStatus.ACTIVE:
            return subscription
        raise _bad_token("This confirmation link has already been used.")
    if subscription.status is not SubscriptionStatus.PENDING:  # unsubscribed meanwhile
        raise _bad_token("This confirmation link is no longer valid; sign up again.")
    now = clock.now()
    if subscription.confirm_expires_at is None or now >= subscription.confirm_expires_at:
        raise _bad_token("This confirmation link has expired; sign up again to get a new one.")
    subscription.status = SubscriptionStatus.ACTIVE
    subscription.confirmed_at = now
    subscription.confirm_used_at = now
    subscription.unsubscribed_at = None
    subscription.unsubscribe_method = None
    # A confirmed address receives mail again: earlier bounces (and a suspension) are history.
    subscription.hard_bounces = 0
    subscription.suspended_at = None
    db.session.flush()
    return subscription


def subscription_for_token(token: str | None, *, for_update: bool = False) -> Subscription:
    """The subscription of an unsubscribe/preferences token, or a 400 problem."""
    key = tokens.token_key_of(token or "")
    if key is None:
        raise _bad_token("This link is invalid.")
    query = (
        select(Subscription)
        .where(Subscription.token_key == key)
        .options(joinedload(Subscription.newsletter), selectinload(Subscription.topics))
    )
    if for_update:
        query = query.with_for_update(of=Subscription)
    subscription = db.session.scalar(query)
    if subscription is None:
        raise _bad_token("This link is no longer valid.")
    return subscription


def unsubscribe(token: str | None, method: UnsubscribeMethod) -> Subscription:
    """Stop all mail to this subscription, recording when and how; twice is harmless (the
    first time and method are kept)."""
    subscription = subscription_for_token(token, for_update=True)
    if subscription.status is not SubscriptionStatus.UNSUBSCRIBED:
        subscription.status = SubscriptionStatus.UNSUBSCRIBED
        subscription.unsubscribed_at = clock.now()
        subscription.unsubscribe_method = method.value
        db.session.flush()
    return subscription


def update_preferences(token: str, data: dict[str, Any]) -> Subscription:
    """Replace the topics of interest of the token's subscription."""
    subscription = subscription_for_token(token, for_update=True)
    if "topics" in data:
        subscription.topics = topics_by_slug(data["topics"])
    if "language" in data:
        subscription.language = data["language"]
    db.session.flush()
    return subscription

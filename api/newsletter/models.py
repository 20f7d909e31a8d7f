from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.core.db import Base, TimestampMixin, UTCDateTime, int_pk, slug_str, string_enum
from api.topics.models import Topic


class SubscriptionStatus(enum.StrEnum):
    PENDING = "pending"  # signed up, waiting for the confirmation link to be used
    ACTIVE = "active"
    UNSUBSCRIBED = "unsubscribed"
    # BOUNCE_LIMIT hard bounces: no mail until the address signs up and confirms again.
    SUSPENDED = "suspended"
    ERASED = "erased"  # a tombstone: personal data removed on request


class UnsubscribeMethod(enum.StrEnum):
    """How a subscriber left: the consent trail keeps it with the time."""

    ONE_CLICK = "one_click"  # RFC 8058: the mail client POSTed List-Unsubscribe=One-Click
    PAGE = "page"  # the button of the page the link opens
    API = "api"  # any other POST (a clinic's own page, a script)


class Newsletter(TimestampMixin, Base):
    """A list people can join, e.g. "Spine health"."""

    __tablename__ = "newsletters"

    id: Mapped[int_pk]
    slug: Mapped[slug_str]
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    def __repr__(self) -> str:
        return f"<Newsletter {self.slug}>"


subscription_topics = Table(
    "newsletter_subscription_topics",
    Base.metadata,
    Column(
        "subscription_id",
        ForeignKey("newsletter_subscriptions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("topic_id", ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Subscription(TimestampMixin, Base):
    """One email address on one newsletter, with the evidence of its consent."""

    __tablename__ = "newsletter_subscriptions"
    __table_args__ = (
        # NULL after erasure: tombstones never collide, and the address may sign up again.
        UniqueConstraint(
            "newsletter_id",
            "email_normalized",
            name="uq_newsletter_subscriptions_newsletter_id_email_normalized",
        ),
    )

    id: Mapped[int_pk]
    newsletter_id: Mapped[int] = mapped_column(
        ForeignKey("newsletters.id", ondelete="RESTRICT"), index=True
    )
    email: Mapped[str | None] = mapped_column(String(320))
    email_normalized: Mapped[str | None] = mapped_column(String(320))
    status: Mapped[SubscriptionStatus] = mapped_column(
        string_enum(SubscriptionStatus, "subscription_status"),
        index=True,
    )
    consent_text: Mapped[str] = mapped_column(Text)
    consent_version: Mapped[str] = mapped_column(String(50))
    consented_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    source: Mapped[str | None] = mapped_column(String(100))
    ip_hash: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(255))
    confirm_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    confirm_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    confirm_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    confirmation_sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    unsubscribed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # An UnsubscribeMethod value; a plain column (no CHECK) so that adding one needs no rebuild.
    unsubscribe_method: Mapped[str | None] = mapped_column(String(20))
    erased_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Permanent SMTP refusals (5xx) since the address was last confirmed; at BOUNCE_LIMIT the
    # subscription is suspended.
    hard_bounces: Mapped[int] = mapped_column(default=0, server_default="0")
    last_bounced_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    suspended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_signup_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # The language of the mail they get (a BCP 47 tag): newsletter issues carry articles in it.
    language: Mapped[str] = mapped_column(String(35), default="en", server_default="en")
    # Public half of the long-lived unsubscribe/preferences token (see tokens.py).
    token_key: Mapped[str | None] = mapped_column(String(40), unique=True)

    newsletter: Mapped[Newsletter] = relationship(lazy="raise")
    topics: Mapped[list[Topic]] = relationship(
        secondary=subscription_topics, order_by=Topic.slug, lazy="raise"
    )

    def __repr__(self) -> str:
        return f"<Subscription {self.id} {self.status}>"

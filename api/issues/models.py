from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.core.db import Base, JSONDocument, TimestampMixin, UTCDateTime, int_pk, string_enum
from api.newsletter.models import Newsletter
from api.users.models import User


class IssueStatus(enum.StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"  # due at send_at: the worker or `flask newsletter send-due` queues it
    SENDING = "sending"  # being queued, chunk by chunk, under a lease (`claimed_until`)
    SENT = "sent"  # every message is in the outbox; the issue can no longer change


class NewsletterIssue(TimestampMixin, Base):
    """One issue of a newsletter: a subject, an intro and articles (chosen, or `auto`)."""

    __tablename__ = "newsletter_issues"
    __table_args__ = (Index("ix_newsletter_issues_status_send_at", "status", "send_at"),)

    id: Mapped[int_pk]
    newsletter_id: Mapped[int] = mapped_column(
        ForeignKey("newsletters.id", ondelete="RESTRICT"), index=True
    )
    subject: Mapped[str] = mapped_column(String(200))
    preheader: Mapped[str] = mapped_column(String(200), default="")
    # Only subscribers of this language receive the issue; None: every language.
    language: Mapped[str | None] = mapped_column(String(35))
    intro_markdown: Mapped[str] = mapped_column(Text, default="")
    intro_html: Mapped[str] = mapped_column(Text, default="")  # sanitized (api/core/markdown.py)
    intro_text: Mapped[str] = mapped_column(Text, default="")
    # Chosen article slugs in order, or None for `auto` (new articles in each reader's topics).
    article_slugs: Mapped[list[str] | None] = mapped_column(JSONDocument)
    status: Mapped[IssueStatus] = mapped_column(
        string_enum(IssueStatus, "newsletter_issue_status"), default=IssueStatus.DRAFT
    )
    send_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # `auto` covers articles published in [articles_since, articles_until): fixed when queueing
    # starts, so that a resumed run and the preview of a sent issue pick the same articles.
    articles_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    articles_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    newsletter: Mapped[Newsletter] = relationship(lazy="raise")
    created_by: Mapped[User | None] = relationship(lazy="raise")

    @property
    def is_auto(self) -> bool:
        return self.article_slugs is None

    def __repr__(self) -> str:
        return f"<NewsletterIssue {self.id} {self.status}>"


class IssueDelivery(Base):
    """One issue's decision for one subscription (a message, or nothing for them): the key
    that makes queueing idempotent, and what the issue's stats count."""

    __tablename__ = "newsletter_issue_deliveries"

    issue_id: Mapped[int] = mapped_column(
        ForeignKey("newsletter_issues.id", ondelete="CASCADE"), primary_key=True
    )
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("newsletter_subscriptions.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    # SET NULL: erasing a subscriber deletes their outbox rows; the count of queued stays.
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="SET NULL"), index=True
    )
    # False: confirmed, but nothing of the issue is in their language and topics.
    receives: Mapped[bool]
    queued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

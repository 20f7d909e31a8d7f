"""Per-issue counts, two grouped queries for a whole page of issues (no query per issue).

Everything comes from what the system knows anyway: the outbox state of each message, the
subscription's status, and when people unsubscribed. No tracking pixel, no click tracking.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from api.extensions import db
from api.issues.models import IssueDelivery, NewsletterIssue
from api.newsletter.models import Subscription
from api.outbox.models import OutboxMessage, OutboxStatus

FIELDS = (
    "queued",
    "not_receiving",
    "pending",
    "sent",
    "failed",
    "bounced",
    "skipped",
    "unsubscribed_after",
)
WAITING = {OutboxStatus.PENDING.value, OutboxStatus.SENDING.value}


def _status(value: Any) -> str | None:
    return None if value is None else str(getattr(value, "value", value))


def _add(
    counts: dict[str, int], receives: bool, message: str | None, bounced: bool, n: int
) -> None:
    if not receives:
        counts["not_receiving"] += n
        return
    counts["queued"] += n
    if message is None:
        return  # the subscriber was erased, and their messages with them
    if message in WAITING:
        counts["pending"] += n
    elif message == OutboxStatus.SENT.value:
        counts["sent"] += n
    elif message == OutboxStatus.FAILED.value:
        counts["failed"] += n
        if bounced:  # refused for good (5xx), not merely out of retries
            counts["bounced"] += n
    else:
        counts["skipped"] += n  # settled without sending (e.g. unsubscribed before sending)


def issue_stats(issue_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """The stats of each issue named."""
    ids = list(issue_ids)
    stats = {issue_id: dict.fromkeys(FIELDS, 0) for issue_id in ids}
    if not ids:
        return stats
    # A hard bounce is counted on the subscription (api/newsletter/bounces.py) when the mail
    # server refuses its address for good; one since this issue was queued is this issue's.
    bounced_since_queued = func.coalesce(
        Subscription.last_bounced_at >= IssueDelivery.queued_at, False
    )
    rows = db.session.execute(
        select(
            IssueDelivery.issue_id,
            IssueDelivery.receives,
            OutboxMessage.status,
            bounced_since_queued,
            func.count(),
        )
        .join(Subscription, Subscription.id == IssueDelivery.subscription_id)
        .outerjoin(OutboxMessage, OutboxMessage.id == IssueDelivery.message_id)
        .where(IssueDelivery.issue_id.in_(ids))
        .group_by(
            IssueDelivery.issue_id,
            IssueDelivery.receives,
            OutboxMessage.status,
            bounced_since_queued,
        )
    )
    for issue_id, receives, message, bounced, count in rows:
        _add(stats[issue_id], bool(receives), _status(message), bool(bounced), count)
    for issue_id, count in _unsubscribed_after(ids):
        stats[issue_id]["unsubscribed_after"] = count
    return stats


def _unsubscribed_after(ids: list[int]) -> list[tuple[int, int]]:
    """Recipients who unsubscribed after the issue was sent, before the next one was."""
    later = aliased(NewsletterIssue)
    next_sent = (
        select(func.min(later.sent_at))
        .where(
            later.newsletter_id == NewsletterIssue.newsletter_id,
            later.sent_at > NewsletterIssue.sent_at,
        )
        .correlate(NewsletterIssue)
        .scalar_subquery()
    )
    query = (
        select(IssueDelivery.issue_id, func.count())
        .join(NewsletterIssue, NewsletterIssue.id == IssueDelivery.issue_id)
        .join(Subscription, Subscription.id == IssueDelivery.subscription_id)
        .where(
            IssueDelivery.issue_id.in_(ids),
            IssueDelivery.receives.is_(True),
            NewsletterIssue.sent_at.is_not(None),
            Subscription.unsubscribed_at >= NewsletterIssue.sent_at,
            or_(next_sent.is_(None), and_(Subscription.unsubscribed_at < next_sent)),
        )
        .group_by(IssueDelivery.issue_id)
    )
    return [(issue_id, count) for issue_id, count in db.session.execute(query)]


def with_stats(issues: list[NewsletterIssue]) -> list[NewsletterIssue]:
    """The issues, each carrying its `stats` for the response."""
    stats = issue_stats(issue.id for issue in issues)
    for issue in issues:
        issue.stats = stats[issue.id]  # type: ignore[attr-defined]
    return issues

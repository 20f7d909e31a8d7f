"""Turning a due issue into outbox messages, chunk by chunk, at most once per subscriber.

A due issue is claimed with a conditional UPDATE (scheduled -> sending, with a lease), so one
process queues it. Subscriptions are read by keyset (id order, `NEWSLETTER_QUEUE_CHUNK_SIZE` at
a time, never all at once); each chunk's messages and its `newsletter_issue_deliveries` rows
are committed together. A resumed run (after a crash, once the lease lapsed) starts after the
last subscription decided; the deliveries' key (issue, subscription) makes a racing one fail
on the constraint rather than queue twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from flask import current_app
from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from api.core import clock
from api.extensions import db
from api.issues import content, mail
from api.issues.models import IssueDelivery, IssueStatus, NewsletterIssue
from api.issues.services import POSTAL_ADDRESS
from api.newsletter.models import Subscription, SubscriptionStatus, subscription_topics
from api.newsletter.services import outbox_reference
from api.outbox.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)


def _lease() -> dt.datetime:
    return clock.now() + dt.timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])


def _due(now: dt.datetime) -> Any:
    return or_(
        and_(NewsletterIssue.status == IssueStatus.SCHEDULED, NewsletterIssue.send_at <= now),
        and_(NewsletterIssue.status == IssueStatus.SENDING, NewsletterIssue.claimed_until < now),
    )


def claim_due() -> int | None:
    """Claim one due issue (or one whose queuer died) and fix its article window; its id."""
    now = clock.now()
    with db.transaction() as session:
        issue_id = session.scalar(
            select(NewsletterIssue.id)
            .where(_due(now))
            .order_by(NewsletterIssue.send_at, NewsletterIssue.id)
            .limit(1)
        )
        if issue_id is None:
            return None
        claimed = session.execute(
            update(NewsletterIssue)
            .where(NewsletterIssue.id == issue_id, _due(now))
            .values(status=IssueStatus.SENDING, claimed_until=_lease(), updated_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not claimed:
            return None  # another process claimed it between our read and our update
        issue = session.get(NewsletterIssue, issue_id, populate_existing=True)
        assert issue is not None
        if issue.articles_until is None:
            issue.articles_since, issue.articles_until = content.window(issue)
    return issue_id


def queue_issue(issue_id: int, max_chunks: int | None = None) -> int:
    """Queue the claimed issue's messages, chunk by chunk; returns how many were queued.

    With `max_chunks`, stop after that many chunks and leave the issue `sending` under its
    lease, as a process that died there would: once the lease lapses, any process resumes it.
    """
    issue = db.session.scalar(
        select(NewsletterIssue)
        .where(NewsletterIssue.id == issue_id)
        .options(joinedload(NewsletterIssue.newsletter))
    )
    assert issue is not None
    # Once: the window is fixed and the articles are few; every message shares their blocks.
    selection = content.select_articles(issue)
    shared = mail.edition(issue, issue.newsletter, selection.articles)
    chunk_size = current_app.config["NEWSLETTER_QUEUE_CHUNK_SIZE"]
    # Chunks go in id order and each commits whole, so a resumed run starts after the last
    # subscription decided (a cheap keyset, not an anti-join over every delivery).
    after = db.session.scalar(
        select(func.max(IssueDelivery.subscription_id)).where(IssueDelivery.issue_id == issue_id)
    )
    after, queued, chunks = after or 0, 0, 0
    while max_chunks is None or chunks < max_chunks:
        chunks += 1
        with db.transaction():
            chunk = _next_chunk(issue, after, chunk_size)
            if not chunk:
                break
            queued += _queue_chunk(issue, selection, shared, chunk)
            after = chunk[-1].id
            _extend_lease(issue_id)
    else:
        return queued  # stopped early: the issue stays claimed until its lease lapses
    with db.transaction() as session:
        session.execute(
            update(NewsletterIssue)
            .where(NewsletterIssue.id == issue_id, NewsletterIssue.status == IssueStatus.SENDING)
            .values(status=IssueStatus.SENT, sent_at=clock.now(), claimed_until=None)
            .execution_options(synchronize_session=False)
        )
    return queued


def _next_chunk(issue: NewsletterIssue, after: int, size: int) -> list[Any]:
    """The next confirmed subscriptions after `after`, as plain rows (no ORM objects)."""
    return list(
        db.session.execute(
            select(
                Subscription.id,
                Subscription.email,
                Subscription.language,
                Subscription.token_key,
            )
            .where(
                Subscription.newsletter_id == issue.newsletter_id,
                Subscription.status == SubscriptionStatus.ACTIVE,
                Subscription.id > after,
            )
            .order_by(Subscription.id)
            .limit(size)
        )
    )


def _topics_of(ids: list[int]) -> dict[int, frozenset[int]]:
    topics: dict[int, set[int]] = {sid: set() for sid in ids}
    rows = db.session.execute(
        select(subscription_topics.c.subscription_id, subscription_topics.c.topic_id).where(
            subscription_topics.c.subscription_id.in_(ids)
        )
    )
    for subscription_id, topic_id in rows:
        topics[subscription_id].add(topic_id)
    return {sid: frozenset(found) for sid, found in topics.items()}


def _queue_chunk(
    issue: NewsletterIssue, selection: content.Selection, shared: mail.Edition, chunk: list[Any]
) -> int:
    now = clock.now()
    max_attempts = current_app.config["OUTBOX_MAX_ATTEMPTS"]
    topics = _topics_of([row.id for row in chunk])
    messages, receiving = [], []
    for row in chunk:
        reader = content.reader(row.email, row.language, row.token_key, topics[row.id])
        articles = selection.for_reader(reader)
        if not articles:
            continue
        payload = mail.render(shared, reader, articles)
        # The worker skips a message whose subscription stopped (unsubscribed) meanwhile.
        payload.update(subscription_id=row.id, issue_id=issue.id)
        receiving.append(row.id)
        messages.append(
            {
                "kind": "email",
                "payload": payload,
                "reference": outbox_reference(row.id),
                "status": OutboxStatus.PENDING,
                "attempts": 0,
                "max_attempts": max_attempts,
                "next_attempt_at": now,
                "created_at": now,
                "updated_at": now,
            }
        )
    ids: list[int] = []
    if messages:
        ids = list(
            db.session.scalars(
                insert(OutboxMessage).returning(OutboxMessage.id, sort_by_parameter_order=True),
                messages,
            )
        )
    message_of = dict(zip(receiving, ids, strict=True))
    db.session.execute(
        insert(IssueDelivery),
        [
            {
                "issue_id": issue.id,
                "subscription_id": row.id,
                "message_id": message_of.get(row.id),
                "receives": row.id in message_of,
                "queued_at": now,
            }
            for row in chunk
        ],
    )
    return len(ids)


def _extend_lease(issue_id: int) -> None:
    db.session.execute(
        update(NewsletterIssue)
        .where(NewsletterIssue.id == issue_id)
        .values(claimed_until=_lease())
        .execution_options(synchronize_session=False)
    )


def send_due() -> int:
    """Queue every due issue; returns how many issues were queued (`flask newsletter
    send-due`, and each round of the outbox worker)."""
    if not (current_app.config[POSTAL_ADDRESS] or "").strip():
        return 0  # scheduling refused without it; a process missing it must not queue
    done = 0
    while (issue_id := claim_due()) is not None:
        try:
            count = queue_issue(issue_id)
        except IntegrityError:
            # Another process resumed this issue (our lease lapsed): it finishes the work.
            db.session.rollback()
            log.warning("newsletter issue %s: another process is queueing it", issue_id)
            continue
        log.info("newsletter issue %s queued: %s messages", issue_id, count)
        done += 1
    db.session.rollback()  # hold no transaction open between rounds
    return done

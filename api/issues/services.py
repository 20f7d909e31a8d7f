"""Composing issues: create, change while unsent, schedule, preview and test-send.

Rules live here; routes only validate and call. Nothing here commits: the request does.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from api.articles.models import Article, ArticleStatus
from api.core import clock
from api.core.errors import Problem
from api.core.markdown import render_markdown
from api.extensions import db
from api.issues import content, mail
from api.issues.models import IssueStatus, NewsletterIssue
from api.issues.schemas import AUTO
from api.newsletter.models import Newsletter, Subscription, SubscriptionStatus
from api.outbox.services import enqueue
from api.users.models import User

EDITABLE = (IssueStatus.DRAFT, IssueStatus.SCHEDULED)
POSTAL_ADDRESS = "CLINIC_POSTAL_ADDRESS"
# Links in a test mail carry this instead of a subscriber's token: they open the "not a
# genuine link" page, so a colleague clicking them unsubscribes no one.
TEST_TOKEN = "test-message"  # noqa: S105 (not a secret)


def newsletter_for(slug: str) -> Newsletter:
    newsletter = db.session.scalar(select(Newsletter).where(Newsletter.slug == slug))
    if newsletter is None:
        raise Problem(404, "No newsletter has this slug.")
    return newsletter


def issues_query(slug: str, status: IssueStatus | None = None) -> Select[Any]:
    """The newsletter's issues, newest first."""
    newsletter = newsletter_for(slug)
    query = (
        select(NewsletterIssue)
        .where(NewsletterIssue.newsletter_id == newsletter.id)
        .options(joinedload(NewsletterIssue.newsletter))
        .order_by(NewsletterIssue.id.desc())
    )
    if status is not None:
        query = query.where(NewsletterIssue.status == status)
    return query


def issue_for(slug: str, issue_id: int, *, for_update: bool = False) -> NewsletterIssue:
    query = (
        select(NewsletterIssue)
        .join(NewsletterIssue.newsletter)
        .where(NewsletterIssue.id == issue_id, Newsletter.slug == slug)
        .options(joinedload(NewsletterIssue.newsletter))
    )
    if for_update:
        query = query.with_for_update(of=NewsletterIssue)
    issue = db.session.scalar(query)
    if issue is None:
        raise Problem(404, "This newsletter has no issue with this id.")
    return issue


def create(slug: str, data: dict[str, Any], user: User) -> NewsletterIssue:
    issue = NewsletterIssue(newsletter=newsletter_for(slug), created_by_id=user.id)
    _apply(issue, data)
    db.session.add(issue)
    db.session.flush()
    return issue


def update(slug: str, issue_id: int, data: dict[str, Any]) -> NewsletterIssue:
    """Change an issue not yet queued; one that went out (or is going) is immutable: 409."""
    issue = issue_for(slug, issue_id, for_update=True)
    if issue.status not in EDITABLE:
        raise Problem(409, f"This issue is {issue.status.value}: it can no longer change.")
    _apply(issue, data)
    db.session.flush()
    return issue


def _apply(issue: NewsletterIssue, data: dict[str, Any]) -> None:
    for name in ("subject", "preheader", "language"):
        if name in data:
            setattr(issue, name, data[name])
    if "intro_markdown" in data:
        rendered = render_markdown(data["intro_markdown"])
        issue.intro_markdown = data["intro_markdown"]
        issue.intro_html, issue.intro_text = rendered.html, rendered.text
    if "article_slugs" in data:
        chosen = data["article_slugs"]
        issue.article_slugs = None if chosen == AUTO else _existing(chosen)


def _existing(slugs: list[str]) -> list[str]:
    found = set(db.session.scalars(select(Article.slug).where(Article.slug.in_(slugs))))
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        raise Problem(
            422,
            f"Unknown article: {', '.join(missing)}.",
            errors={"articles": [f"Unknown article: {slug}." for slug in missing]},
        )
    return slugs


def require_postal_address() -> None:
    """CAN-SPAM: commercial mail carries a valid physical postal address; no address, no mail."""
    if not (current_app.config[POSTAL_ADDRESS] or "").strip():
        raise Problem(
            409,
            f"{POSTAL_ADDRESS} is not set: every newsletter must show the clinic's postal "
            "address. Set it, then send again.",
            errors={POSTAL_ADDRESS: ["Required to send a newsletter."]},
        )


def schedule(slug: str, issue_id: int, send_at: dt.datetime | None) -> NewsletterIssue:
    """Send now (the next worker round) or at `send_at`; a second send is a 409."""
    issue = issue_for(slug, issue_id, for_update=True)
    if issue.status is not IssueStatus.DRAFT:
        raise Problem(409, f"This issue is already {issue.status.value}; it is sent only once.")
    require_postal_address()
    now = clock.now()
    when = max(send_at, now) if send_at is not None else now
    if not issue.is_auto:
        _require_public_by(issue.article_slugs or [], when)
    issue.status = IssueStatus.SCHEDULED
    issue.send_at = when
    db.session.flush()
    return issue


def _require_public_by(slugs: list[str], when: dt.datetime) -> None:
    public = set(
        db.session.scalars(
            select(Article.slug).where(
                Article.slug.in_(slugs),
                Article.status == ArticleStatus.PUBLISHED,
                Article.published_at <= when,
            )
        )
    )
    hidden = [slug for slug in slugs if slug not in public]
    if hidden:
        raise Problem(
            409,
            "Every chosen article must be published by the time the issue is sent.",
            errors={"articles": [f"Not published by then: {slug}." for slug in hidden]},
        )


def reader_of(subscription: Subscription) -> content.Reader:
    return content.reader(
        subscription.email,
        subscription.language,
        subscription.token_key,
        frozenset(topic.id for topic in subscription.topics),
    )


def _subscription(issue: NewsletterIssue, subscription_id: int) -> Subscription:
    subscription = db.session.scalar(
        select(Subscription)
        .where(
            Subscription.id == subscription_id,
            Subscription.newsletter_id == issue.newsletter_id,
        )
        .options(selectinload(Subscription.topics))
    )
    if subscription is None:
        raise Problem(
            422,
            "This newsletter has no subscriber with this id.",
            errors={"subscriber": ["No subscriber of this newsletter has this id."]},
        )
    return subscription


def preview(slug: str, issue_id: int, subscription_id: int) -> dict[str, Any]:
    """What `subscription_id` gets from this issue, rendered by the code that queues it."""
    issue = issue_for(slug, issue_id)
    require_postal_address()
    subscription = _subscription(issue, subscription_id)
    answer: dict[str, Any] = {
        "subscriber": subscription.id,
        "receives": False,
        **dict.fromkeys(("to", "subject", "text", "html")),
        "headers": {},
    }
    if subscription.status is not SubscriptionStatus.ACTIVE:
        return {**answer, "reason": f"The subscription is {subscription.status.value}."}
    reader = reader_of(subscription)
    selection = content.select_articles(issue)
    articles = selection.for_reader(reader)
    if not articles:
        return {**answer, "reason": "No article of this issue is in their language and topics."}
    payload = mail.render(
        mail.edition(issue, issue.newsletter, selection.articles), reader, articles
    )
    headers = {"From": current_app.config["MAIL_DEFAULT_SENDER"], **payload["headers"]}
    return {**answer, **payload, "receives": True, "reason": None, "headers": headers}


def send_test(slug: str, issue_id: int, user: User, data: dict[str, Any]) -> list[str]:
    """Queue the issue to staff addresses only (the caller, or the staff users named)."""
    issue = issue_for(slug, issue_id)
    require_postal_address()
    recipients = _staff(data["users"]) if data["users"] else [user]
    topic_ids: frozenset[int] = frozenset()
    language = issue.language or "en"
    if "subscriber" in data:
        sample = reader_of(_subscription(issue, data["subscriber"]))
        topic_ids, language = sample.topic_ids, sample.language
    selection = content.select_articles(issue)
    shared = mail.edition(issue, issue.newsletter, selection.articles)
    for staff in recipients:
        reader = content.Reader(staff.email, language, topic_ids, TEST_TOKEN)
        articles = selection.for_reader(reader)
        enqueue(
            "email",
            mail.render(shared, reader, articles, subject_prefix="[Test] "),
        )
    return [staff.email for staff in recipients]


def _staff(user_ids: list[int]) -> list[User]:
    users = list(
        db.session.scalars(
            select(User).where(User.id.in_(user_ids), User.is_active.is_(True)).order_by(User.id)
        )
    )
    missing = sorted(set(user_ids) - {user.id for user in users})
    if missing:
        raise Problem(
            422,
            "Test mail goes to active staff users only.",
            errors={"users": [f"No active staff user has id {number}." for number in missing]},
        )
    return users

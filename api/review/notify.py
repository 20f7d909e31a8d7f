"""The daily mail to each reviewer: their published articles due for review, or overdue."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from flask import current_app
from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload

from api.articles.models import Article, ArticleStatus
from api.core import clock
from api.extensions import db
from api.outbox.models import OutboxMessage
from api.outbox.services import enqueue
from api.review.records import OVERDUE, review_status
from api.users.models import User


def _due_articles(horizon: dt.date) -> list[Article]:
    return list(
        db.session.scalars(
            select(Article)
            .join(User, User.id == Article.reviewed_by_id)
            .where(
                Article.status == ArticleStatus.PUBLISHED,
                Article.next_review_due <= horizon,
                User.is_active.is_(True),
            )
            .options(joinedload(Article.reviewed_by))
            .order_by(Article.next_review_due, Article.id)
        )
    )


def _email(reviewer: User, articles: list[Article], today: dt.date) -> dict[str, Any]:
    template = current_app.config["ARTICLE_URL_TEMPLATE"]
    lines = [
        f"- {'OVERDUE' if review_status(a.next_review_due, today) == OVERDUE else 'due'} "
        f"{a.next_review_due}: {a.title} ({template.format(slug=a.slug)})"
        for a in articles
    ]
    text = (
        f"Hello {reviewer.name},\n\nThese articles you reviewed are due for their periodic "
        "review, or overdue:\n\n" + "\n".join(lines) + "\n\nOpen the review queue to re-review "
        "them: GET /api/v1/review-queue\n"
    )
    return {
        "to": reviewer.email,
        "subject": f"{len(articles)} article(s) due for medical review",
        "text": text,
    }


def notify_reviewers() -> int:
    """Queue one mail per reviewer with articles due within REVIEW_DUE_SOON_DAYS or overdue.

    Once a day: a second run the same day queues nothing (the outbox reference holds the day).
    Returns how many mails were queued.
    """
    today = clock.now().date()
    horizon = today + dt.timedelta(days=current_app.config["REVIEW_DUE_SOON_DAYS"])
    by_reviewer: dict[int, list[Article]] = defaultdict(list)
    for article in _due_articles(horizon):
        by_reviewer[article.reviewed_by_id or 0].append(article)
    queued = 0
    for articles in by_reviewer.values():
        reviewer = articles[0].reviewed_by
        assert reviewer is not None  # joined on reviewed_by_id
        reference = f"review-due:{reviewer.id}:{today.isoformat()}"
        if db.session.scalar(select(exists().where(OutboxMessage.reference == reference))):
            continue
        enqueue("email", _email(reviewer, articles, today), reference=reference)
        queued += 1
    return queued

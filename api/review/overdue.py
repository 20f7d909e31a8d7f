"""What happens when a periodic review is overdue: REVIEW_OVERDUE_ACTION.

`flag` (the default): the article stays public and its `review.status` says "overdue"
(decided at read time, `api.review.records.review_status`). `withdraw`: once
`next_review_due` is more than REVIEW_GRACE_DAYS past, `flask review withdraw-overdue` (run
daily) sends the article back to review with its approval voided: it leaves public view (the
change recorder emits `article.unpublished` and its webhooks) until a reviewer approves it
again and an editor publishes it. A command, not a read-time rule, so that the change feed and
webhooks hear of it like any other unpublishing.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from api.articles import live
from api.articles.models import Article, ArticleStatus
from api.audit.services import record
from api.core import clock
from api.extensions import db

FLAG, WITHDRAW = "flag", "withdraw"
OVERDUE_ACTIONS = (FLAG, WITHDRAW)


def withdrawal_cutoff() -> dt.date:
    """Articles due before this day are withdrawn (under `withdraw`)."""
    return clock.now().date() - dt.timedelta(days=current_app.config["REVIEW_GRACE_DAYS"])


def withdraw_overdue() -> list[str]:
    """Withdraw the published articles whose review is overdue past the grace period.

    Returns their slugs; nothing happens under `flag`. Articles never reviewed have no due
    date and stay (the review queue lists them first).
    """
    if current_app.config["REVIEW_OVERDUE_ACTION"] != WITHDRAW:
        return []
    cutoff = withdrawal_cutoff()
    overdue = db.session.scalars(
        select(Article)
        .where(Article.status == ArticleStatus.PUBLISHED, Article.next_review_due < cutoff)
        .options(selectinload(Article.topic_links))  # a pending revision's topics move too
        .order_by(Article.id)
    ).all()
    for article in overdue:
        due = article.next_review_due
        live.take_offline(article)  # a pending revision, if any, is what goes to review
        article.status = ArticleStatus.IN_REVIEW
        article.approved_revision = None
        article.review_comment = f"Withdrawn: the review due on {due} is overdue."
        record(
            None, "article.withdraw", "article", article.id, label=article.slug,
            changes={"from": "published", "to": "in_review", "next_review_due": due},
        )  # fmt: skip
    db.session.flush()
    return [article.slug for article in overdue]

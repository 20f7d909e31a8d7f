"""Articles awaiting review, and published ones whose periodic review is due."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Select, and_, case, or_, select

from api.articles.live import PENDING_IN_REVIEW
from api.articles.models import Article, ArticleStatus
from api.articles.services import SUMMARY_OPTIONS
from api.core import clock

AWAITING, NEVER_REVIEWED, OVERDUE, DUE_SOON = "awaiting_review", "never_reviewed", "overdue", "due"


def _awaiting_review() -> object:
    """In review (an article, or the pending revision of a published one) and not approved."""
    return and_(
        or_(
            Article.status == ArticleStatus.IN_REVIEW,
            and_(
                Article.status == ArticleStatus.PUBLISHED,
                Article.pending_status == PENDING_IN_REVIEW,
            ),
        ),
        or_(
            Article.approved_revision.is_(None),
            Article.approved_revision != Article.current_revision,
        ),
    )


def review_queue(within_days: int) -> Select[tuple[Article]]:
    """In review without a current approval first, then published articles by due date
    (never reviewed ones first), up to `within_days` from today."""
    horizon = clock.now().date() + dt.timedelta(days=within_days)
    due = and_(
        Article.status == ArticleStatus.PUBLISHED,
        or_(Article.next_review_due.is_(None), Article.next_review_due <= horizon),
    )
    rank = case((_awaiting_review(), 0), (Article.next_review_due.is_(None), 1), else_=2)
    return (
        select(Article)
        .where(or_(_awaiting_review(), due))
        .options(*SUMMARY_OPTIONS)
        .order_by(rank, Article.next_review_due.asc().nulls_first(), Article.id)
    )


def queue_reason(article: Article) -> str:
    """Why the article is in the queue."""
    if article.status is ArticleStatus.IN_REVIEW or (
        article.pending_status == PENDING_IN_REVIEW and not article.approval_is_current
    ):
        return AWAITING
    if article.next_review_due is None:
        return NEVER_REVIEWED
    return OVERDUE if article.next_review_due < clock.now().date() else DUE_SOON

"""What the public may see, decided here and only here.

An article is public when it is published and its publication time has come;
scheduled publishing therefore needs no job: time alone makes it visible.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, Select, and_, inspect, select

from api.articles.models import Article, ArticleStatus
from api.core import clock


def public_filter() -> ColumnElement[bool]:
    return and_(Article.status == ArticleStatus.PUBLISHED, Article.published_at <= clock.now())


def public_articles() -> Select[tuple[Article]]:
    """Every published article whose time has come, and nothing else."""
    return select(Article).where(public_filter())


def is_public_state(status: ArticleStatus | None, published_at: dt.datetime | None) -> bool:
    """The rule of `public_filter`, for values in hand (a row's state before a write)."""
    return (
        status == ArticleStatus.PUBLISHED
        and published_at is not None
        and published_at <= clock.now()
    )


def is_public(article: Article) -> bool:
    return is_public_state(article.status, article.published_at)


# Workflow bookkeeping no public response shows. A write to a public article that changes
# only these (a pending revision stored, submitted, approved or rejected while the approved
# one stays live) is no news: no change event, no new public validator, the same updated_at.
STAFF_ONLY_ATTRIBUTES = frozenset(
    {
        "current_revision",
        "approved_revision",
        "live_revision",
        "pending_status",
        "review_comment",
        "created_by_id",
        "created_by",
        "version",
        "updated_at",
    }
)


def changes_public_attributes(article: Article) -> bool:
    """Whether the article's pending (unflushed) change touches anything the public sees."""
    state = inspect(article)
    return any(
        state.attrs[attr.key].history.has_changes()
        for attr in state.mapper.attrs
        if attr.key not in STAFF_ONLY_ATTRIBUTES
    )

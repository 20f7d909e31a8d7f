"""What the public may see, decided here and only here.

An article is public when it is published and its publication time has come;
scheduled publishing therefore needs no job: time alone makes it visible.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, Select, and_, select

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

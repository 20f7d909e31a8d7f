"""What the public may see, decided here and only here.

An article is public when it is published and its publication time has come;
scheduled publishing therefore needs no job: time alone makes it visible.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, select

from api.articles.models import Article, ArticleStatus
from api.core import clock


def public_filter() -> ColumnElement[bool]:
    return and_(Article.status == ArticleStatus.PUBLISHED, Article.published_at <= clock.now())


def public_articles() -> Select[tuple[Article]]:
    """Every published article whose time has come, and nothing else."""
    return select(Article).where(public_filter())


def is_public(article: Article) -> bool:
    return (
        article.status is ArticleStatus.PUBLISHED
        and article.published_at is not None
        and article.published_at <= clock.now()
    )

"""Keeps `article_topics.public_since` in step with its article, in the same transaction.

Related articles and topic filters read "a topic's public articles, newest first" from the
index on (topic_id, public_since, article_id) alone; that copy must never lag behind a publish,
unpublish, archive, reschedule or a change of topics. After every ORM flush that touched an
article's status or publication time, or filed it under a topic, its rows are recomputed from
the article itself with one UPDATE: the copy is derived, never written by hand.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, event, inspect, select, update
from sqlalchemy.orm import Session, sessionmaker

from api.articles.models import Article, ArticleStatus, ArticleTopic

WATCHED = ("status", "published_at")


def _touched_article_ids(session: Session) -> set[int]:
    ids: set[int] = set()
    for obj in session.new:
        if isinstance(obj, Article | ArticleTopic):
            ids.add(obj.id if isinstance(obj, Article) else obj.article_id)
    for obj in session.dirty:
        if isinstance(obj, Article):
            attrs = inspect(obj).attrs
            if any(attrs[name].history.has_changes() for name in WATCHED):
                ids.add(obj.id)
    return ids


def public_since_of_article() -> Any:
    """The value `public_since` must hold: the article's published_at while it is published."""
    return (
        select(case((Article.status == ArticleStatus.PUBLISHED, Article.published_at), else_=None))
        .where(Article.id == ArticleTopic.article_id)
        .scalar_subquery()
    )


def _sync_public_since(session: Session, _context: Any) -> None:
    ids = _touched_article_ids(session)
    if ids:
        session.connection().execute(
            update(ArticleTopic.__table__)
            .where(ArticleTopic.article_id.in_(sorted(ids)))
            .values(public_since=public_since_of_article())
        )


def install(sessions: sessionmaker[Session]) -> None:
    """Keep `public_since` in step in every transaction of `sessions`."""
    event.listen(sessions, "after_flush", _sync_public_since)

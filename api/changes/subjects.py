"""What the change recorder remembers of each object a transaction writes.

Shared by `api.changes.recorder` (which fills it in from session hooks) and
`api.changes.emitter` (which turns it into events): a module of its own so that neither
imports the other back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from api.articles.models import Article, ArticleStatus
from api.articles.visibility import public_filter
from api.links.models import ArticleLink
from api.media.models import MediaItem
from api.topics.models import Topic


@dataclass(frozen=True)
class Snapshot:
    """What the public could know of an object: its slug and, for articles, its visibility."""

    slug: str
    status: str | None = None
    published_at: dt.datetime | None = None


@dataclass
class Subject:
    """An object written in the current transaction."""

    kind: str
    object_id: int
    before: Snapshot | None  # None: created in this transaction
    obj: Any | None  # the live object; None once deleted
    changed: bool = False
    # For articles deleted by a bulk DELETE: what depended on them, read before they went.
    dependents: tuple[list[tuple[int, str]], list[tuple[int, str]]] | None = None

    @property
    def deleted(self) -> bool:
        return self.obj is None

    def now(self) -> Snapshot | None:
        return None if self.obj is None else snapshot(self.obj)


def snapshot(obj: Any) -> Snapshot:
    if isinstance(obj, Article):
        return Snapshot(obj.slug, str(obj.status), obj.published_at)
    if isinstance(obj, MediaItem):
        return Snapshot(obj.sha256)
    return Snapshot(obj.slug)


def article_dependents(
    connection: Any, article_id: int, *, at: dt.datetime | None = None
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Public articles whose body links to the article, and topics it is the pillar of:
    both look different to the public when the article appears, goes or is renamed."""
    visible = public_filter() if at is None else _published_by(at)
    linking = connection.execute(
        select(Article.id, Article.slug).where(
            Article.id.in_(
                select(ArticleLink.source_id).where(ArticleLink.target_id == article_id)
            ),
            Article.id != article_id,
            visible,
        )
    ).all()
    pillars = connection.execute(
        select(Topic.id, Topic.slug).where(Topic.pillar_article_id == article_id)
    ).all()
    return [tuple(row) for row in linking], [tuple(row) for row in pillars]


def _published_by(at: dt.datetime) -> Any:
    return (Article.status == ArticleStatus.PUBLISHED) & (Article.published_at <= at)

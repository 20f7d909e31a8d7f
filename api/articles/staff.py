"""What staff read: every status, one article with its workflow state, old slugs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from api.articles.models import Article, ArticleSlugRedirect, ArticleStatus, ArticleTopic
from api.articles.references import unused_warnings
from api.articles.services import filtered_summaries
from api.articles.visibility import public_filter
from api.core.errors import Problem
from api.extensions import db
from api.topics.models import Topic
from api.topics.services import pillar_slug_expression

STAFF_DETAIL_OPTIONS = (
    joinedload(Article.author, innerjoin=True),
    joinedload(Article.created_by),
    joinedload(Article.reviewed_by),
    selectinload(Article.feature_image),
    # The topics' public pillars: the JSON-LD staff preview names the pillar as published.
    selectinload(Article.topic_links)
    .joinedload(ArticleTopic.topic, innerjoin=True)
    .with_expression(Topic.pillar_slug, pillar_slug_expression()),
)


@dataclass(frozen=True)
class StaffView:
    """An article as staff read it: the row, and what its state and the caller allow now.

    A separate object rather than attributes set on the ORM row, so that nothing meant for
    one response can be flushed, cached or shown to anyone else.
    """

    article: Article
    allowed_actions: list[str]
    your_actions: list[str]
    # The working copy's fields, read instead of the row's (`api.articles.live.working_copy`).
    working: dict[str, Any] = field(default_factory=dict)

    @property
    def warnings(self) -> list[dict[str, Any]]:
        """What the writer should know now: a workflow action's (in its response only) and
        each reference the working copy never cites."""
        cited = unused_warnings(self.references or [], self.cited_references or [])
        return [*getattr(self.article, "warnings", []), *cited]

    def __getattr__(self, name: str) -> Any:
        working = self.__dict__.get("working") or {}
        if name in working:
            return working[name]
        return getattr(self.article, name)


# Unpublished articles have no published_at: they count as the newest, on every store
# (PostgreSQL and SQLite would otherwise put NULLs at opposite ends).
STAFF_SORTS = {
    "-published_at": (Article.published_at.desc().nulls_first(), Article.id.desc()),
    "published_at": (Article.published_at.asc().nulls_last(), Article.id.asc()),
}


def staff_summaries(
    *, status: list[ArticleStatus] | None = None, sort: str = "-published_at", **filters: str
) -> Select[tuple[Article]]:
    """Summaries of articles in any status (or the given ones), filtered like the public list."""
    query = select(Article)
    if status:
        query = query.where(Article.status.in_(status))
    query = filtered_summaries(query, sort=sort, **filters)
    if sort in STAFF_SORTS:
        query = query.order_by(None).order_by(*STAFF_SORTS[sort])
    return query


def staff_article(slug: str, *, lock: bool = False) -> Article | None:
    """Any article by slug, freshly read, with what staff views and actions need.

    `lock` takes a row lock (PostgreSQL) so that concurrent writers queue up and the
    second one sees the first one's version.
    """
    query = (
        select(Article)
        .where(Article.slug == slug)
        .options(*STAFF_DETAIL_OPTIONS)
        .execution_options(populate_existing=True)
    )
    if lock:
        query = query.with_for_update(of=Article)
    return db.session.scalar(query)


def staff_article_or_404(slug: str, *, lock: bool = False) -> Article:
    article = staff_article(slug, lock=lock)
    if article is None:
        raise Problem(404, f"No article has the slug '{slug}'.")
    return article


def reload(article: Article) -> Article:
    """The article read again with everything loaded, after a write changed its links."""
    return db.session.scalar(
        select(Article)
        .where(Article.id == article.id)
        .options(*STAFF_DETAIL_OPTIONS)
        .execution_options(populate_existing=True)
    )


def redirected_slug(old_slug: str, *, public: bool) -> str | None:
    """The current slug of the article that used to have `old_slug` (public ones only, if so)."""
    query = (
        select(Article.slug)
        .join(ArticleSlugRedirect, ArticleSlugRedirect.article_id == Article.id)
        .where(ArticleSlugRedirect.old_slug == old_slug)
    )
    if public:
        query = query.where(public_filter())
    return db.session.scalar(query)


def redirect_owner(slug: str) -> int | None:
    """The id of the article that `slug` redirects to, if it is an old slug."""
    return db.session.scalar(
        select(ArticleSlugRedirect.article_id).where(ArticleSlugRedirect.old_slug == slug)
    )

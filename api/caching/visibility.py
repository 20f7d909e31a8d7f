"""Which writes the public can see: the decision behind every public validator.

An article row counts while it is public (`api.articles.visibility`) before or after the
write; rows owned by an article (topic placements, slug redirects, link edges) count when
their article does (a link: when its source does). Topics, topic relations and authors are
public whatever they hold; a user counts only through the name and credentials shown as an
article's reviewer, and a shared block through its live text and topic (topics show them).
Everything else (drafts, revisions, audit, tokens, subscribers, outbox, webhooks) is
invisible. A scheduled article is invisible until its time: the validator's newest
publication time moves then.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, inspect, select
from sqlalchemy.orm import ORMExecuteState, Session

from api.articles.models import Article, ArticleSlugRedirect, ArticleTopic
from api.articles.visibility import changes_public_attributes, is_public_state, public_filter
from api.authors.models import Author
from api.blocks.models import SharedBlock
from api.links.models import ArticleLink
from api.taxonomy.models import TopicRelation
from api.topics.models import Topic
from api.users.models import User

ALWAYS_PUBLIC = (Topic, TopicRelation, Author)
# Tables whose bulk statements are checked row by row, with the article column they hang on.
_ARTICLE_COLUMN = {
    "articles": Article.__table__.c.id,
    "article_topics": ArticleTopic.__table__.c.article_id,
    "article_slug_redirects": ArticleSlugRedirect.__table__.c.article_id,
    "article_links": ArticleLink.__table__.c.source_id,
}
_ALWAYS_PUBLIC_TABLES = frozenset({"topics", "topic_relations", "authors", "users"})
_REVIEWER_FIELDS = ("name", "credentials")
_BLOCK_PUBLIC_FIELDS = ("body_html", "topic_id", "live_revision")


def _before(article: Article, name: str) -> Any:
    """The attribute's value as it was before this flush's pending change."""
    history = inspect(article).attrs[name].history
    if history.deleted:
        return history.deleted[0]
    return (history.unchanged or history.added or [None])[0]


def article_is_public(article: Article) -> bool:
    """Public now, or public before the pending change (unpublishing is news too)."""
    return is_public_state(article.status, article.published_at) or is_public_state(
        _before(article, "status"), _before(article, "published_at")
    )


def _owner_is_public(session: Session, article_id: int | None) -> bool:
    if article_id is None:
        return False
    with session.no_autoflush:
        article = session.get(Article, article_id)
    return article is not None and article_is_public(article)


def _object_is_public(session: Session, obj: Any, *, changed: bool) -> bool:
    if isinstance(obj, ALWAYS_PUBLIC):
        return True
    if isinstance(obj, Article):
        # A pending revision stored or reviewed while the approved one stays live is not news.
        return article_is_public(obj) and (not changed or changes_public_attributes(obj))
    if isinstance(obj, ArticleTopic | ArticleSlugRedirect):
        return _owner_is_public(session, obj.article_id)
    if isinstance(obj, ArticleLink):
        # Only a public source shows a link (its body, the target's backlinks).
        return _owner_is_public(session, obj.source_id)
    if isinstance(obj, SharedBlock):
        # Topics show their blocks' live text (`red_flags_html`); a pending revision is not news.
        attrs = inspect(obj).attrs
        return any(attrs[name].history.has_changes() for name in _BLOCK_PUBLIC_FIELDS)
    if isinstance(obj, User):
        attrs = inspect(obj).attrs
        return not changed or any(attrs[name].history.has_changes() for name in _REVIEWER_FIELDS)
    return False


def flush_is_public(session: Session) -> bool:
    """Whether the pending flush changes something a public response shows."""
    for obj in session.deleted:
        if _object_is_public(session, obj, changed=False):
            return True
    for obj in session.new:
        # A new user is nobody's reviewer yet.
        if not isinstance(obj, User) and _object_is_public(session, obj, changed=False):
            return True
    return any(
        session.is_modified(obj) and _object_is_public(session, obj, changed=True)
        for obj in session.dirty
    )


def statement_is_public(state: ORMExecuteState) -> bool:
    """Whether a bulk UPDATE/DELETE/INSERT may touch a row the public sees.

    Bulk statements on article rows ask the store whether any row they match belongs to a
    public article (before the statement runs); an UPDATE of articles themselves, which could
    publish one, counts whatever it matches.
    """
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    if name in _ALWAYS_PUBLIC_TABLES:
        return True
    column = _ARTICLE_COLUMN.get(name or "")
    if column is None:
        return False
    if state.is_insert or (state.is_update and name == "articles"):
        return True
    where = state.statement.whereclause
    owned_by_public = select(Article.id).where(public_filter())
    matched = exists(
        select(1)
        .select_from(table)
        .where(*([] if where is None else [where]), column.in_(owned_by_public))
    )
    return bool(state.session.connection().scalar(select(matched)))

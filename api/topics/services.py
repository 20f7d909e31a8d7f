"""Rules of the topic taxonomy: lookups, the tree, and moves that keep it a tree."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, literal, select
from sqlalchemy.orm import selectinload, with_expression
from sqlalchemy.orm.attributes import set_committed_value

from api.articles.models import Article
from api.articles.visibility import public_filter
from api.core.errors import Problem
from api.core.markdown import render_markdown
from api.extensions import db
from api.topics.models import Topic


def topic_or_404(slug: str) -> Topic:
    topic = db.session.scalar(select(Topic).where(Topic.slug == slug))
    if topic is None:
        raise Problem(404, f"No topic has the slug '{slug}'.")
    return topic


def pillar_slug_expression(*, public_only: bool = True) -> Any:
    """The slug of the topic's pillar article (NULL unless public, for the public), a subquery.

    Use as `with_expression(Topic.pillar_slug, pillar_slug_expression())`; staff reads pass
    `public_only=False` to see a pillar that is still a draft.
    """
    query = select(Article.slug).where(Article.id == Topic.pillar_article_id)
    if public_only:
        query = query.where(public_filter())
    return query.correlate(Topic).scalar_subquery()


def pillar_title_expression(*, public_only: bool = True) -> Any:
    """The title of the topic's pillar article, like `pillar_slug_expression`."""
    query = select(Article.title).where(Article.id == Topic.pillar_article_id)
    if public_only:
        query = query.where(public_filter())
    return query.correlate(Topic).scalar_subquery()


def with_pillar(*, public_only: bool = True) -> tuple[Any, Any]:
    """Loader options filling `pillar_slug` and `pillar_title` (the pillar reference)."""
    return (
        with_expression(Topic.pillar_slug, pillar_slug_expression(public_only=public_only)),
        with_expression(Topic.pillar_title, pillar_title_expression(public_only=public_only)),
    )


def topics_query() -> Select[tuple[Topic]]:
    """All topics with their parent, alphabetically (for the flat list)."""
    return (
        select(Topic)
        .options(selectinload(Topic.parent), *with_pillar())
        .order_by(Topic.name, Topic.id)
    )


def descendant_ids(topic_ids: Select[Any] | list[int]) -> Select[tuple[int]]:
    """Ids of the given topics and all their descendants (recursive CTE, one query)."""
    roots = select(Topic.id.label("id")).where(Topic.id.in_(topic_ids))
    tree = roots.cte("descendants", recursive=True)
    tree = tree.union_all(select(Topic.id).where(Topic.parent_id == tree.c.id))
    return select(tree.c.id)


def ancestor_chain(topic: Topic) -> list[Topic]:
    """The topics from the root down to `topic`'s parent (breadcrumbs), in one query."""
    if topic.parent_id is None:
        return []
    up = (
        select(Topic.id, Topic.parent_id, literal(1).label("depth"))
        .where(Topic.id == topic.parent_id)
        .cte("ancestors", recursive=True)
    )
    up = up.union_all(
        select(Topic.id, Topic.parent_id, up.c.depth + 1).where(Topic.id == up.c.parent_id)
    )
    query = select(Topic).join(up, Topic.id == up.c.id).order_by(up.c.depth.desc())
    return list(db.session.scalars(query))


def topic_detail(slug: str) -> Topic:
    """A topic with its parent and children loaded, and `breadcrumbs` set."""
    topic = db.session.scalar(
        select(Topic)
        .where(Topic.slug == slug)
        .options(
            selectinload(Topic.parent),
            selectinload(Topic.children),
            *with_pillar(),
        )
    )
    if topic is None:
        raise Problem(404, f"No topic has the slug '{slug}'.")
    topic.breadcrumbs = ancestor_chain(topic)  # type: ignore[attr-defined]
    return topic


def set_parent(topic: Topic, parent_slug: str | None) -> None:
    """Move `topic` under another topic; a move under itself or a descendant is a 409."""
    if parent_slug is None:
        topic.parent_id = None
        return
    parent = db.session.scalar(select(Topic).where(Topic.slug == parent_slug))
    if parent is None:
        raise Problem(
            422, f"No topic has the slug '{parent_slug}'.", errors={"parent": ["Unknown topic."]}
        )
    if (
        parent.id is not None
        and topic.id is not None
        and (
            parent.id == topic.id
            or parent.id in set(db.session.scalars(descendant_ids([topic.id])))
        )
    ):
        raise Problem(
            409,
            f"Moving '{topic.slug}' under '{parent_slug}' would make the topic tree a cycle.",
            errors={"parent": ["Would create a cycle."]},
        )
    topic.parent_id = parent.id


def set_pillar(topic: Topic, article_slug: str | None) -> None:
    """Make the article (any status; the public sees it once published) the topic's hub."""
    article_id = title = None
    if article_slug is not None:
        row = db.session.execute(
            select(Article.id, Article.title).where(Article.slug == article_slug)
        ).first()
        if row is not None:
            article_id, title = row
        if article_id is None:
            raise Problem(
                422,
                f"No article has the slug '{article_slug}'.",
                errors={"pillar": ["Unknown article."]},
            )
    if topic.pillar_article_id != article_id:
        topic.pillar_article_id = article_id
    # Not stored: lets the write's response show it. Set as loaded, not as a change: a plain
    # assignment made every save an UPDATE (new version and updated_at, a new content version).
    set_committed_value(topic, "pillar_slug", article_slug)
    set_committed_value(topic, "pillar_title", title)


def save_topic(topic: Topic | None, data: dict[str, Any]) -> Topic:
    """Create or update a topic from validated data; `parent` and `pillar` are slugs."""
    topic = topic or Topic()
    fields = dict(data)
    if "parent" in fields:
        set_parent(topic, fields.pop("parent"))
    if "pillar" in fields:
        set_pillar(topic, fields.pop("pillar"))
    if "description" in fields:
        html = render_markdown(fields["description"] or "").html
        # Assigning an equal value still marks the row modified (a version-only UPDATE).
        if topic.description_html != html:
            topic.description_html = html
    for name, value in fields.items():
        if getattr(topic, name) != value:
            setattr(topic, name, value)
    db.session.add(topic)
    db.session.flush()
    return topic

"""The whole topic tree in one query, and the topic graph export for topic maps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import set_committed_value

from api.articles.models import Article, ArticleTopic
from api.articles.visibility import public_filter
from api.core.pagination import SelectPage
from api.extensions import db
from api.links.models import ArticleLink
from api.taxonomy.models import TopicRelation
from api.topics.models import Topic
from api.topics.services import with_pillar


@dataclass(frozen=True)
class TopicTree:
    """The root topics, each with `tree_children` set down to the leaves."""

    roots: list[Topic]


def public_article_counts() -> dict[int, int]:
    """Public articles under each topic or its descendants, each article once (one query).

    A recursive CTE pairs every topic with itself and each descendant; articles filed under
    any of them count for the topic. Topics without any are absent.
    """
    closure = select(Topic.id.label("ancestor"), Topic.id.label("id")).cte(
        "topic_closure", recursive=True
    )
    closure = closure.union_all(
        select(closure.c.ancestor, Topic.id).where(Topic.parent_id == closure.c.id)
    )
    rows = db.session.execute(
        select(closure.c.ancestor, func.count(ArticleTopic.article_id.distinct()))
        .join(ArticleTopic, ArticleTopic.topic_id == closure.c.id)
        .join(Article, Article.id == ArticleTopic.article_id)
        .where(public_filter())
        .group_by(closure.c.ancestor)
    )
    return {topic_id: count for topic_id, count in rows}


def topic_tree() -> TopicTree:
    """Every topic in one query, nested; siblings ordered by position, then name; each with
    its `article_count` (a second query)."""
    topics = list(
        db.session.scalars(
            select(Topic).options(*with_pillar()).order_by(Topic.position, Topic.name, Topic.id)
        )
    )
    counts = public_article_counts()
    by_id = {topic.id: topic for topic in topics}
    for topic in topics:
        topic.tree_children = []  # type: ignore[attr-defined]
        topic.article_count = counts.get(topic.id, 0)  # type: ignore[attr-defined]
    roots = []
    for topic in topics:
        parent = by_id.get(topic.parent_id) if topic.parent_id is not None else None
        # Already loaded: hand the parent over instead of letting the relationship query it.
        set_committed_value(topic, "parent", parent)
        if parent is None:
            roots.append(topic)
        else:
            parent.tree_children.append(topic)  # type: ignore[attr-defined]
    return TopicTree(roots)


class TopicListPage(SelectPage):
    """Pages the flat list; the tree (`TopicTree`) is always one page holding every root.

    A list (the few topics holding a code) is paged in memory.
    """

    @property
    def items(self) -> list[Any]:
        if isinstance(self.collection, TopicTree):
            return self.collection.roots
        if isinstance(self.collection, list):
            first = self.page_params.first_item
            return self.collection[first : first + self.page_params.page_size]
        return super().items

    @property
    def item_count(self) -> int:
        if isinstance(self.collection, list):
            return len(self.collection)
        if isinstance(self.collection, TopicTree):
            self.page_params.page = 1
            self.page_params.page_size = max(len(self.collection.roots), 1)
            return len(self.collection.roots)
        return super().item_count


def _node(kind: str, slug: str, label: str) -> dict[str, str]:
    return {"id": f"{kind}:{slug}", "type": kind, "slug": slug, "label": label}


def _edge(kind: str, source: str, target: str) -> dict[str, str]:
    return {"type": kind, "source": source, "target": target}


def topic_graph(include_articles: bool = False) -> dict[str, list[dict[str, str]]]:
    """Nodes and typed edges of the taxonomy (two queries), optionally with public articles.

    Edges: `parent` (child -> parent topic), `related` (see-also, once per pair),
    `article-topic` (article -> topic) and `article-link` (source -> target, public only).
    """
    topics = db.session.execute(select(Topic.id, Topic.slug, Topic.name, Topic.parent_id)).all()
    slug_of = {row.id: row.slug for row in topics}
    nodes = [_node("topic", row.slug, row.name) for row in topics]
    edges = [
        _edge("parent", f"topic:{row.slug}", f"topic:{slug_of[row.parent_id]}")
        for row in topics
        if row.parent_id is not None
    ]
    pairs = select(TopicRelation.topic_id, TopicRelation.related_id).where(
        TopicRelation.topic_id < TopicRelation.related_id
    )
    edges += [
        _edge("related", f"topic:{slug_of[a]}", f"topic:{slug_of[b]}")
        for a, b in db.session.execute(pairs)
    ]
    if include_articles:
        _add_articles(nodes, edges, slug_of)
    return {"nodes": nodes, "edges": edges}


def _add_articles(nodes: list[Any], edges: list[Any], topic_slug: dict[int, str]) -> None:
    articles = db.session.execute(
        select(Article.id, Article.slug, Article.title).where(public_filter()).order_by(Article.id)
    ).all()
    slug_of = {row.id: row.slug for row in articles}
    nodes += [_node("article", row.slug, row.title) for row in articles]
    filed = db.session.execute(
        select(ArticleTopic.article_id, ArticleTopic.topic_id)
        .join(Article, Article.id == ArticleTopic.article_id)
        .where(public_filter())
        .order_by(ArticleTopic.article_id, ArticleTopic.position)
    )
    edges += [
        _edge("article-topic", f"article:{slug_of[a]}", f"topic:{topic_slug[t]}")
        for a, t in filed
        if a in slug_of
    ]
    target = aliased(Article)
    linked = db.session.execute(
        select(ArticleLink.source_id, ArticleLink.target_id)
        .join(Article, Article.id == ArticleLink.source_id)
        .join(target, target.id == ArticleLink.target_id)
        .where(
            public_filter(),
            target.id.in_(select(Article.id).where(public_filter()).correlate(None)),
        )
        .where(ArticleLink.source_id != ArticleLink.target_id)
        .distinct()
        .order_by(ArticleLink.source_id, ArticleLink.target_id)
    )
    edges += [
        _edge("article-link", f"article:{slug_of[s]}", f"article:{slug_of[t]}")
        for s, t in linked
        if s in slug_of and t in slug_of
    ]

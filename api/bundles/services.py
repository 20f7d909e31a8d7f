"""Offline bundles: every public thing a kiosk shows, in one document, from a constant number
of queries, with the changes-feed cursor to continue from."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from api.articles.models import Article
from api.articles.sections import resolve_sections
from api.articles.services import DETAIL_OPTIONS, in_topic_tree
from api.articles.visibility import public_articles, public_filter
from api.authors.models import Author
from api.bundles.media import MediaChoice, manifest
from api.bundles.related import PublicGraph, related_slugs
from api.changes.services import current_cursor
from api.core import clock
from api.extensions import db
from api.links.models import ArticleLink
from api.links.rendering import Target, has_markers, resolve_markers
from api.links.services import link_hrefs
from api.related.scoring import Taxonomy, TopicRow
from api.topics.models import Topic
from api.topics.services import descendant_ids, topic_or_404, with_pillar


@dataclass
class Bundle:
    cursor: str
    generated_at: Any
    topic: str | None
    topics: list[Topic]
    topic_tree: list[dict[str, Any]]
    authors: list[Author]
    articles: list[Article]
    related: dict[str, list[str]]
    media: list[dict[str, Any]]


def _articles(topic_slug: str | None) -> list[Article]:
    query = (
        public_articles()
        .options(
            *DETAIL_OPTIONS, joinedload(Article.author, innerjoin=True).selectinload(Author.avatar)
        )
        .order_by(Article.slug)
    )
    if topic_slug is not None:
        query = query.where(in_topic_tree(topic_slug))
    return list(db.session.scalars(query))


def resolve_bodies(articles: list[Article], link_mode: str | None = None) -> None:
    """Every body's internal links as the public sees them now, in one query for all."""
    linking = [a.id for a in articles if has_markers(a.body_html)]
    if not linking:
        return
    targets: dict[int, dict[str, Target]] = defaultdict(dict)
    rows = db.session.execute(
        select(ArticleLink.source_id, ArticleLink.target_slug, Article.slug, Article.title)
        .join(Article, Article.id == ArticleLink.target_id)
        .where(ArticleLink.source_id.in_(linking), public_filter())
    )
    for source_id, written, slug, title in rows:
        targets[source_id][written] = Target(slug=slug, title=title)
    href = link_hrefs(link_mode)
    for article in articles:
        if article.id in linking:
            markup = resolve_markers(article.body_html, targets[article.id], href)
            set_committed_value(article, "body_html", markup)
            resolve_sections(article, targets[article.id], href)


def _tree(topics: list[Topic], root_ids: set[int]) -> list[dict[str, Any]]:
    """Nested {slug, children}; siblings by position, then name."""
    ordered = sorted(topics, key=lambda t: (t.position, t.name, t.id))
    children: dict[int | None, list[Topic]] = defaultdict(list)
    for topic in ordered:
        children[topic.parent_id].append(topic)

    def node(topic: Topic) -> dict[str, Any]:
        return {"slug": topic.slug, "children": [node(c) for c in children[topic.id]]}

    return [node(t) for t in ordered if t.id in root_ids]


def _topics() -> list[Topic]:
    """Every topic (one query), parents handed over instead of queried."""
    topics = list(db.session.scalars(select(Topic).options(*with_pillar()).order_by(Topic.slug)))
    by_id = {topic.id: topic for topic in topics}
    for topic in topics:
        set_committed_value(topic, "parent", by_id.get(topic.parent_id))
    return topics


def build_bundle(
    topic_slug: str | None = None,
    link_mode: str | None = None,
    media_choice: MediaChoice | None = None,
) -> Bundle:
    """The bundle of every public article, or of those under a topic and its descendants;
    internal links in bodies by `link_mode` (LINK_MODE by default); the files of the media
    they show as `media_choice` chooses (default: all)."""
    cursor = current_cursor()  # first: the content read next is at least this fresh
    topics = _topics()
    if topic_slug is None:
        scope = {t.id for t in topics}
        roots = {t.id for t in topics if t.parent_id is None}
    else:
        root = topic_or_404(topic_slug)
        scope, roots = set(db.session.scalars(descendant_ids([root.id]))), {root.id}
    articles = _articles(topic_slug)
    resolve_bodies(articles, link_mode)
    if topic_slug is None:
        authors = list(
            db.session.scalars(
                select(Author).options(selectinload(Author.avatar)).order_by(Author.slug)
            )
        )
    else:  # their authors only, already loaded with them
        authors = sorted({a.author.slug: a.author for a in articles}.values(), key=_slug)
    filed = {link.topic_id for article in articles for link in article.topic_links}
    taxonomy = Taxonomy(
        {t.id: TopicRow(t.id, t.parent_id, t.name, t.pillar_article_id) for t in topics}
    )
    return Bundle(
        cursor=cursor,
        generated_at=clock.now(),
        topic=topic_slug,
        topics=[t for t in topics if t.id in scope or t.id in filed],
        topic_tree=_tree([t for t in topics if t.id in scope], roots),
        authors=authors,
        articles=articles,
        related=related_slugs(PublicGraph.load(), taxonomy, [a.id for a in articles]),
        media=manifest(articles, authors, media_choice or MediaChoice()),
    )


def _slug(obj: Any) -> str:
    return str(obj.slug)

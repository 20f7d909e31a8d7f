"""What the feeds and the sitemap list: public content only, in a constant number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from api.articles.models import Article, ArticleTopic
from api.articles.services import in_topic_tree
from api.articles.visibility import public_articles, public_filter
from api.extensions import db
from api.links.models import ArticleLink
from api.links.rendering import Target, has_markers, resolve_markers
from api.links.services import link_hrefs
from api.topics.models import Topic

# The sitemap protocol's limit for one file; a clinic library stays far below it.
SITEMAP_MAX_URLS = 50_000
FEED_OPTIONS = (
    joinedload(Article.author, innerjoin=True),
    selectinload(Article.topic_links).joinedload(ArticleTopic.topic, innerjoin=True),
)


@dataclass(frozen=True)
class SitemapEntry:
    url: str
    lastmod: dt.datetime


def newest_public_articles(topic_slug: str | None = None) -> list[Article]:
    """The newest FEED_SIZE public articles (under the topic tree, if given), bodies resolved.

    Three queries whatever the size: articles with authors, their topics, their link targets.
    """
    query = (
        public_articles()
        .options(*FEED_OPTIONS)
        .order_by(Article.published_at.desc(), Article.id.desc())
        .limit(current_app.config["FEED_SIZE"])
    )
    if topic_slug is not None:
        query = query.where(in_topic_tree(topic_slug))
    articles = list(db.session.scalars(query).unique())
    resolve_public_bodies(articles)
    return articles


def resolve_public_bodies(articles: Sequence[Article]) -> None:
    """`links.services.resolve_public_body` for many articles with one query for all links."""
    sources = {article.id: article for article in articles if has_markers(article.body_html)}
    if not sources:
        return
    rows = db.session.execute(
        select(ArticleLink.source_id, ArticleLink.target_slug, Article.slug, Article.title)
        .join(Article, Article.id == ArticleLink.target_id)
        .where(ArticleLink.source_id.in_(sources), public_filter())
    )
    targets: dict[int, dict[str, Target]] = defaultdict(dict)
    for source_id, written, slug, title in rows:
        targets[source_id][written] = Target(slug=slug, title=title)
    # Feed readers have no base to resolve a relative link against: always the site pages.
    href = link_hrefs("absolute")
    for article_id, article in sources.items():
        markup = resolve_markers(article.body_html, targets[article_id], href)
        set_committed_value(article, "body_html", markup)


def sitemap_entries() -> list[SitemapEntry]:
    """Every public article's and every topic's page on the clinic site (two queries)."""
    config = current_app.config
    articles = db.session.execute(
        public_articles()
        .with_only_columns(Article.slug, Article.updated_at, Article.published_at)
        .order_by(Article.published_at.desc(), Article.id.desc())
        .limit(SITEMAP_MAX_URLS)
    )
    entries = [
        SitemapEntry(config["ARTICLE_URL_TEMPLATE"].format(slug=slug), max(updated, published))
        for slug, updated, published in articles
    ]
    room = SITEMAP_MAX_URLS - len(entries)
    topics = db.session.execute(
        select(Topic.slug, Topic.updated_at).order_by(Topic.slug).limit(max(room, 0))
    )
    entries += [
        SitemapEntry(config["TOPIC_URL_TEMPLATE"].format(slug=slug), updated)
        for slug, updated in topics
    ]
    return entries

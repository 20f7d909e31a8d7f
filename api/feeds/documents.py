"""Public articles as feed entries, with URLs from the clinic site's patterns."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, request

from api.articles.disclaimer import disclaimer_html
from api.articles.figures import absolute_media_urls
from api.articles.models import Article
from api.core.site import site_url
from api.feeds import formats
from api.feeds.services import newest_public_articles, sitemap_entries
from api.topics.models import Topic

# Tag URIs (RFC 4151) stay the same when a slug changes: readers do not show an entry twice.
TAG_DATE = "2026"


def tag_uri(specific: str) -> str:
    """A tag URI (RFC 4151) under the clinic site's host, for feed and Infobutton ids."""
    host = urlsplit(current_app.config["ARTICLE_URL_TEMPLATE"]).hostname or "careleaf.invalid"
    return f"tag:{host},{TAG_DATE}:{specific}"


def article_url(slug: str) -> str:
    return current_app.config["ARTICLE_URL_TEMPLATE"].format(slug=slug)


def topic_url(slug: str) -> str:
    return current_app.config["TOPIC_URL_TEMPLATE"].format(slug=slug)


def _entry(article: Article) -> formats.Entry:
    published = article.published_at
    assert published is not None  # public articles always have one
    return formats.Entry(
        id=tag_uri(f"article-{article.id}"),
        url=article_url(article.slug),
        title=article.title,
        summary=article.meta_description or article.summary,
        content_html=absolute_media_urls(article.body_html)
        + disclaimer_html(article.disclaimer_markdown),
        published=published,
        updated=max(published, article.updated_at),
        author=article.author.name,
        author_url=article.author.website_url,
        language=article.language,
        categories=tuple(topic.name for topic in article.topics),
    )


def articles_feed(topic: Topic | None = None) -> formats.Feed:
    """The newest public articles, all of them or under `topic` (its descendants included)."""
    config = current_app.config
    articles = newest_public_articles(topic.slug if topic else None)
    title = config["FEED_TITLE"] + (f": {topic.name}" if topic else "")
    return formats.Feed(
        id=tag_uri(f"topic-{topic.id}" if topic else "articles"),
        title=title,
        description=(
            f"The newest patient-education articles about {topic.name}."
            if topic
            else "The newest patient-education articles."
        ),
        home_url=topic_url(topic.slug) if topic else article_url("").rstrip("/") + "/",
        self_url=site_url() + request.path,
        entries=[_entry(article) for article in articles],
    )


def sitemap_document() -> bytes:
    return formats.sitemap((entry.url, entry.lastmod) for entry in sitemap_entries())

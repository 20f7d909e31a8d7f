from __future__ import annotations

from collections.abc import Callable

from flask import Response
from flask.views import MethodView

from api.core.smorest import Blueprint
from api.feeds import formats
from api.feeds.documents import articles_feed, sitemap_document
from api.topics.services import topic_or_404

blp = Blueprint("feeds", __name__, description="Feeds and sitemap for sites and search engines")

RSS = "application/rss+xml"
ATOM = "application/atom+xml"
JSON_FEED = "application/feed+json"
XML = "application/xml"


JSON_FEED_SCHEMA = {
    "type": "object",
    "required": ["version", "title", "items"],
    "properties": {
        "version": {"type": "string", "const": "https://jsonfeed.org/version/1.1"},
        "title": {"type": "string"},
        "items": {"type": "array", "items": {"type": "object", "required": ["id"]}},
    },
}


def _document(content_type: str, description: str) -> Callable[..., object]:
    """Document a 200 that is a feed document (XML text, or JSON Feed's object)."""
    schema = JSON_FEED_SCHEMA if content_type == JSON_FEED else {"type": "string"}
    return blp.doc(
        responses={
            "200": {"description": description, "content": {content_type: {"schema": schema}}}
        }
    )


def _feed(render: Callable[[formats.Feed], bytes], content_type: str, slug: str | None) -> Response:
    topic = topic_or_404(slug) if slug is not None else None
    charset = "" if content_type == JSON_FEED else "; charset=utf-8"
    return Response(render(articles_feed(topic)), content_type=content_type + charset)


@blp.route("/feeds/articles.rss")
class ArticlesRss(MethodView):
    @_document(RSS, "RSS 2.0")
    def get(self) -> Response:
        """RSS 2.0 feed of the newest published articles"""
        return _feed(formats.rss, RSS, None)


@blp.route("/feeds/articles.atom")
class ArticlesAtom(MethodView):
    @_document(ATOM, "Atom 1.0")
    def get(self) -> Response:
        """Atom feed of the newest published articles"""
        return _feed(formats.atom, ATOM, None)


@blp.route("/feeds/articles.json")
class ArticlesJsonFeed(MethodView):
    @_document(JSON_FEED, "JSON Feed 1.1")
    def get(self) -> Response:
        """JSON Feed 1.1 of the newest published articles"""
        return _feed(formats.json_feed, JSON_FEED, None)


@blp.route("/feeds/topics/<slug>.rss")
class TopicRss(MethodView):
    @_document(RSS, "RSS 2.0")
    @blp.alt_response(404, description="No topic has this slug")
    def get(self, slug: str) -> Response:
        """RSS 2.0 feed of the newest published articles under a topic or its descendants"""
        return _feed(formats.rss, RSS, slug)


@blp.route("/feeds/topics/<slug>.atom")
class TopicAtom(MethodView):
    @_document(ATOM, "Atom 1.0")
    @blp.alt_response(404, description="No topic has this slug")
    def get(self, slug: str) -> Response:
        """Atom feed of the newest published articles under a topic or its descendants"""
        return _feed(formats.atom, ATOM, slug)


@blp.route("/sitemap.xml")
class Sitemap(MethodView):
    @_document(XML, "A sitemaps.org urlset")
    def get(self) -> Response:
        """Sitemap of every published article's and every topic's page on the clinic site"""
        return Response(sitemap_document(), content_type=XML + "; charset=utf-8")

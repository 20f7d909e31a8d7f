"""`include=` on article detail: what a page needs besides the article, in the same response.

Each included part is exactly what its own endpoint answers (same service, same schema):
`related` is GET /articles/<slug>/related, `backlinks` the first page of
GET /articles/<slug>/backlinks, `topics_detail` GET /topics/<slug> for each of the article's
topics in their order, `author_detail` GET /authors/<slug>. The response cache and ETags key on
the whole query string, so every combination is cached and validated on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import marshmallow as ma

from api.articles.models import Article
from api.articles.schemas import ArticleSummarySchema
from api.authors.schemas import AuthorSchema
from api.authors.services import author_or_404
from api.core.field_selection import CommaSeparatedList
from api.core.resource_urls import LINK_MODES
from api.core.smorest import Blueprint, Schema
from api.extensions import db
from api.links.services import backlinks_query
from api.related.schemas import RelatedArticleSchema
from api.related.services import related_articles
from api.taxonomy.services import topic_page
from api.topics.schemas import TopicDetailSchema

INCLUDES = ("related", "backlinks", "topics_detail", "author_detail")


def _known_includes(names: list[str]) -> None:
    unknown = [name for name in names if name not in INCLUDES]
    if unknown:
        raise ma.ValidationError(
            f"Unknown include: {', '.join(repr(name) for name in unknown)}. "
            f"Choose from: {', '.join(INCLUDES)}."
        )


class ArticleReadArgsSchema(Schema):
    links = ma.fields.String(
        validate=ma.validate.OneOf(LINK_MODES),
        metadata={
            "description": "The href of internal links in body_html: the site page (absolute), "
            "its root-relative path (relative) or the API URL (api); default LINK_MODE"
        },
    )
    include = CommaSeparatedList(
        ma.fields.String(validate=ma.validate.Length(max=40), metadata={"enum": list(INCLUDES)}),
        validate=[ma.validate.Length(max=len(INCLUDES)), _known_includes],
        metadata={
            "description": "Also return, under `included`, what these endpoints answer "
            "(comma-separated): related (/related), backlinks (first page of /backlinks), "
            "topics_detail (each topic's detail), author_detail (the author's detail)"
        },
    )


class ArticleIncludedSchema(Schema):
    """What `include=` asked for, each part as its own endpoint returns it."""

    related = ma.fields.List(ma.fields.Nested(RelatedArticleSchema), dump_only=True)
    backlinks = ma.fields.List(ma.fields.Nested(ArticleSummarySchema), dump_only=True)
    topics_detail = ma.fields.List(ma.fields.Nested(TopicDetailSchema), dump_only=True)
    author_detail = ma.fields.Nested(AuthorSchema, dump_only=True)


@dataclass(frozen=True)
class IncludedView:
    """An article view (the row, or a StaffView) with its included parts: kept out of the
    ORM row, like StaffView, so nothing meant for one response is flushed or reused."""

    view: Any
    included: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.view, name)


def included_parts(article: Article, names: list[str], *, preview: bool = False) -> dict[str, Any]:
    """The parts named in `names` for a public article, or for the article of a preview link
    (unknown names were refused before)."""
    wanted = set(names)
    parts: dict[str, Any] = {}
    if "related" in wanted:
        parts["related"] = related_articles(
            article.slug, article_id=article.id if preview else None
        )
    if "backlinks" in wanted:
        page_size = Blueprint.DEFAULT_PAGINATION_PARAMETERS["page_size"]
        parts["backlinks"] = list(db.session.scalars(backlinks_query(article.id).limit(page_size)))
    if "topics_detail" in wanted:
        parts["topics_detail"] = [topic_page(link.topic.slug) for link in article.topic_links]
    if "author_detail" in wanted:
        parts["author_detail"] = author_or_404(article.author.slug)
    return parts

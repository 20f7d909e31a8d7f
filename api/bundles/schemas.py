from __future__ import annotations

import marshmallow as ma

from api.articles.schemas import ArticleSchema
from api.authors.schemas import AuthorSchema
from api.bundles.media import MEDIA_CHOICE_HELP, parse_choice
from api.core.resource_urls import LINK_MODES, ApiUrl, SiteUrl
from api.core.smorest import Schema
from api.media.schemas import RenditionSchema
from api.topics.schemas import TopicSchema


def _valid_choice(value: str) -> None:
    try:
        parse_choice(value)
    except ValueError as error:
        raise ma.ValidationError(str(error)) from None


class BundleMediaSchema(Schema):
    """A media item the bundle's articles or authors show, and its chosen files."""

    id = ma.fields.Integer(dump_only=True)
    sha256 = ma.fields.String(
        dump_only=True, metadata={"description": "SHA-256 of the item's normalized original"}
    )
    bytes = ma.fields.Integer(dump_only=True)
    url = ma.fields.String(dump_only=True, metadata={"description": "The original file"})
    renditions = ma.fields.List(
        ma.fields.Nested(RenditionSchema),
        dump_only=True,
        metadata={"description": "The files chosen by `media=`; verify each by its sha256"},
    )


class BundleArgsSchema(Schema):
    links = ma.fields.String(
        validate=ma.validate.OneOf(LINK_MODES),
        metadata={
            "description": "The href of internal links in body_html: the site page (absolute), "
            "its root-relative path (relative) or the API URL (api); default LINK_MODE"
        },
    )
    media = ma.fields.String(
        validate=[ma.validate.Length(max=500), _valid_choice],
        metadata={
            "description": "Which files of each media item `media` lists: " + MEDIA_CHOICE_HELP
        },
    )


class TopicNodeSchema(Schema):
    slug = ma.fields.String(dump_only=True)
    url = SiteUrl("topic")
    api_url = ApiUrl("topic")
    children = ma.fields.List(ma.fields.Nested(lambda: TopicNodeSchema()), dump_only=True)


class BundleAuthorSchema(AuthorSchema):
    """An author as the author endpoint shows it, without the count of published articles
    (it changes with articles, not with the author)."""

    class Meta(AuthorSchema.Meta):
        exclude = ("published_article_count",)


class BundleSchema(Schema):
    """Everything public a kiosk needs offline, and where to continue in the changes feed.

    Articles are exactly what `GET /api/v1/articles/<slug>` answers, topics what the topic
    list shows, authors what `GET /api/v1/authors/<slug>` shows (without the article count).
    """

    cursor = ma.fields.String(
        dump_only=True,
        metadata={"description": "Pass as `since` to /api/v1/changes to catch up from here"},
    )
    generated_at = ma.fields.AwareDateTime(dump_only=True)
    topic = ma.fields.String(
        dump_only=True, allow_none=True, metadata={"description": "The scope; null: everything"}
    )
    topics = ma.fields.List(ma.fields.Nested(TopicSchema), dump_only=True)
    topic_tree = ma.fields.List(ma.fields.Nested(TopicNodeSchema), dump_only=True)
    authors = ma.fields.List(ma.fields.Nested(BundleAuthorSchema), dump_only=True)
    articles = ma.fields.List(ma.fields.Nested(ArticleSchema), dump_only=True)
    related = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.List(ma.fields.String()),
        dump_only=True,
        metadata={"description": "Article slug -> related public article slugs, best first"},
    )
    media = ma.fields.List(
        ma.fields.Nested(BundleMediaSchema),
        dump_only=True,
        metadata={
            "description": "Every media item the articles (feature images, figures in bodies) "
            "and authors (avatars) show, by id, with the files `media=` chose: a kiosk "
            "downloads each once and checks its sha256"
        },
    )

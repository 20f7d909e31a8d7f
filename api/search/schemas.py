from __future__ import annotations

import marshmallow as ma

from api.articles.schemas import ArticleSummarySchema
from api.authors.schemas import AuthorSummarySchema
from api.core.resource_urls import ApiUrl, SiteUrl
from api.core.smorest import Schema
from api.topics.schemas import TopicSummarySchema

MAX_QUERY_LENGTH = 300


def _has_text(value: str) -> None:
    if not value.strip():
        raise ma.ValidationError("Type something to search for.")


class SearchArgsSchema(Schema):
    q = ma.fields.String(
        required=True,
        validate=[ma.validate.Length(min=1, max=MAX_QUERY_LENGTH), _has_text],
        metadata={
            "description": (
                'Web-search syntax: words (all required), "a phrase", -excluded, '
                "either OR other. Topic synonyms widen the query."
            )
        },
    )
    topic = ma.fields.String(
        validate=ma.validate.Length(max=120),
        metadata={"description": "Topic slug; articles of its descendant topics are included"},
    )
    language = ma.fields.String(
        validate=ma.validate.Length(max=35), metadata={"description": "BCP 47 tag"}
    )


class ArticleHitSchema(ArticleSummarySchema):
    """An article that matches a search."""

    score = ma.fields.Float(
        dump_only=True,
        metadata={
            "description": (
                "Relevance from 0 to 1, the same scale for every query and store: each field "
                "the whole query matches adds its weight (title > topic synonyms > summary > "
                "headings > body), the store's own rank breaks ties"
            )
        },
    )
    snippet = ma.fields.String(
        dump_only=True,
        metadata={"description": "Sanitized HTML excerpt of the body, matches in <mark>"},
    )


class SearchResultsSchema(Schema):
    query = ma.fields.String(dump_only=True, metadata={"description": "The query as typed"})
    did_you_mean = ma.fields.String(
        dump_only=True,
        allow_none=True,
        metadata={
            "description": (
                "When the query as typed found little and a correction of its words (against "
                "the indexed vocabulary) finds more: the corrected query, whose results these "
                "are. Null otherwise."
            )
        },
    )
    articles = ma.fields.List(
        ma.fields.Nested(ArticleHitSchema),
        dump_only=True,
        metadata={
            "description": "One page, best first; paging in the Link and X-Pagination headers"
        },
    )
    topics = ma.fields.List(
        ma.fields.Nested(TopicSummarySchema),
        dump_only=True,
        metadata={"description": "Topics whose name or a synonym the query names"},
    )
    authors = ma.fields.List(
        ma.fields.Nested(AuthorSummarySchema),
        dump_only=True,
        metadata={"description": "Authors whose name contains a word of the query"},
    )


class SuggestArgsSchema(Schema):
    q = ma.fields.String(
        required=True,
        validate=[ma.validate.Length(min=1, max=100), _has_text],
        metadata={
            "description": "The start of any word of a title, topic name or synonym, any case"
        },
    )
    limit = ma.fields.Integer(load_default=8, validate=ma.validate.Range(min=1, max=20))


class ArticleSuggestionSchema(Schema):
    slug = ma.fields.String(dump_only=True)
    title = ma.fields.String(dump_only=True)
    url = SiteUrl("article")
    api_url = ApiUrl("article")


class TopicSuggestionSchema(TopicSummarySchema):
    label = ma.fields.String(
        dump_only=True,
        metadata={
            "description": "What to show: the name, and the synonym typed when a synonym "
            'matched ("Mast cell activation (MCAS)")'
        },
    )


class SuggestionsSchema(Schema):
    articles = ma.fields.List(
        ma.fields.Nested(ArticleSuggestionSchema),
        dump_only=True,
        metadata={"description": "Public articles, best first: title start, then popularity"},
    )
    topics = ma.fields.List(
        ma.fields.Nested(TopicSuggestionSchema),
        dump_only=True,
        metadata={"description": "Topics by name or synonym, best first"},
    )

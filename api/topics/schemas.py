from __future__ import annotations

import re

import marshmallow as ma

from api.articles.schemas import ArticleSummarySchema
from api.core.smorest import Schema
from api.core.validation import SLUG, SLUG_PATTERN

# Paths under /api/v1/topics/ that are not topics.
RESERVED_SLUGS = frozenset({"graph"})


class TopicSummarySchema(Schema):
    """A reference to a topic: enough to link to it."""

    slug = ma.fields.String(dump_only=True)
    name = ma.fields.String(dump_only=True)


class TopicCodesSchema(Schema):
    """Codes of the topic in medical terminologies, for interoperability."""

    mesh = ma.fields.String(
        validate=[
            ma.validate.Length(max=10),
            ma.validate.Regexp(r"^[A-Z][0-9]{6,9}$", error="Not a MeSH unique ID."),
        ],
        metadata={"description": "MeSH descriptor unique ID, e.g. D001416"},
    )
    icd10 = ma.fields.String(
        validate=[
            ma.validate.Length(max=8),
            ma.validate.Regexp(
                r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$", error="Not an ICD-10-CM code."
            ),
        ],
        metadata={"description": "ICD-10-CM code (current fiscal year), e.g. M54.50"},
    )
    snomed = ma.fields.String(
        validate=[
            ma.validate.Length(max=18),
            ma.validate.Regexp(r"^[0-9]{6,18}$", error="Not a SNOMED CT concept id."),
        ],
        metadata={"description": "SNOMED CT concept id, e.g. 161891005"},
    )


def _not_reserved(slug: str) -> None:
    if slug in RESERVED_SLUGS:
        raise ma.ValidationError(f"'{slug}' is reserved.")


class TopicSchema(Schema):
    """A topic, as listed and as written by staff; `parent` is the parent's slug."""

    id = ma.fields.Integer(dump_only=True)
    slug = ma.fields.String(required=True, validate=[*SLUG, _not_reserved])
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    description = ma.fields.String(load_default="", validate=ma.validate.Length(max=5_000))
    description_html = ma.fields.String(dump_only=True)
    parent = ma.fields.Method("parent_slug", deserialize="load_slug", allow_none=True)
    position = ma.fields.Integer(load_default=0, validate=ma.validate.Range(min=0, max=100_000))
    synonyms = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(min=1, max=200)),
        load_default=list,
        validate=ma.validate.Length(max=50),
    )
    codes = ma.fields.Nested(TopicCodesSchema)
    pillar = ma.fields.Method(
        "pillar_of",
        deserialize="load_pillar",
        allow_none=True,
        validate=ma.validate.Length(max=120),
        metadata={
            # allow_none adds the "null"; naming it here too would list it twice.
            "type": "string",
            "maxLength": 120,
            "description": "Slug of the topic's hub article; shown to the public only when "
            "that article is published",
        },
    )
    created_at = ma.fields.AwareDateTime(dump_only=True)
    updated_at = ma.fields.AwareDateTime(dump_only=True)

    def pillar_of(self, topic: object) -> str | None:
        return getattr(topic, "pillar_slug", None)

    def load_pillar(self, value: object) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or not re.match(SLUG_PATTERN, value):
            raise ma.ValidationError("Give the pillar article's slug.")
        return value

    def parent_slug(self, topic: object) -> str | None:
        parent = getattr(topic, "parent", None)
        return parent.slug if parent is not None else None

    def load_slug(self, value: object) -> str:
        if not isinstance(value, str) or not value:
            raise ma.ValidationError("Give the parent topic's slug.")
        return value


class TopicTreeSchema(TopicSchema):
    """A topic in the list; with `tree=true`, with its subtree nested in `children`."""

    children = ma.fields.List(
        ma.fields.Nested(lambda: TopicTreeSchema()),
        attribute="tree_children",
        dump_only=True,
        metadata={"description": "Only with tree=true: the child topics, nested"},
    )


class RelatedTopicSchema(Schema):
    """A topic related to another one, with why."""

    topic = ma.fields.Nested(TopicSummarySchema, dump_only=True)
    score = ma.fields.Float(dump_only=True)
    see_also = ma.fields.Boolean(dump_only=True, metadata={"description": "Chosen by editors"})
    shared_articles = ma.fields.Integer(
        dump_only=True, metadata={"description": "Published articles filed under both topics"}
    )
    reasons = ma.fields.List(ma.fields.String(), dump_only=True)


class TopicDetailSchema(TopicSchema):
    """A topic with its place in the tree, related topics and pillar article."""

    pillar = ma.fields.Nested(
        ArticleSummarySchema,
        attribute="pillar_article",
        dump_only=True,
        allow_none=True,
        metadata={"description": "The topic's hub article, when published"},
    )
    published_article_count = ma.fields.Integer(
        dump_only=True, metadata={"description": "Including the articles of descendant topics"}
    )
    related = ma.fields.List(ma.fields.Nested(RelatedTopicSchema), dump_only=True)

    children = ma.fields.List(ma.fields.Nested(TopicSummarySchema), dump_only=True)
    breadcrumbs = ma.fields.List(
        ma.fields.Nested(TopicSummarySchema),
        dump_only=True,
        metadata={"description": "Ancestors from the root down to the parent"},
    )


class TopicListArgsSchema(Schema):
    tree = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "true: the whole tree, nested, in one response"},
    )
    code = ma.fields.String(
        validate=ma.validate.Length(min=1, max=60),
        metadata={
            "description": "Only the topics holding this code, as SYSTEM:CODE: `ICD-10-CM:M54.50`, "
            "`SNOMED CT:161891005`, `MeSH:D001416` (system names in any case). An ICD-10-CM "
            "code no topic holds falls back to its nearest ancestor (M54.50, M54.5, M54); the "
            "`X-Matched-Code` header names the code that matched"
        },
    )

from __future__ import annotations

from typing import Any

import marshmallow as ma

from api.articles.schemas import ArticleRefSchema
from api.core.resource_urls import ApiUrl, SiteUrl
from api.core.smorest import Schema
from api.core.validation import SLUG

# Paths under /api/v1/topics/ that are not topics.
RESERVED_SLUGS = frozenset({"graph"})


class TopicSummarySchema(Schema):
    """A reference to a topic: enough to link to it."""

    slug = ma.fields.String(dump_only=True)
    name = ma.fields.String(dump_only=True)
    url = SiteUrl("topic")
    api_url = ApiUrl("topic")


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


class PillarField(ma.fields.Nested):
    """`pillar`: the topic's hub article as an ArticleRef, or null; the same shape in lists,
    the tree, bundles and details. Written as `{"slug": ...}` (a bare slug is accepted too)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(ArticleRefSchema, allow_none=True, **kwargs)

    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = None) -> Any:
        slug = getattr(obj, "pillar_slug", None)
        if slug is None:
            return None
        return {"slug": slug, "title": getattr(obj, "pillar_title", None)}

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str):
            value = {"slug": value}
        loaded = super()._deserialize(value, attr, data, **kwargs)
        # A PATCH loads partially, nested schemas included: the slug must still be there.
        if not loaded.get("slug"):
            raise ma.ValidationError({"slug": ["Missing data for required field."]})
        return loaded["slug"]


class TopicSchema(Schema):
    """A topic, as listed and as written by staff; `parent` is the parent's slug."""

    id = ma.fields.Integer(dump_only=True)
    slug = ma.fields.String(required=True, validate=[*SLUG, _not_reserved])
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    url = SiteUrl("topic")
    api_url = ApiUrl("topic")
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
    pillar = PillarField(
        metadata={
            "description": "The topic's hub article (the public sees it only once it is "
            'published); write it as {"slug": ...}, null to clear'
        },
    )
    created_at = ma.fields.AwareDateTime(dump_only=True)
    updated_at = ma.fields.AwareDateTime(dump_only=True)

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
    article_count = ma.fields.Integer(
        dump_only=True,
        metadata={
            "description": "Only with tree=true: published articles filed under the topic or "
            "any of its descendants (each article once)"
        },
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

    published_article_count = ma.fields.Integer(
        dump_only=True, metadata={"description": "Including the articles of descendant topics"}
    )
    related = ma.fields.List(ma.fields.Nested(RelatedTopicSchema), dump_only=True)
    red_flags_html = ma.fields.String(
        dump_only=True,
        metadata={
            "description": "The approved shared blocks (red flags) that every article under "
            "this topic includes: the topic's own and its ancestors'; empty when none"
        },
    )

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

from __future__ import annotations

import marshmallow as ma

from api.core.smorest import Schema
from api.core.validation import SLUG


class TopicSummarySchema(Schema):
    """A reference to a topic: enough to link to it."""

    slug = ma.fields.String(dump_only=True)
    name = ma.fields.String(dump_only=True)


class TopicSchema(Schema):
    """A topic, as listed and as written by staff; `parent` is the parent's slug."""

    id = ma.fields.Integer(dump_only=True)
    slug = ma.fields.String(required=True, validate=SLUG)
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
    created_at = ma.fields.AwareDateTime(dump_only=True)
    updated_at = ma.fields.AwareDateTime(dump_only=True)

    def parent_slug(self, topic: object) -> str | None:
        parent = getattr(topic, "parent", None)
        return parent.slug if parent is not None else None

    def load_slug(self, value: object) -> str:
        if not isinstance(value, str) or not value:
            raise ma.ValidationError("Give the parent topic's slug.")
        return value


class TopicDetailSchema(TopicSchema):
    """A topic with its place in the tree."""

    children = ma.fields.List(ma.fields.Nested(TopicSummarySchema), dump_only=True)
    breadcrumbs = ma.fields.List(
        ma.fields.Nested(TopicSummarySchema),
        dump_only=True,
        metadata={"description": "Ancestors from the root down to the parent"},
    )

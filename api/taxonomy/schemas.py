from __future__ import annotations

import marshmallow as ma

from api.core.smorest import Schema
from api.core.validation import SLUG
from api.taxonomy.services import MAX_SEE_ALSO


class SeeAlsoSchema(Schema):
    """The complete list of a topic's see-also topics (replaces the previous one)."""

    related = ma.fields.List(
        ma.fields.String(validate=SLUG),
        required=True,
        validate=ma.validate.Length(max=MAX_SEE_ALSO),
        metadata={"description": "Topic slugs; the link is symmetric"},
    )


class RelatedTopicsArgsSchema(Schema):
    limit = ma.fields.Integer(load_default=10, validate=ma.validate.Range(min=1, max=50))


class GraphArgsSchema(Schema):
    include = ma.fields.String(
        validate=ma.validate.OneOf(["articles"]),
        metadata={"description": "`articles` adds the published articles and their edges"},
    )


class GraphNodeSchema(Schema):
    id = ma.fields.String(
        dump_only=True, metadata={"description": "`topic:<slug>` or `article:<slug>`"}
    )
    type = ma.fields.String(dump_only=True, metadata={"enum": ["topic", "article"]})
    slug = ma.fields.String(dump_only=True)
    label = ma.fields.String(
        dump_only=True, metadata={"description": "Topic name or article title"}
    )


class GraphEdgeSchema(Schema):
    type = ma.fields.String(
        dump_only=True,
        metadata={
            "enum": ["parent", "related", "article-topic", "article-link"],
            "description": "parent: source is a child of target; related: see-also (once "
            "per pair); article-topic: article filed under topic; article-link: source "
            "article links to target article",
        },
    )
    source = ma.fields.String(dump_only=True)
    target = ma.fields.String(dump_only=True)


class GraphSchema(Schema):
    """The taxonomy as a graph, for topic maps."""

    nodes = ma.fields.List(ma.fields.Nested(GraphNodeSchema), dump_only=True)
    edges = ma.fields.List(ma.fields.Nested(GraphEdgeSchema), dump_only=True)

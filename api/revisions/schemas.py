from __future__ import annotations

import marshmallow as ma

from api.articles.references import ReferenceSchema
from api.articles.staff_schemas import StaffUserSchema
from api.core.smorest import Schema


class RevisionSummarySchema(Schema):
    """A revision in the history: who, when, why."""

    number = ma.fields.Integer(dump_only=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)
    created_by = ma.fields.Nested(
        StaffUserSchema,
        dump_only=True,
        allow_none=True,
        metadata={"description": "null for content that predates tracking (imports)"},
    )
    comment = ma.fields.String(dump_only=True)


class RevisionContentSchema(Schema):
    title = ma.fields.String(dump_only=True)
    summary = ma.fields.String(dump_only=True)
    body_markdown = ma.fields.String(dump_only=True)
    language = ma.fields.String(dump_only=True)
    author = ma.fields.String(dump_only=True, metadata={"description": "Author slug"})
    topics = ma.fields.List(ma.fields.String(), dump_only=True)
    primary_topic = ma.fields.String(dump_only=True, allow_none=True)
    meta_description = ma.fields.String(
        dump_only=True,
        allow_none=True,
        metadata={"description": "Absent from revisions stored before it was reviewed content"},
    )
    feature_image_url = ma.fields.String(dump_only=True, allow_none=True)
    feature_image_alt = ma.fields.String(dump_only=True, allow_none=True)
    feature_image_id = ma.fields.Integer(dump_only=True, allow_none=True)
    media_text = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Dict(),
        dump_only=True,
        metadata={
            "description": "Media id -> {alt, caption, decorative} of every image the content "
            "shows, as recorded when the content was saved (reviewed with it)"
        },
    )
    audience = ma.fields.String(dump_only=True)
    disclaimer_markdown = ma.fields.String(dump_only=True, allow_none=True)
    references = ma.fields.List(
        ma.fields.Nested(ReferenceSchema),
        dump_only=True,
        metadata={"description": "Absent from revisions stored before it was reviewed content"},
    )


class RevisionSchema(RevisionSummarySchema):
    """A revision with the whole content it recorded."""

    content = ma.fields.Nested(RevisionContentSchema, dump_only=True)


class FieldChangeSchema(Schema):
    # `from` is a keyword: the attribute names differ from the JSON keys.
    old = ma.fields.Raw(data_key="from", attribute="from", dump_only=True)
    new = ma.fields.Raw(data_key="to", attribute="to", dump_only=True)


class RevisionDiffSchema(Schema):
    from_revision = ma.fields.Integer(dump_only=True, allow_none=True)
    to_revision = ma.fields.Integer(dump_only=True)
    body_markdown_diff = ma.fields.String(
        dump_only=True, metadata={"description": "Unified diff of the Markdown"}
    )
    changed_fields = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.Nested(FieldChangeSchema), dump_only=True
    )


class DiffArgsSchema(Schema):
    against = ma.fields.Integer(
        validate=ma.validate.Range(min=1),
        metadata={"description": "The older revision; default the one before"},
    )


class RestoreSchema(Schema):
    comment = ma.fields.String(load_default="", validate=ma.validate.Length(max=1000))

from __future__ import annotations

import marshmallow as ma

from api.core.smorest import Schema

OBJECT_TYPES = ["article", "author", "topic", "user", "token", "media"]


class ActorSchema(Schema):
    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(dump_only=True)


class AuditEntrySchema(Schema):
    """One write: who did what to which object, when, and what changed."""

    id = ma.fields.Integer(dump_only=True)
    at = ma.fields.AwareDateTime(dump_only=True)
    actor = ma.fields.Nested(
        ActorSchema,
        dump_only=True,
        allow_none=True,
        metadata={"description": "null for the command line"},
    )
    action = ma.fields.String(dump_only=True, metadata={"example": "article.update"})
    object_type = ma.fields.String(dump_only=True)
    object_id = ma.fields.Integer(dump_only=True)
    object_label = ma.fields.String(dump_only=True)
    changes = ma.fields.Dict(
        dump_only=True, metadata={"description": "field -> {from, to}, or action details"}
    )


class AuditArgsSchema(Schema):
    actor = ma.fields.Integer(metadata={"description": "User id of the actor"})
    object_type = ma.fields.String(validate=ma.validate.OneOf(OBJECT_TYPES))
    object_id = ma.fields.Integer()
    since = ma.fields.AwareDateTime(metadata={"description": "Inclusive lower bound"})
    until = ma.fields.AwareDateTime(metadata={"description": "Exclusive upper bound"})

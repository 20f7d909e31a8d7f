from __future__ import annotations

import marshmallow as ma

from api.changes.models import EVENT_TYPES
from api.core.smorest import Schema


class ChangesArgsSchema(Schema):
    since = ma.fields.String(
        validate=ma.validate.Length(min=1, max=200),
        metadata={
            "description": "A next_cursor from an earlier page or bundle; none: from the start"
        },
    )
    limit = ma.fields.Integer(load_default=100, validate=ma.validate.Range(min=1, max=500))


class ChangeEventSchema(Schema):
    """Something the public can see changed; fetch the object (or forget it) to catch up."""

    id = ma.fields.Integer(dump_only=True, metadata={"description": "Unique, for idempotency"})
    type = ma.fields.String(dump_only=True, metadata={"enum": list(EVENT_TYPES)})
    object = ma.fields.String(
        attribute="object_type",
        dump_only=True,
        metadata={"enum": ["article", "topic", "author", "media"]},
    )
    slug = ma.fields.String(
        dump_only=True,
        metadata={
            "description": "The slug at that time; of a media item, its sha256 (the files at "
            "/media/<sha256>/...)"
        },
    )
    previous_slug = ma.fields.String(
        dump_only=True, allow_none=True, metadata={"description": "Set when the slug changed"}
    )
    occurred_at = ma.fields.AwareDateTime(
        attribute="effective_at",
        dump_only=True,
        metadata={"description": "When the public could first see the change"},
    )


class ChangesPageSchema(Schema):
    events = ma.fields.List(ma.fields.Nested(ChangeEventSchema), dump_only=True)
    next_cursor = ma.fields.String(
        dump_only=True, metadata={"description": "Pass as `since` to continue (opaque)"}
    )
    has_more = ma.fields.Boolean(
        dump_only=True, metadata={"description": "More events are ready: ask again at once"}
    )

from __future__ import annotations

import marshmallow as ma

from api.articles.staff_schemas import StaffUserSchema
from api.core.smorest import Schema


class PreviewSchema(Schema):
    """A preview link of an article, as staff list it (never the token: the store has only
    its digest); created with an optional `ttl_hours`."""

    id = ma.fields.Integer(dump_only=True)
    ttl_hours = ma.fields.Integer(
        load_only=True,
        validate=ma.validate.Range(min=1),
        metadata={
            "description": "How long the link works; at most (and by default) PREVIEW_TTL_HOURS"
        },
    )
    created_by = ma.fields.Nested(StaffUserSchema, dump_only=True, allow_none=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)
    expires_at = ma.fields.AwareDateTime(dump_only=True)


class NewPreviewSchema(PreviewSchema):
    """A preview link just created: the only response that ever carries its token."""

    token = ma.fields.String(
        dump_only=True,
        metadata={"description": "The secret of the link: GET /api/v1/previews/{token}"},
    )
    url = ma.fields.String(
        dump_only=True,
        metadata={
            "description": "The front-end's preview page (PREVIEW_URL_TEMPLATE), by "
            "default this API's GET /api/v1/previews/{token}"
        },
    )

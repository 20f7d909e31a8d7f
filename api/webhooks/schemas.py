from __future__ import annotations

import marshmallow as ma

from api.changes.models import EVENT_TYPES
from api.core.smorest import Schema


class WebhookSchema(Schema):
    """An endpoint receiving change events; `secret` signs them and is never shown again."""

    id = ma.fields.Integer(dump_only=True)
    url = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=2048),
        metadata={"description": "http(s) URL resolving to public addresses only"},
    )
    events = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf([*EVENT_TYPES, "*"])),
        required=True,
        validate=ma.validate.Length(min=1, max=len(EVENT_TYPES) + 1),
        metadata={"description": 'Event types to receive, or ["*"] for all'},
    )
    secret = ma.fields.String(
        required=True,
        load_only=True,
        validate=ma.validate.Length(min=16, max=200),
        metadata={"description": "Shared secret for the HMAC-SHA256 signature (write-only)"},
    )
    active = ma.fields.Boolean(load_default=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)
    updated_at = ma.fields.AwareDateTime(dump_only=True)


class WebhookDeliverySchema(Schema):
    """One event sent to the endpoint, and how its attempts went."""

    id = ma.fields.Integer(dump_only=True)
    event_id = ma.fields.Integer(dump_only=True)
    event_type = ma.fields.String(dump_only=True)
    status = ma.fields.String(
        attribute="message.status",
        dump_only=True,
        allow_none=True,
        metadata={"enum": ["pending", "sending", "sent", "failed"]},
    )
    attempts = ma.fields.Integer(dump_only=True)
    last_status_code = ma.fields.Integer(dump_only=True, allow_none=True)
    last_error = ma.fields.String(dump_only=True, allow_none=True)
    last_attempt_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    next_attempt_at = ma.fields.AwareDateTime(
        attribute="message.next_attempt_at", dump_only=True, allow_none=True
    )
    delivered_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)

from __future__ import annotations

import marshmallow as ma

from api.core.smorest import Schema
from api.outbox.models import OutboxStatus


class OutboxMessageSchema(Schema):
    """A message of the outbox as staff see it: its delivery state, never its payload."""

    id = ma.fields.Integer(dump_only=True)
    kind = ma.fields.String(dump_only=True)
    reference = ma.fields.String(dump_only=True, allow_none=True)
    status = ma.fields.Enum(OutboxStatus, by_value=True, dump_only=True)
    attempts = ma.fields.Integer(dump_only=True)
    max_attempts = ma.fields.Integer(dump_only=True)
    next_attempt_at = ma.fields.AwareDateTime(dump_only=True)
    last_error = ma.fields.String(dump_only=True, allow_none=True)
    sent_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)
    updated_at = ma.fields.AwareDateTime(dump_only=True)


class OutboxQuerySchema(Schema):
    status = ma.fields.Enum(OutboxStatus, by_value=True)
    kind = ma.fields.String(validate=ma.validate.Length(min=1, max=40))

from __future__ import annotations

from typing import Any

import marshmallow as ma

from api.core.smorest import Schema
from api.users.models import Role


class UserSchema(Schema):
    """A staff user, as admins read and write them."""

    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    email = ma.fields.Email(required=True, validate=ma.validate.Length(max=320))
    role = ma.fields.Enum(Role, by_value=True, required=True)
    credentials = ma.fields.String(
        allow_none=True,
        validate=ma.validate.Length(max=200),
        metadata={"description": "Shown publicly on the articles they review, e.g. 'MD'"},
    )
    is_active = ma.fields.Boolean(
        load_default=True, metadata={"description": "Inactive users' tokens stop working"}
    )
    created_at = ma.fields.AwareDateTime(dump_only=True)
    updated_at = ma.fields.AwareDateTime(dump_only=True)

    @ma.pre_load
    def normalize_email(self, data: Any, **_kwargs: Any) -> Any:
        """Emails are trimmed and lowercased before they are validated."""
        if isinstance(data, dict) and isinstance(data.get("email"), str):
            data = {**data, "email": data["email"].strip().lower()}
        return data


class TokenSchema(Schema):
    """An API token's metadata; the token itself is shown only once, when created."""

    id = ma.fields.Integer(dump_only=True)
    user_id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    expires_at = ma.fields.AwareDateTime(allow_none=True, load_default=None)
    created_at = ma.fields.AwareDateTime(dump_only=True)
    last_used_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    revoked_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)


class NewTokenSchema(TokenSchema):
    """A token just created: the only response that ever carries the token."""

    token = ma.fields.String(
        dump_only=True, metadata={"description": "Use as 'Authorization: Bearer <token>'"}
    )


class TokenArgsSchema(Schema):
    user_id = ma.fields.Integer(metadata={"description": "Only this user's tokens"})

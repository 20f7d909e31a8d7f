from __future__ import annotations

from typing import Any

import marshmallow as ma

from api.authors.models import AuthorKind
from api.core.resource_urls import ApiUrl, SiteUrl
from api.core.smorest import Schema
from api.core.validation import SLUG, HttpUrl
from api.media.schemas import MediaSchema
from api.media.services import present


class AuthorSummarySchema(Schema):
    """How an article credits its author."""

    slug = ma.fields.String(dump_only=True)
    name = ma.fields.String(dump_only=True)
    url = SiteUrl("author")
    api_url = ApiUrl("author")
    kind = ma.fields.Enum(AuthorKind, by_value=True, dump_only=True)
    credentials = ma.fields.String(dump_only=True, allow_none=True)
    job_title = ma.fields.String(dump_only=True, allow_none=True)
    avatar_url = ma.fields.String(dump_only=True, allow_none=True)


class AvatarField(ma.fields.Nested):
    """`avatar`, from the author's loaded media item (no query)."""

    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = None) -> Any:
        return present(obj.avatar) if obj.avatar_id is not None and obj.avatar else None


class AuthorSchema(Schema):
    """An author, as read by everyone and written by staff."""

    id = ma.fields.Integer(dump_only=True)
    slug = ma.fields.String(required=True, validate=SLUG)
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    url = SiteUrl("author")
    api_url = ApiUrl("author")
    kind = ma.fields.Enum(AuthorKind, by_value=True, load_default=AuthorKind.PERSON)
    credentials = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=200))
    job_title = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=200))
    organization = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=200))
    bio_markdown = ma.fields.String(load_only=True, validate=ma.validate.Length(max=20_000))
    bio_html = ma.fields.String(dump_only=True)
    avatar_url = HttpUrl(allow_none=True)
    avatar_id = ma.fields.Integer(
        allow_none=True,
        validate=ma.validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "The media item of the author's picture (null: none)"},
    )
    avatar = AvatarField(
        MediaSchema,
        dump_only=True,
        allow_none=True,
        metadata={"description": "The avatar_id's media item, as the media library shapes it"},
    )
    website_url = HttpUrl(allow_none=True)
    published_article_count = ma.fields.Integer(dump_only=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)
    updated_at = ma.fields.AwareDateTime(dump_only=True)

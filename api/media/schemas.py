from __future__ import annotations

from typing import Any

import marshmallow as ma

from api.core.smorest import Schema

_TEXT = {"alt": 1000, "caption": 2000, "credit": 500, "license": 200}


def _text(name: str) -> ma.fields.String:
    return ma.fields.String(allow_none=True, validate=ma.validate.Length(max=_TEXT[name]))


def _focal() -> ma.fields.Float:
    return ma.fields.Float(
        allow_nan=False,
        validate=ma.validate.Range(min=0, max=1),
        metadata={"description": "Where crops keep the subject, 0 (left/top) to 1"},
    )


class MediaFieldsSchema(Schema):
    """What staff write about an image (the JSON of a PATCH)."""

    alt = _text("alt")
    decorative = ma.fields.Boolean(
        metadata={"description": 'True declares an image with no alt text (alt must be "")'}
    )
    caption = _text("caption")
    credit = _text("credit")
    license = _text("license")
    focal_x = _focal()
    focal_y = _focal()


class MediaUploadSchema(MediaFieldsSchema):
    """An upload: multipart/form-data with the image in part `file` and the text fields."""

    file = ma.fields.Raw(
        required=True,
        metadata={
            "type": "string",
            "format": "binary",
            "maxLength": 10 * 1024 * 1024,
            "description": "The image, at most MEDIA_MAX_BYTES (10 MB unless configured)",
        },
    )

    @ma.pre_load
    def _reject_nul(self, data: Any, **_kwargs: Any) -> Any:
        # Form parts skip the JSON body checks (api/core/limits.py); no store takes a NUL.
        errors = {
            name: ["Contains a NUL character."]
            for name, value in data.items()
            if isinstance(value, str) and "\x00" in value
        }
        if errors:
            raise ma.ValidationError(errors)
        return data


class RenditionSchema(Schema):
    url = ma.fields.String(dump_only=True)
    name = ma.fields.String(dump_only=True)
    format = ma.fields.String(dump_only=True)
    width = ma.fields.Integer(dump_only=True)
    height = ma.fields.Integer(dump_only=True)
    bytes = ma.fields.Integer(dump_only=True)
    sha256 = ma.fields.String(dump_only=True)


class SrcsetSchema(Schema):
    webp = ma.fields.String(dump_only=True)
    jpeg = ma.fields.String(dump_only=True)


class MediaSchema(Schema):
    """A media item: everything a site needs to write `<img srcset>`, and its files."""

    id = ma.fields.Integer(dump_only=True)
    url = ma.fields.String(dump_only=True, metadata={"description": "The widest JPEG"})
    original_url = ma.fields.String(dump_only=True)
    width = ma.fields.Integer(dump_only=True)
    height = ma.fields.Integer(dump_only=True)
    format = ma.fields.String(dump_only=True)
    alt = ma.fields.String(dump_only=True, allow_none=True)
    alt_missing = ma.fields.Boolean(dump_only=True)
    decorative = ma.fields.Boolean(dump_only=True)
    caption = ma.fields.String(dump_only=True, allow_none=True)
    credit = ma.fields.String(dump_only=True, allow_none=True)
    license = ma.fields.String(dump_only=True, allow_none=True)
    focal_x = ma.fields.Float(dump_only=True)
    focal_y = ma.fields.Float(dump_only=True)
    sha256 = ma.fields.String(dump_only=True)
    bytes = ma.fields.Integer(dump_only=True)
    srcset = ma.fields.Nested(SrcsetSchema, dump_only=True)
    sizes_hint = ma.fields.String(dump_only=True)
    dominant_color = ma.fields.String(dump_only=True)
    renditions = ma.fields.List(ma.fields.Nested(RenditionSchema), dump_only=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)
    updated_at = ma.fields.AwareDateTime(dump_only=True)


class MediaListArgsSchema(Schema):
    missing_alt = ma.fields.Boolean(
        metadata={"description": "true: only items without alt text that are not decorative"}
    )
    unused = ma.fields.Boolean(
        metadata={
            "description": "true: only items no article (live or pending revision) and no "
            "author uses; false: only items in use"
        }
    )


class ArticleUseSchema(Schema):
    id = ma.fields.Integer(dump_only=True)
    slug = ma.fields.String(dump_only=True)
    title = ma.fields.String(dump_only=True)
    status = ma.fields.String(dump_only=True)
    place = ma.fields.String(dump_only=True, metadata={"description": "feature_image or body"})
    pending_revision = ma.fields.Boolean(
        dump_only=True,
        metadata={"description": "Used by the pending revision, not yet by what is live"},
    )


class AuthorUseSchema(Schema):
    id = ma.fields.Integer(dump_only=True)
    slug = ma.fields.String(dump_only=True)
    name = ma.fields.String(dump_only=True)


class MediaUsageSchema(Schema):
    """What uses a media item: it cannot be deleted while either list has an entry."""

    articles = ma.fields.List(ma.fields.Nested(ArticleUseSchema), dump_only=True)
    authors = ma.fields.List(
        ma.fields.Nested(AuthorUseSchema),
        dump_only=True,
        metadata={"description": "Authors with the item as their avatar"},
    )

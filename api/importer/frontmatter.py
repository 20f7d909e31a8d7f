"""Markdown files with YAML front matter: the format of `seed/` and of `import-articles`."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import marshmallow as ma
import yaml

from api.articles.models import AUDIENCES, ArticleStatus
from api.articles.references import references_field
from api.core.smorest import Schema
from api.core.validation import SLUG, HttpUrl

CLOSING = re.compile(r"^---[ \t\r]*$\n?", re.MULTILINE)


class FrontMatterError(ValueError):
    """The file cannot be imported; the message says why.

    `fields` holds what did validate when only some fields are wrong, so that the importer
    can check those too and report every problem of the file at once."""

    def __init__(self, message: str, *, fields: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.fields = fields


class ArticleFrontMatterSchema(Schema):
    title = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=300))
    slug = ma.fields.String(required=True, validate=SLUG)
    summary = ma.fields.String(load_default="", validate=ma.validate.Length(max=2_000))
    author = ma.fields.String(required=True, validate=SLUG)
    topics = ma.fields.List(ma.fields.String(validate=SLUG), load_default=list)
    primary_topic = ma.fields.String(validate=SLUG)
    status = ma.fields.Enum(ArticleStatus, by_value=True, load_default=ArticleStatus.DRAFT)
    published_at = ma.fields.AwareDateTime(allow_none=True, load_default=None)
    language = ma.fields.String(load_default="en", validate=ma.validate.Length(min=2, max=35))
    meta_description = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=320))
    feature_image_url = HttpUrl(allow_none=True)
    feature_image_alt = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=300))
    # A media item of the library; the seed also takes `feature_image: <name>`, the name of
    # one of its own drawn images (seed/images.py).
    feature_image_id = ma.fields.Integer(
        allow_none=True, validate=ma.validate.Range(min=1, max=2**31 - 1)
    )
    feature_image = ma.fields.String(validate=SLUG)
    canonical_url = HttpUrl(allow_none=True)
    audience = ma.fields.String(validate=ma.validate.OneOf(AUDIENCES))
    disclaimer_markdown = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=5000))
    references = references_field()


def _yaml_dates_as_text(value: Any) -> Any:
    # YAML turns unquoted timestamps into datetimes (a reference's `accessed` date too); the
    # schema wants ISO 8601 text.
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_yaml_dates_as_text(item) for item in value]
    if isinstance(value, dict):
        return {key: _yaml_dates_as_text(item) for key, item in value.items()}
    return value


def _messages(name: str, messages: Any) -> list[str]:
    """Flat "field: reason" lines; nested ones named like `references[1].doi`."""
    if isinstance(messages, dict):
        return [
            line
            for key, inner in messages.items()
            for line in _messages(
                f"{name}[{key}]" if isinstance(key, int) else f"{name}.{key}", inner
            )
        ]
    return [f"{name}: {' '.join(map(str, messages))}"]


def parse_article(text: str) -> dict[str, Any]:
    """Validated article fields, body included, from the text of a Markdown file."""
    if not text.startswith("---"):
        raise FrontMatterError("the file must start with a '---' front matter block")
    # Closed by the first line that is `---` alone, so a value may hold "---" (a title).
    found = CLOSING.search(text, 3)
    if found is None:
        raise FrontMatterError("the front matter block is not closed by '---'")
    header, body = text[3 : found.start()], text[found.end() :]
    try:
        meta = yaml.safe_load(header)
    except yaml.YAMLError as error:
        raise FrontMatterError(f"the front matter is not valid YAML: {error}") from None
    if not isinstance(meta, dict):
        raise FrontMatterError("the front matter must be a YAML mapping")
    meta = {key: _yaml_dates_as_text(value) for key, value in meta.items()}
    try:
        fields = ArticleFrontMatterSchema().load(meta)
    except ma.ValidationError as error:
        problems = "; ".join(
            line
            for name, msgs in error.messages.items()  # type: ignore[union-attr]
            for line in _messages(str(name), msgs)
        )
        valid = error.valid_data if isinstance(error.valid_data, dict) else {}
        raise FrontMatterError(problems, fields=valid) from None
    fields["body_markdown"] = body.lstrip("\n")
    return fields

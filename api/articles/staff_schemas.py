"""The staff shapes of an article: what staff read (more than the public) and what they write."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import marshmallow as ma

from api.articles.included import ArticleReadArgsSchema, IncludedView
from api.articles.media import images_missing_alt, row_media
from api.articles.references import ReferenceSchema, references_field
from api.articles.schemas import ArticleSchema
from api.articles.staff import StaffView
from api.core.errors import Problem
from api.core.field_selection import dumped_field_names, fields_argument
from api.core.smorest import Schema
from api.core.validation import SLUG


class StaffUserSchema(Schema):
    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(dump_only=True)
    credentials = ma.fields.String(dump_only=True, allow_none=True)


class PendingRevisionSchema(Schema):
    number = ma.fields.Integer(dump_only=True)
    state = ma.fields.String(
        dump_only=True,
        validate=ma.validate.OneOf(["draft", "in_review", "approved"]),
        metadata={"description": "approved: publish makes it live"},
    )


class WarningSchema(Schema):
    code = ma.fields.String(dump_only=True, metadata={"example": "reading_grade_above_limit"})
    field = ma.fields.String(dump_only=True, metadata={"example": "reading_grade"})
    detail = ma.fields.String(dump_only=True)


class ImageRefSchema(Schema):
    id = ma.fields.Integer(dump_only=True, metadata={"description": "The media item"})
    place = ma.fields.String(dump_only=True, validate=ma.validate.OneOf(["feature_image", "body"]))


class MissingAltField(ma.fields.List):
    """`images_missing_alt`, computed from the content staff read (no query)."""

    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = None) -> Any:
        return images_missing_alt(row_media(obj))


class StaffArticleSchema(ArticleSchema):
    """An article as staff read it: the public article plus its source and workflow state."""

    body_markdown = ma.fields.String(dump_only=True)
    disclaimer_markdown = ma.fields.String(dump_only=True, allow_none=True)
    references = ma.fields.List(
        ma.fields.Nested(ReferenceSchema),
        dump_only=True,
        metadata={
            "description": "The references as written (all of them, in their order); "
            "body_html numbers the cited ones"
        },
    )
    warnings = ma.fields.List(
        ma.fields.Nested(WarningSchema),
        dump_only=True,
        metadata={
            "description": "What the writer should know: a reference the body never cites "
            "(`reference_not_cited`); after submit, a reading grade above "
            "CLINIC_MAX_READING_GRADE (`reading_grade_above_limit`)"
        },
    )
    version = ma.fields.Integer(dump_only=True, metadata={"description": "Also in the ETag"})
    created_by = ma.fields.Nested(StaffUserSchema, dump_only=True, allow_none=True)
    reviewed_by = ma.fields.Nested(StaffUserSchema, dump_only=True, allow_none=True)
    current_revision = ma.fields.Integer(dump_only=True)
    approved_revision = ma.fields.Integer(
        dump_only=True,
        allow_none=True,
        metadata={"description": "Publishing needs it to equal current_revision"},
    )
    live_revision = ma.fields.Integer(
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "The revision the public sees while the article is published or "
            "archived; null otherwise"
        },
    )
    pending_revision = ma.fields.Nested(
        PendingRevisionSchema,
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "A newer revision of a published or archived article, waiting "
            "for review and publishing; the other content fields show it (the working copy) "
            "while the public keeps live_revision. null when none is pending"
        },
    )
    review_comment = ma.fields.String(dump_only=True, allow_none=True)
    images_missing_alt = MissingAltField(
        ma.fields.Nested(ImageRefSchema),
        dump_only=True,
        metadata={
            "description": "The images of the content (the working copy) with no alt text and "
            "not decorative: publishing is a 409 until this is empty"
        },
    )
    allowed_actions = ma.fields.List(
        ma.fields.String(),
        dump_only=True,
        metadata={"description": "Transitions the article's state allows now (any role)"},
    )
    your_actions = ma.fields.List(
        ma.fields.String(),
        dump_only=True,
        metadata={"description": "Those of allowed_actions the caller may apply"},
    )


class ArticleReadSchema(Schema):
    """One article read: the public `Article`, or with a staff token the `StaffArticle`.

    Dumps each through its own schema, chosen by what the view returns; the OpenAPI document
    gives the response as `anyOf` the two (`document_read_shapes`).
    """

    def dump(self, obj: Any, *, many: bool | None = None) -> Any:
        only = None
        if isinstance(obj, Selected):
            obj, only = obj.view, obj.fields
        view = obj.view if isinstance(obj, IncludedView) else obj
        schema_cls = StaffArticleSchema if isinstance(view, StaffView) else ArticleSchema
        return schema_cls(only=only).dump(obj, many=many)


class ArticleDetailArgsSchema(ArticleReadArgsSchema):
    """Reading one article: `links`, `include`, and `fields` to pick what comes back."""

    fields = fields_argument(StaffArticleSchema)


@dataclass(frozen=True)
class Selected:
    """An article view dumped with only `fields` (api/core/field_selection.py)."""

    view: Any
    fields: list[str]


def select_fields(view: Any, fields: list[str]) -> Selected:
    """The view with only these fields; a 422 naming each field its shape lacks (the staff
    fields, for a reader without a token). `included` comes along when `include=` asked."""
    inner = view.view if isinstance(view, IncludedView) else view
    shape = StaffArticleSchema if isinstance(inner, StaffView) else ArticleSchema
    missing = [name for name in fields if name not in dumped_field_names(shape)]
    if missing:
        raise Problem(
            422,
            f"Only staff read these fields: {', '.join(missing)}.",
            errors={"fields": [f"Unknown field for this reader: {name}." for name in missing]},
        )
    wanted = [*fields, "included"] if isinstance(view, IncludedView) else fields
    return Selected(view, list(dict.fromkeys(wanted)))


# The richer shape first, and told apart by fields only it always has: a generated client
# tries the shapes in order and keeps the first that parses (openapi-python-client would read
# a staff article as a public one, its workflow fields dropped into additional properties).
READ_SHAPES = {"ArticleRead": ("StaffArticle", "Article")}
ALWAYS_SENT = {"StaffArticle": ("body_markdown", "version", "current_revision", "allowed_actions")}


def document_read_shapes(spec: Any) -> None:
    """Replace each dispatching schema's (empty) component by `anyOf` its shapes."""
    schemas = spec.components.schemas
    for name, fields in ALWAYS_SENT.items():
        required = schemas[name].setdefault("required", [])
        required.extend(field for field in fields if field not in required)
    for name, shapes in READ_SHAPES.items():
        schemas[name] = {
            "anyOf": [{"$ref": f"#/components/schemas/{shape}"} for shape in shapes],
            "description": "The public shape, or the staff one when a staff token is sent",
        }


class TransitionResultSchema(StaffArticleSchema):
    """The article after a workflow action, with what the caller should know about it."""


class ArticleWriteSchema(StaffArticleSchema):
    """An article as staff write it: the author and topics by slug, plus a revision comment."""

    slug = ma.fields.String(
        validate=SLUG,
        metadata={
            "description": "Optional on create: made from the title, with -2, -3... when taken "
            "(also by an old slug that redirects)"
        },
    )
    author = ma.fields.String(required=True, validate=SLUG, metadata={"example": "jane-doe"})
    topics = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(min=1, max=120)),
        load_default=list,
        validate=ma.validate.Length(max=30),
        metadata={"description": "Topic slugs, the primary one first", "example": ["back-pain"]},
    )
    primary_topic = ma.fields.String(
        load_only=True,
        allow_none=True,
        validate=ma.validate.Length(max=120),
        metadata={"description": "One of `topics`; default the first"},
    )
    body_markdown = ma.fields.String(load_default="", validate=ma.validate.Length(max=500_000))
    references = references_field(
        metadata={"description": "The sources the body cites as `[@key]` (see docs/content.md)"}
    )
    disclaimer_markdown = ma.fields.String(
        allow_none=True,
        validate=ma.validate.Length(max=5000),
        metadata={
            "description": "Overrides CLINIC_DISCLAIMER for this article (null: the clinic's; "
            '"": none)'
        },
    )
    comment = ma.fields.String(
        load_only=True,
        load_default="",
        validate=ma.validate.Length(max=1000),
        metadata={"description": "Stored with the revision this change makes"},
    )


class TransitionSchema(Schema):
    action = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(
            ["submit", "approve", "reject", "publish", "unpublish", "archive"]
        ),
    )
    comment = ma.fields.String(
        load_default="",
        validate=ma.validate.Length(max=2000),
        metadata={"description": "Required to reject; kept as the article's review comment"},
    )
    published_at = ma.fields.AwareDateTime(
        metadata={"description": "publish only: a future time schedules the article"}
    )
    accept_reading_grade = ma.fields.Boolean(
        metadata={
            "description": "approve only: true accepts a reading grade above "
            "CLINIC_MAX_READING_GRADE (without it such an approval is a 409)"
        }
    )

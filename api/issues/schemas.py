from __future__ import annotations

import copy
from typing import Any

import marshmallow as ma

from api.core.smorest import Schema
from api.core.validation import SLUG
from api.issues.models import IssueStatus
from api.newsletter.schemas import LANGUAGE_TAG

AUTO = "auto"


class ArticlesField(ma.fields.Field):
    """`"auto"`, or the slugs of the chosen articles in order (at least one, no repeats)."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = {
            "description": '"auto" (new articles in each reader\'s topics) or chosen slugs',
            "oneOf": [
                {"type": "string", "enum": [AUTO]},
                {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 30},
            ],
        }
        super().__init__(metadata=metadata, **kwargs)

    def __deepcopy__(self, memo: dict[int, Any]) -> ArticlesField:
        # Each schema's copy gets its own `oneOf` objects: shared ones would become YAML
        # anchors in openapi.yaml, renumbering every other anchor of the document.
        field = copy.copy(self)
        field.metadata = copy.deepcopy(self.metadata, memo)
        return field

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> Any:
        return AUTO if value is None else list(value)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if value == AUTO:
            return AUTO
        slugs = ma.fields.List(
            ma.fields.String(validate=SLUG), validate=ma.validate.Length(min=1, max=30)
        ).deserialize(value)
        if len(set(slugs)) != len(slugs):
            raise ma.ValidationError("An article is listed twice.")
        return slugs


class IssueStatsSchema(Schema):
    """Counts from the outbox and the subscriptions; no pixel, no click tracking."""

    queued = ma.fields.Integer(dump_only=True, metadata={"description": "Messages queued"})
    not_receiving = ma.fields.Integer(
        dump_only=True,
        metadata={"description": "Confirmed subscribers with nothing for them (no message)"},
    )
    pending = ma.fields.Integer(dump_only=True, metadata={"description": "Not yet sent"})
    sent = ma.fields.Integer(dump_only=True, metadata={"description": "Accepted by the server"})
    failed = ma.fields.Integer(dump_only=True, metadata={"description": "Failed for good"})
    bounced = ma.fields.Integer(
        dump_only=True,
        metadata={"description": "Failed, and the address is now marked bouncing"},
    )
    skipped = ma.fields.Integer(
        dump_only=True,
        metadata={"description": "Not sent by the worker (e.g. unsubscribed before sending)"},
    )
    unsubscribed_after = ma.fields.Integer(
        dump_only=True,
        metadata={
            "description": "Recipients who unsubscribed after this issue was sent and before "
            "the next issue of the newsletter was"
        },
    )


class NewsletterIssueSchema(Schema):
    """A newsletter issue: create with POST, change with PATCH (any subset) while not sent."""

    id = ma.fields.Integer(dump_only=True)
    newsletter = ma.fields.Function(lambda issue: issue.newsletter.slug, dump_only=True)
    subject = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    preheader = ma.fields.String(
        load_default="",
        validate=ma.validate.Length(max=200),
        metadata={"description": "The line mail clients show after the subject"},
    )
    language = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=LANGUAGE_TAG,
        metadata={"description": "Only subscribers of this language receive it; null: all"},
    )
    intro_markdown = ma.fields.String(load_default="", validate=ma.validate.Length(max=20_000))
    intro_html = ma.fields.String(dump_only=True, metadata={"description": "Sanitized"})
    articles = ArticlesField(required=True, attribute="article_slugs")
    status = ma.fields.Enum(IssueStatus, by_value=True, dump_only=True)
    send_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    sent_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    created_by = ma.fields.Function(
        lambda issue: issue.created_by_id, dump_only=True, metadata={"description": "User id"}
    )
    created_at = ma.fields.AwareDateTime(dump_only=True)
    updated_at = ma.fields.AwareDateTime(dump_only=True)
    stats = ma.fields.Nested(IssueStatsSchema, dump_only=True)


class IssueQuerySchema(Schema):
    status = ma.fields.Enum(IssueStatus, by_value=True)


class IssueSendSchema(Schema):
    send_at = ma.fields.AwareDateTime(
        load_default=None,
        allow_none=True,
        metadata={"description": "When to send; unset or past: now (the next worker round)"},
    )


class IssueTestSendSchema(Schema):
    users = ma.fields.List(
        ma.fields.Integer(validate=ma.validate.Range(min=1)),
        load_default=list,
        validate=ma.validate.Length(max=20),
        metadata={"description": "Staff user ids to send to; default: you"},
    )
    subscriber = ma.fields.Integer(
        validate=ma.validate.Range(min=1),
        metadata={"description": "Render as for this subscriber (their language and topics)"},
    )


class IssueTestSentSchema(Schema):
    sent_to = ma.fields.List(ma.fields.String(), dump_only=True)


class IssuePreviewQuerySchema(Schema):
    subscriber = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1))


class IssuePreviewSchema(Schema):
    """Exactly the message one subscriber gets; `Date` and `Message-ID` are added when sent."""

    subscriber = ma.fields.Integer(dump_only=True)
    receives = ma.fields.Boolean(dump_only=True)
    reason = ma.fields.String(dump_only=True, allow_none=True)
    to = ma.fields.String(dump_only=True, allow_none=True)
    subject = ma.fields.String(dump_only=True, allow_none=True)
    headers = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(), dump_only=True)
    text = ma.fields.String(dump_only=True, allow_none=True)
    html = ma.fields.String(dump_only=True, allow_none=True)

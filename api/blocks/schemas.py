"""The shapes of shared blocks: what staff write, read, list, and the workflow actions."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from api.articles.includes import KEY_PATTERN
from api.core.smorest import Schema
from api.core.validation import SLUG

KEY = [
    ma.validate.Length(min=3, max=200),
    ma.validate.Regexp(
        f"^{KEY_PATTERN}$",
        error="Use <group>/<name> in lowercase letters, digits and single hyphens, "
        "e.g. red-flags/back-pain.",
    ),
]


class SharedBlockWriteSchema(Schema):
    key = ma.fields.String(
        required=True,
        validate=KEY,
        metadata={"description": "How articles include it: `::: include <key>`; fixed"},
    )
    title = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    topic = ma.fields.String(
        allow_none=True,
        validate=SLUG,
        metadata={
            "description": "Articles under this topic (or its descendants) must include the "
            "block to be published; default for red-flags/<slug>: the topic <slug>"
        },
    )
    body_markdown = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=100_000),
        metadata={"description": "A change is a new revision; live once a reviewer approves"},
    )
    comment = ma.fields.String(
        load_only=True,
        validate=ma.validate.Length(max=1000),
        metadata={"description": "Kept with the revision the write makes"},
    )


class BlockReviewerSchema(Schema):
    name = ma.fields.String(dump_only=True)
    credentials = ma.fields.String(dump_only=True, allow_none=True)


class BlockApprovalSchema(Schema):
    reviewed_by = ma.fields.Nested(BlockReviewerSchema, dump_only=True)
    reviewed_at = ma.fields.AwareDateTime(dump_only=True)
    content_sha256 = ma.fields.String(dump_only=True)


class PendingBlockRevisionSchema(Schema):
    number = ma.fields.Integer(dump_only=True)
    state = ma.fields.String(dump_only=True, metadata={"enum": ["draft", "in_review"]})
    body_markdown = ma.fields.String(dump_only=True)
    body_html = ma.fields.String(dump_only=True)
    comment = ma.fields.String(dump_only=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)


class SharedBlockSchema(SharedBlockWriteSchema):
    """A shared block as staff read it: the live text, and the revision pending review."""

    body_markdown = ma.fields.String(
        dump_only=True, metadata={"description": "The live text (empty until first approved)"}
    )
    body_html = ma.fields.String(dump_only=True)
    live_revision = ma.fields.Integer(dump_only=True, allow_none=True)
    current_revision = ma.fields.Integer(dump_only=True)
    version = ma.fields.Integer(dump_only=True, metadata={"description": "Also in the ETag"})
    approval = ma.fields.Nested(BlockApprovalSchema, dump_only=True, allow_none=True)
    pending_revision = ma.fields.Nested(PendingBlockRevisionSchema, dump_only=True, allow_none=True)
    included_by = ma.fields.List(
        ma.fields.String(),
        dump_only=True,
        metadata={"description": "Slugs of the articles whose body includes it (any status)"},
    )
    allowed_actions = ma.fields.List(ma.fields.String(), dump_only=True)
    your_actions = ma.fields.List(ma.fields.String(), dump_only=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)
    updated_at = ma.fields.AwareDateTime(dump_only=True)


def _topic_slug(block: Any) -> str | None:
    return block.topic.slug if block.topic is not None else None


class SharedBlockSummarySchema(Schema):
    key = ma.fields.String(dump_only=True)
    title = ma.fields.String(dump_only=True)
    topic = ma.fields.Function(_topic_slug, dump_only=True, allow_none=True)
    live_revision = ma.fields.Integer(dump_only=True, allow_none=True)
    current_revision = ma.fields.Integer(dump_only=True)
    pending_status = ma.fields.String(dump_only=True, allow_none=True)
    updated_at = ma.fields.AwareDateTime(dump_only=True)


class SharedBlockTransitionSchema(Schema):
    action = ma.fields.String(
        required=True, validate=ma.validate.OneOf(["submit", "approve", "reject"])
    )
    comment = ma.fields.String(
        load_default="",
        validate=ma.validate.Length(max=2000),
        metadata={"description": "Required to reject; kept with the revision's review"},
    )


class SharedBlockRevisionSchema(Schema):
    number = ma.fields.Integer(dump_only=True)
    body_markdown = ma.fields.String(dump_only=True)
    comment = ma.fields.String(dump_only=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)
    reviewer_name = ma.fields.String(dump_only=True, allow_none=True)
    reviewer_credentials = ma.fields.String(dump_only=True, allow_none=True)
    reviewed_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    review_comment = ma.fields.String(dump_only=True, allow_none=True)
    content_sha256 = ma.fields.String(dump_only=True, allow_none=True)
    self_approved = ma.fields.Boolean(dump_only=True)


class SharedBlockTransitionResultSchema(SharedBlockSchema):
    articles_updated = ma.fields.List(
        ma.fields.String(),
        dump_only=True,
        metadata={
            "description": "approve: slugs of the articles whose body now shows the new text"
        },
    )

from __future__ import annotations

import marshmallow as ma

from api.articles.schemas import ArticleSummarySchema
from api.core.smorest import Schema
from api.review.services import queue_reason


class ReviewQueueItemSchema(ArticleSummarySchema):
    """An article in the review queue, with why it is there."""

    reason = ma.fields.Function(
        queue_reason,
        dump_only=True,
        metadata={"description": "awaiting_review, never_reviewed, overdue or due"},
    )
    last_reviewed_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    next_review_due = ma.fields.Date(dump_only=True, allow_none=True)


class ReviewQueueArgsSchema(Schema):
    within_days = ma.fields.Integer(
        load_default=30,
        validate=ma.validate.Range(min=0, max=3650),
        metadata={"description": "Include published articles due within this many days"},
    )


class ArticleReviewSchema(Schema):
    """One approval as recorded: the reviewer as they were then, and what they signed."""

    revision = ma.fields.Integer(dump_only=True)
    reviewer_id = ma.fields.Integer(dump_only=True, allow_none=True)
    reviewer_name = ma.fields.String(dump_only=True)
    reviewer_credentials = ma.fields.String(dump_only=True)
    content_sha256 = ma.fields.String(
        dump_only=True,
        metadata={
            "description": "SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8) of "
            "the patient-facing fields approved"
        },
    )
    reviewed_at = ma.fields.AwareDateTime(dump_only=True)
    next_review_due = ma.fields.Date(dump_only=True)
    comment = ma.fields.String(dump_only=True, allow_none=True)
    self_approved = ma.fields.Boolean(
        dump_only=True,
        metadata={"description": "The reviewer made this revision (REVIEW_ALLOW_SELF_APPROVAL)"},
    )

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

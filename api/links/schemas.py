from __future__ import annotations

from typing import Any

import marshmallow as ma

from api.articles.models import ArticleStatus
from api.articles.visibility import is_public
from api.core.smorest import Schema


class LinkedArticleSchema(Schema):
    """An article at one end of a link, as staff see it."""

    slug = ma.fields.String(dump_only=True)
    title = ma.fields.String(dump_only=True)
    status = ma.fields.Enum(ArticleStatus, by_value=True, dump_only=True)
    published_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)


class LinkReportItemSchema(Schema):
    """An internal link that the public sees as plain text, and why."""

    source = ma.fields.Nested(LinkedArticleSchema, dump_only=True)
    written_slug = ma.fields.String(
        attribute="target_slug",
        dump_only=True,
        metadata={"description": "The slug as written in the source's Markdown"},
    )
    target = ma.fields.Nested(LinkedArticleSchema, dump_only=True, allow_none=True)
    problem = ma.fields.Method(
        "link_problem",
        dump_only=True,
        metadata={
            "description": "missing, scheduled (published, in the future) or the target's status",
            "enum": ["missing", "scheduled", "draft", "in_review", "archived"],
        },
    )

    def link_problem(self, link: Any) -> str:
        target = link.target
        if target is None:
            return "missing"
        if target.status is ArticleStatus.PUBLISHED and not is_public(target):
            return "scheduled"  # published, but its time has not come
        return target.status.value

from __future__ import annotations

import marshmallow as ma

from api.articles.schemas import ArticleSummarySchema
from api.core.smorest import Schema


class RelatedArticlesArgsSchema(Schema):
    limit = ma.fields.Integer(load_default=5, validate=ma.validate.Range(min=1, max=20))


class RelatedArticleSchema(Schema):
    """An article related to another one: its summary, score and why."""

    article = ma.fields.Nested(ArticleSummarySchema, dump_only=True)
    score = ma.fields.Float(
        dump_only=True, metadata={"description": "Higher is more related; comparable within a list"}
    )
    reasons = ma.fields.List(
        ma.fields.String(),
        dump_only=True,
        metadata={"description": "Readable reasons, the weightiest first"},
    )

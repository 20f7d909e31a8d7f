from __future__ import annotations

import marshmallow as ma

from api.core.smorest import Schema


class GapArgsSchema(Schema):
    since = ma.fields.Date(metadata={"description": "First day (UTC), included"})
    until = ma.fields.Date(metadata={"description": "Last day (UTC), included; default today"})
    days = ma.fields.Integer(
        validate=ma.validate.Range(min=1, max=3660),
        metadata={"description": "The last N days up to `until` (default 30); not with since"},
    )
    below = ma.fields.Integer(
        load_default=3,
        validate=ma.validate.Range(min=1, max=1000),
        metadata={
            "description": "A query found little when none of its searches found this many "
            "articles (default 3; 1: only queries that found nothing)"
        },
    )
    limit = ma.fields.Integer(load_default=50, validate=ma.validate.Range(min=1, max=500))


class GapSchema(Schema):
    query = ma.fields.String(dump_only=True, metadata={"description": "Normalized query"})
    searches = ma.fields.Integer(dump_only=True, metadata={"description": "In the period"})
    max_results = ma.fields.Integer(
        dump_only=True, metadata={"description": "The most articles it found on any day"}
    )
    days_searched = ma.fields.Integer(
        dump_only=True, metadata={"description": "Days in the period it was searched on"}
    )
    last_searched = ma.fields.Date(dump_only=True)


class GapReportSchema(Schema):
    since = ma.fields.Date(dump_only=True)
    until = ma.fields.Date(dump_only=True)
    below = ma.fields.Integer(dump_only=True)
    queries = ma.fields.List(ma.fields.Nested(GapSchema), dump_only=True)

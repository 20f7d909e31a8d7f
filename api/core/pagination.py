"""Paging SQLAlchemy selects the flask-smorest way (`page`, `page_size`, `X-Pagination`).

Totals are exact up to LIST_COUNT_CAP matches (or up to the end of the requested page, if
further): counting stops there, so a list costs the same at 100,000 articles as at 10,000.
Past it, `total` is a lower bound and X-Pagination says so with `"total_is_lower_bound": true`
(see Blueprint in smorest.py).
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_smorest import Page
from sqlalchemy import Select, func, literal, select

from api.extensions import db


class SelectPage(Page):
    """Runs one COUNT and one page query for a `select()` of ORM entities."""

    collection: Select[Any]

    @property
    def items(self) -> list[Any]:
        params = self.page_params
        query = self.collection.offset(params.first_item).limit(params.page_size)
        return list(db.session.scalars(query))

    @property
    def item_count(self) -> int:
        params = self.page_params
        enough = max(current_app.config["LIST_COUNT_CAP"], params.first_item + params.page_size)
        counted = db.session.scalar(count_query(self.collection, up_to=enough + 1)) or 0
        if counted > enough:
            params.total_is_lower_bound = True
            return enough
        return counted


def count_query(query: Select[Any], up_to: int | None = None) -> Select[tuple[int]]:
    """COUNT(*) of what `query` would return.

    A plain filtered select is counted directly (`SELECT count(*) FROM articles WHERE ...`):
    no eager-load joins, no columns, so the store can answer from an index alone. Selects whose
    rows are not one per match (DISTINCT, GROUP BY, LIMIT) are counted as a subquery; so is
    a count that stops after `up_to` matches.
    """
    query = query.order_by(None)
    one_row_per_match = not (
        query._distinct
        or query._group_by_clauses
        or query._limit_clause is not None
        or query._offset_clause is not None
    )
    if one_row_per_match and up_to is None:
        return query.with_only_columns(func.count(), maintain_column_froms=True)
    if one_row_per_match:
        matches = query.with_only_columns(literal(1), maintain_column_froms=True)
    else:
        matches = select(literal(1)).select_from(query.subquery())
    if up_to is not None:
        # Stop after `up_to` matches: an index walk that ends early, whatever the table size.
        matches = matches.limit(up_to)
    return select(func.count()).select_from(matches.subquery())

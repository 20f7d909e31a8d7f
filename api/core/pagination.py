"""Paging SQLAlchemy selects the flask-smorest way (`page`, `page_size`, `X-Pagination`)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Page
from sqlalchemy import Select, func, select

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
        return db.session.scalar(count_query(self.collection)) or 0


def count_query(query: Select[Any]) -> Select[tuple[int]]:
    """COUNT(*) of what `query` would return.

    A plain filtered select is counted directly (`SELECT count(*) FROM articles WHERE ...`):
    no eager-load joins, no columns, so the store can answer from an index alone. Selects whose
    rows are not one per match (DISTINCT, GROUP BY, LIMIT) are counted as a subquery.
    """
    query = query.order_by(None)
    if (
        query._distinct
        or query._group_by_clauses
        or query._limit_clause is not None
        or (query._offset_clause is not None)
    ):
        return select(func.count()).select_from(query.subquery())
    return query.with_only_columns(func.count(), maintain_column_froms=True)

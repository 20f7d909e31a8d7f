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
        counted = self.collection.order_by(None).options()
        return db.session.scalar(select(func.count()).select_from(counted.subquery())) or 0

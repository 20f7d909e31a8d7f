from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base

MAX_LOGGED_QUERY = 300  # as long as a search query may be (api/search/schemas.py)


class SearchQueryDay(Base):
    """How often one normalized query was searched on one (UTC) day, and what it found.

    Nothing else: no address, no user agent, no time of day; queries that could name a
    person (an email address, a long number) are never stored (api/search/gaps/services.py).
    """

    __tablename__ = "search_query_days"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    query: Mapped[str] = mapped_column(String(MAX_LOGGED_QUERY), primary_key=True)
    searches: Mapped[int] = mapped_column(default=1)
    # Matching articles at the day's latest search (a page-1 search's total).
    results: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<SearchQueryDay {self.day} {self.query!r}>"

"""Count public searches per normalized query and day; report those that found little.

Recording is one upsert per search (INSERT ... ON CONFLICT DO UPDATE, on both stores) in the
request's transaction (committed by api/core/transactions.py): no read first, one statement
whether or not the query was counted that day already. Chosen over batching in memory,
which loses counts when a worker stops and needs a flusher in every process.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from flask import Response, current_app, request
from sqlalchemy import Row, delete, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from api.core import clock
from api.core.errors import Problem
from api.extensions import db
from api.search.gaps.models import MAX_LOGGED_QUERY, SearchQueryDay

# Something@something: an email address, or near enough to one not to keep.
_EMAIL = re.compile(r"\S@\S")
# Six or more digits, even with spaces, dots, dashes, slashes or brackets between them:
# phone numbers, record numbers, dates of birth.
_LONG_NUMBER = re.compile(r"\d(?:[\s().\-/]*\d){5,}")
DEFAULT_DAYS = 30
SEARCH_ENDPOINT = "search.Search"
log = logging.getLogger(__name__)


def normalize_query(text: str) -> str:
    """One form per query as people type it: NFKC, case-folded, single spaces, trimmed."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(folded.split())[:MAX_LOGGED_QUERY]


def may_store(normalized: str) -> bool:
    """Whether a query may be kept: not empty, no email address, no long number."""
    return (
        bool(normalized) and not _EMAIL.search(normalized) and not _LONG_NUMBER.search(normalized)
    )


def count_search(response: Response) -> Response:
    """`after_request` of the search blueprint: count a public search's first page.

    Runs for answers from the response cache too (the view does not run then), taking the
    number found from X-Pagination. Not counted: other pages, searches filtered by topic or
    language, and 304s (a client revalidating a search it made already). Counting never
    fails a search: a store error is logged and the count dropped.
    """
    if request.endpoint != SEARCH_ENDPOINT or response.status_code != 200:
        return response
    args = request.args
    if args.get("page", "1") != "1" or "topic" in args or "language" in args:
        return response
    try:
        total = int(json.loads(response.headers.get("X-Pagination", "{}"))["total"])
    except (ValueError, KeyError, TypeError):
        return response
    try:
        record_search(args.get("q", ""), total)
    except SQLAlchemyError:
        db.session.rollback()
        log.warning("a search count was dropped", exc_info=True)
    return response


def record_search(text: str, results: int) -> None:
    """Count one public search of `text` today, remembering how many articles it found."""
    query = normalize_query(text)
    if not may_store(query):
        return
    table = SearchQueryDay.__table__
    insert = (
        postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    )
    statement = insert(table).values(
        day=clock.now().date(), query=query, searches=1, results=results
    )
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.day, table.c.query],
        set_={"searches": table.c.searches + 1, "results": statement.excluded.results},
    )
    db.session.execute(statement)


@dataclass(frozen=True)
class Period:
    since: dt.date
    until: dt.date


def period(since: dt.date | None, until: dt.date | None, days: int | None) -> Period:
    """The days to report on, both ends included: `since`..`until`, or the last `days`."""
    if days is not None and since is not None:
        raise Problem(
            422, "Give `since` or `days`, not both.", errors={"days": ["Not with since."]}
        )
    until = until or clock.now().date()
    if since is None:
        try:
            since = until - dt.timedelta(days=(days or DEFAULT_DAYS) - 1)
        except OverflowError:  # before 0001-01-01
            raise Problem(
                422, "The period starts before year 1.", errors={"days": ["Too many days."]}
            ) from None
    if since > until:
        raise Problem(422, "`since` is after `until`.", errors={"since": ["After until."]})
    return Period(since, until)


def gaps(window: Period, *, below: int, limit: int) -> list[Row[Any]]:
    """Queries whose searches in the period all found fewer than `below` articles, most
    searched first (ties: alphabetically)."""
    searches = func.sum(SearchQueryDay.searches)
    statement = (
        select(
            SearchQueryDay.query,
            searches.label("searches"),
            func.max(SearchQueryDay.results).label("max_results"),
            func.count().label("days_searched"),
            func.max(SearchQueryDay.day).label("last_searched"),
        )
        .where(SearchQueryDay.day.between(window.since, window.until))
        .group_by(SearchQueryDay.query)
        .having(func.max(SearchQueryDay.results) < below)
        .order_by(searches.desc(), SearchQueryDay.query)
        .limit(limit)
    )
    return list(db.session.execute(statement))


def prune(today: dt.date | None = None) -> int:
    """Delete the counts older than SEARCH_LOG_RETENTION_DAYS; the number of rows deleted."""
    keep = current_app.config["SEARCH_LOG_RETENTION_DAYS"]
    oldest_kept = (today or clock.now().date()) - dt.timedelta(days=keep - 1)
    result = db.session.execute(delete(SearchQueryDay).where(SearchQueryDay.day < oldest_kept))
    return int(getattr(result, "rowcount", 0) or 0)

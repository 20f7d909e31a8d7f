"""The streamed CSV export of subscribers, consent evidence included.

The response body is produced after the view has returned (and its session closed), so the
generator reads in batches of its own, keyset-paginated by id, in a session it closes itself.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from flask import Flask
from sqlalchemy import Select

from api.extensions import db
from api.newsletter.models import Subscription
from api.newsletter.staff import subscribers_query

BATCH_SIZE = 500
COLUMNS = (
    "id",
    "newsletter",
    "email",
    "status",
    "topics",
    "source",
    "consent_version",
    "consent_text",
    "consented_at",
    "ip_hash",
    "user_agent",
    "confirmation_sent_at",
    "confirmed_at",
    "unsubscribed_at",
    "unsubscribe_method",
    "erased_at",
    "last_signup_at",
    "hard_bounces",
    "last_bounced_at",
    "suspended_at",
    "created_at",
    "updated_at",
)
# Spreadsheets run cells starting with these as formulas (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """The text of a cell, never executable by a spreadsheet."""
    if value is None:
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _row(subscription: Subscription) -> list[str]:
    values = {
        column: getattr(subscription, column, None)
        for column in COLUMNS
        if column not in ("newsletter", "topics", "status")
    }
    values["newsletter"] = subscription.newsletter.slug
    values["status"] = subscription.status.value
    values["topics"] = " ".join(topic.slug for topic in subscription.topics)
    return [safe_cell(values[column]) for column in COLUMNS]


def _line(cells: list[str] | tuple[str, ...]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()


def export_rows(app: Flask, filters: dict[str, Any]) -> Iterator[str]:
    """CSV lines: the header, then every matching subscriber, oldest first, in batches."""
    yield _line(COLUMNS)
    last_id = 0
    while True:
        with app.app_context():
            query: Select[Any] = (
                subscribers_query(**filters)
                .where(Subscription.id > last_id)
                .order_by(None)
                .order_by(Subscription.id)
                .limit(BATCH_SIZE)
            )
            batch = list(db.session.scalars(query).unique())
            lines = "".join(_line(_row(subscription)) for subscription in batch)
        # Leaving the app context closed the session: no connection is held between batches.
        if not batch:
            return
        yield lines
        last_id = batch[-1].id

"""One commit per request, in one place, and the store's errors as problems.

The rule: a request that opened a transaction commits it when it succeeds (status below 400)
and rolls it back on an error status or an exception, whatever it wrote (ORM flushes or Core
statements alike) and whether it wrote at all. A read-only request's COMMIT ends its read
transaction as a ROLLBACK would; the session hooks (`api.hooks`) find nothing to write.
"""

from __future__ import annotations

import logging
import re

from flask import Flask, Response, g
from sqlalchemy.exc import DataError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from api.core.errors import problem_response
from api.extensions import db

log = logging.getLogger(__name__)


def commit_or_rollback(response: Response) -> Response:
    session: Session | None = g.get("_db_session")
    if session is None or not session.in_transaction():
        return response
    if response.status_code >= 400:
        session.rollback()
        return response
    try:
        session.commit()
    except IntegrityError as error:
        return handle_integrity_error(error)
    except SQLAlchemyError:
        session.rollback()
        log.exception("commit failed")
        return problem_response(503, "The change could not be saved; try again.")
    return response


_UNIQUE_FIELD = [
    re.compile(r"UNIQUE constraint failed: \w+\.(\w+)"),  # SQLite
    re.compile(r'constraint "uq_\w+?_(\w+)"'),  # PostgreSQL, our naming convention
    re.compile(r"Key \(([\w\s,]+)\)=.*already exists"),
]


def conflicting_field(error: IntegrityError) -> str | None:
    """The field whose uniqueness the failed statement violated, when the store says."""
    text = str(error.orig)
    for pattern in _UNIQUE_FIELD:
        match = pattern.search(text)
        if match:
            return match.group(1).split(",")[0].strip()
    return None


def handle_integrity_error(error: IntegrityError) -> Response:
    """Uniqueness and reference violations that reached the store are conflicts, not crashes."""
    db.session.rollback()
    field = conflicting_field(error)
    if field:
        return problem_response(
            409,
            f"Another resource already uses this {field}.",
            errors={field: ["Already in use."]},
        )
    return problem_response(409, "The change conflicts with existing data.")


def handle_operational_error(error: OperationalError) -> Response:
    db.session.rollback()
    log.error("store unavailable: %s", error.__class__.__name__)
    return problem_response(
        503, "The content store is unavailable; try again shortly.", headers={"Retry-After": "5"}
    )


def handle_data_error(error: DataError) -> Response:
    """A value the store cannot hold (out of range, invalid text) is bad input, not a crash;
    the guards in `limits` should have named the field before it came to this."""
    db.session.rollback()
    log.warning("store refused a value: %s", error.orig.__class__.__name__)
    return problem_response(422, "A value is out of range or invalid for the store.")


def init_app(app: Flask) -> None:
    app.register_error_handler(IntegrityError, handle_integrity_error)
    app.register_error_handler(OperationalError, handle_operational_error)
    app.register_error_handler(DataError, handle_data_error)
    app.after_request(commit_or_rollback)

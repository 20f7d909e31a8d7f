"""Every error leaves as RFC 9457 `application/problem+json`, built in this one place."""

from __future__ import annotations

import logging
import re
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, current_app, json, request
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

from api.core.request_log import request_id

PROBLEM_MIMETYPE = "application/problem+json"
log = logging.getLogger(__name__)


class Problem(HTTPException):
    """An HTTP error with an RFC 9457 body; `errors` maps field names to messages."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        errors: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(description=detail)
        self.code = status
        self.errors = errors
        self.extra_headers = headers or {}
        self.extra = extra


def problem_response(
    status: int,
    detail: str | None = None,
    *,
    errors: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    """A problem+json response: type, title, status, detail, instance and extras."""
    title = HTTPStatus(status).phrase
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail or title,
        "instance": request.path if request else None,
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    body["request_id"] = request_id()
    response = current_app.response_class(
        json.dumps(body), status=status, mimetype=PROBLEM_MIMETYPE
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _flatten_webargs_messages(messages: dict[str, Any]) -> dict[str, Any]:
    """webargs nests messages by location ({"json": {"slug": [...]}}); users know fields."""
    flat: dict[str, Any] = {}
    for location, fields in messages.items():
        if isinstance(fields, dict):
            flat.update(fields)
        else:
            flat[location] = fields
    return flat


def _detail_for_fields(errors: dict[str, Any]) -> str:
    names = ", ".join(sorted(str(name) for name in errors))
    return f"Invalid value for: {names}." if names else "The request could not be processed."


def handle_http_exception(error: HTTPException) -> Response:
    """Werkzeug, flask-smorest and webargs errors, and our own `Problem`s."""
    status = error.code or 500
    headers = dict(getattr(error, "extra_headers", {}) or {})
    if isinstance(error, Problem):
        return problem_response(
            status, error.description, errors=error.errors, headers=headers, **error.extra
        )
    data = getattr(error, "data", None) or {}
    headers.update(data.get("headers") or {})
    if status == 405 and error.valid_methods:  # type: ignore[attr-defined]
        headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[attr-defined]
    messages = data.get("messages")
    if isinstance(messages, dict):
        if "json" in messages and not isinstance(messages["json"], dict):
            # webargs reports an unparsable body as {"json": ["Invalid JSON body."]}
            return problem_response(400, "The request body is not valid JSON.", headers=headers)
        errors = _flatten_webargs_messages(messages)
        return problem_response(status, _detail_for_fields(errors), errors=errors, headers=headers)
    detail = data.get("message") or error.description
    if status == 404 and detail == HTTPException.description:
        detail = None
    return problem_response(status, _standard_detail(status, detail), headers=headers)


def _standard_detail(status: int, detail: str | None) -> str | None:
    if detail and not detail.startswith(
        ("The requested URL", "The server could not", "The data value transmitted")
    ):
        return detail
    return {
        404: "No resource was found at this URL.",
        405: "This method is not allowed for this URL.",
        413: "The request body is too large.",
    }.get(status, detail)


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
    from api.extensions import db

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
    from api.extensions import db

    db.session.rollback()
    log.error("store unavailable: %s", error.__class__.__name__)
    return problem_response(
        503, "The content store is unavailable; try again shortly.", headers={"Retry-After": "5"}
    )


def handle_data_error(error: DataError) -> Response:
    """A value the store cannot hold (out of range, invalid text) is bad input, not a crash;
    the guards in `limits` should have named the field before it came to this."""
    from api.extensions import db

    db.session.rollback()
    log.warning("store refused a value: %s", error.orig.__class__.__name__)
    return problem_response(422, "A value is out of range or invalid for the store.")


def handle_unexpected_error(error: Exception) -> Response:
    """Anything unforeseen: logged with its trace, answered without one."""
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    log.exception("unhandled error on %s %s", request.method, request.path)
    return problem_response(500, "An unexpected error occurred; it has been logged.")


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(IntegrityError, handle_integrity_error)
    app.register_error_handler(OperationalError, handle_operational_error)
    app.register_error_handler(DataError, handle_data_error)
    app.register_error_handler(Exception, handle_unexpected_error)

"""Every error leaves as RFC 9457 `application/problem+json`, built in this one place."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, current_app, json, request
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


def handle_unexpected_error(error: Exception) -> Response:
    """Anything unforeseen: logged with its trace, answered without one."""
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    log.exception("unhandled error on %s %s", request.method, request.path)
    return problem_response(500, "An unexpected error occurred; it has been logged.")


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected_error)

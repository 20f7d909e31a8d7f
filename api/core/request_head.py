"""Limits on the request head, answered by the app as problem+json before anything else runs:
a URL over MAX_URL_BYTES is a 414; more than MAX_HEADER_FIELDS header fields, one field over
MAX_HEADER_FIELD_BYTES or more than MAX_HEADER_BYTES in all a 431 naming the field. gunicorn's
own limits sit above these (gunicorn.conf.py), so a client meets these first."""

from __future__ import annotations

from flask import Flask, current_app, request

from api.core.errors import Problem

# Below gunicorn's 8190-byte field limit (api/serving.py), which stays at its default.
MAX_HEADER_FIELD_BYTES = 8000
# Not HTTP_* yet still header fields the client sent.
_UNPREFIXED_HEADERS = {"CONTENT_TYPE": "Content-Type", "CONTENT_LENGTH": "Content-Length"}


def _url_bytes() -> int:
    environ = request.environ
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw is None:
        query = environ.get("QUERY_STRING", "")
        raw = environ.get("PATH_INFO", "") + ("?" + query if query else "")
    return len(raw.encode("latin-1", "replace"))  # WSGI strings hold the bytes as latin-1


def _header_fields() -> list[tuple[str, str]]:
    fields = []
    for key, value in request.environ.items():
        if key.startswith("HTTP_"):
            fields.append((key[5:].replace("_", "-").title(), value))
        elif key in _UNPREFIXED_HEADERS:
            fields.append((_UNPREFIXED_HEADERS[key], value))
    return fields


def reject_oversized_head() -> None:
    config = current_app.config
    limit = config["MAX_URL_BYTES"]
    if _url_bytes() > limit:
        raise Problem(
            414,
            f"The URL is longer than {limit} bytes.",
            errors={"url": [f"At most {limit} bytes."]},
        )
    fields = _header_fields()
    if len(fields) > config["MAX_HEADER_FIELDS"]:
        count = config["MAX_HEADER_FIELDS"]
        raise Problem(
            431,
            f"The request has more than {count} header fields.",
            errors={"headers": [f"At most {count} header fields."]},
        )
    largest_name, largest_value = max(
        fields, key=lambda field: len(field[0] + field[1]), default=("", "")
    )
    if len(largest_name) + len(largest_value) > MAX_HEADER_FIELD_BYTES:
        raise Problem(
            431,
            f"The header field {largest_name} is longer than {MAX_HEADER_FIELD_BYTES} bytes.",
            errors={largest_name: [f"At most {MAX_HEADER_FIELD_BYTES} bytes."]},
        )
    size = sum(len(name) + len(value) for name, value in fields)
    if size > config["MAX_HEADER_BYTES"]:
        raise Problem(
            431,
            f"The header fields add up to more than {config['MAX_HEADER_BYTES']} bytes.",
            errors={largest_name: [f"Header fields may total {config['MAX_HEADER_BYTES']} bytes."]},
        )


def init_app(app: Flask) -> None:
    app.config.setdefault("MAX_URL_BYTES", 8000)
    app.config.setdefault("MAX_HEADER_FIELDS", 100)
    app.config.setdefault("MAX_HEADER_BYTES", 16 * 1024)
    app.before_request(reject_oversized_head)

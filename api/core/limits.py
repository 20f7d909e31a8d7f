"""Request limits checked before any view or schema sees the request.

- URLs and query strings must be valid UTF-8 once percent-decoded (400);
- JSON bodies must be UTF-8 (400), nested at most MAX_JSON_DEPTH deep (400, checked on the raw
  bytes before anything parses them) and hold only values a store can take: no NUL, no lone
  surrogate, no NaN/Infinity, no integer beyond MAX_INTEGER (422 naming the field, see
  api/core/json_body.py); chunked bodies included; an unreadable one is a 400;
- integer query parameters are ASCII digits within MAX_INTEGER (422 naming them), and
  `<int:...>` path segments that are not match no route (404);
- paging stops at MAX_PAGE_DEPTH items: `page * page_size` beyond it is a 422 naming `page`
  (deep scans are what the staff exports are for).
The body size limit is Flask's MAX_CONTENT_LENGTH (413).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote_to_bytes

from flask import Flask, current_app, request
from gunicorn.http.errors import ParseException
from werkzeug.routing import IntegerConverter

from api.core import request_head
from api.core.errors import Problem
from api.core.json_body import MAX_INTEGER, find_bad_value, parse_json_body
from api.core.query_args import integer_query_args

MAX_JSON_DEPTH = 32
MAX_PAGE_DEPTH = 10_000
# gunicorn raises its parse errors while the app reads a malformed (chunked) body.
BODY_READ_ERRORS = (OSError, ParseException)
_OPENERS, _CLOSERS = frozenset(b"[{"), frozenset(b"]}")
_ASCII_INTEGER = re.compile("-?[0-9]+")


def _raw_path() -> bytes:
    """The path's bytes as the client sent them: from the raw request line when the server
    keeps it (gunicorn, werkzeug), else PATH_INFO, whose str holds bytes as latin-1 (PEP 3333)."""
    environ = request.environ
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        return unquote_to_bytes(raw.split("?", 1)[0])
    return environ.get("PATH_INFO", "").encode("latin-1", "replace")


def reject_invalid_utf8_url() -> None:
    try:
        _raw_path().decode("utf-8")
    except UnicodeError:
        raise Problem(400, "The URL path is not valid UTF-8.") from None
    try:
        unquote_to_bytes(request.environ.get("QUERY_STRING", "")).decode("utf-8")
    except UnicodeError:
        raise Problem(400, "The query string is not valid UTF-8.") from None


def json_depth(data: bytes) -> int:
    """The deepest nesting of arrays and objects in a JSON text (brackets in strings ignored)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in _OPENERS:
            depth += 1
            deepest = max(deepest, depth)
        elif byte in _CLOSERS:
            depth -= 1
    return deepest


def check_json_body() -> None:
    if not request.is_json:
        return
    # Chunked bodies have no Content-Length: read them too. MAX_CONTENT_LENGTH applies (413).
    try:
        data = request.get_data(cache=True)
    except BODY_READ_ERRORS:  # a broken chunked encoding, or the client went away mid-body
        raise Problem(400, "The request body could not be read.") from None
    if not data:
        return
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise Problem(400, "The request body is not valid UTF-8.") from None
    if data.count(b"[") + data.count(b"{") > MAX_JSON_DEPTH and json_depth(data) > MAX_JSON_DEPTH:
        raise Problem(400, f"The JSON body is nested deeper than {MAX_JSON_DEPTH} levels.")
    try:
        parsed = parse_json_body(data)
    except ValueError:
        return  # the schema layer answers "not valid JSON" (400)
    found = find_bad_value(parsed)
    if found:
        field, message = found
        raise Problem(422, f"Invalid value for: {field}.", errors={field: [message]})


class BoundedIntegerConverter(IntegerConverter):
    """`<int:id>` in ASCII digits up to MAX_INTEGER: anything else matches no route (404).

    Werkzeug's `\\d+` also matches other scripts' digits (`٣`, `²`), which int() takes or
    refuses; an id is written in ASCII digits only."""

    regex = "[0-9]+"

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_INTEGER)
        super().__init__(url_map, *args, **kwargs)


def _integer_arg_problem(value: str) -> str | None:
    if not _ASCII_INTEGER.fullmatch(value):
        return "Not a valid integer: use ASCII digits 0-9, optionally after a minus sign."
    if len(value.lstrip("-")) > 10 or abs(int(value)) > MAX_INTEGER:
        return "Number out of range."
    return None


def check_integer_args() -> None:
    """Integer query parameters are ASCII digits within MAX_INTEGER, else 422s naming them.

    int() (and so marshmallow) also takes `٣`, `1_000` and spaces, and str.isdigit() passes
    `²`, which int() then refuses: the one reading of an integer is checked here."""
    for name in integer_query_args():
        for value in request.args.getlist(name):
            message = _integer_arg_problem(value)
            if message:
                raise Problem(422, f"Invalid value for: {name}.", errors={name: [message]})


def _int_arg(name: str) -> int | None:
    try:
        return int(request.args[name])
    except (KeyError, ValueError):
        return None  # absent or malformed: the pagination schema reports it


def limit_page_depth() -> None:
    page = _int_arg("page")
    if page is None or page <= 1:
        return
    page_size = _int_arg("page_size") or current_app.config["DEFAULT_PAGE_SIZE"]
    limit = current_app.config["MAX_PAGE_DEPTH"]
    if page_size > 0 and page * page_size > limit:
        raise Problem(
            422,
            f"Pages end at item {limit}: page * page_size must not exceed it.",
            errors={"page": [f"page * page_size must be at most {limit}."]},
        )


def init_app(app: Flask) -> None:
    app.config.setdefault("MAX_PAGE_DEPTH", MAX_PAGE_DEPTH)
    app.config.setdefault("DEFAULT_PAGE_SIZE", 20)
    app.url_map.converters["int"] = BoundedIntegerConverter
    request_head.init_app(app)  # first: a 414/431 before anything reads the URL or headers
    app.before_request(reject_invalid_utf8_url)
    app.before_request(check_integer_args)
    app.before_request(limit_page_depth)


def guard_json_bodies(app: Flask) -> None:
    """Check JSON bodies after each blueprint's own hooks (call once blueprints are registered):
    a blueprint may narrow the size limit (413) or refuse non-JSON bodies (415) first."""
    for name in app.blueprints:
        funcs = app.before_request_funcs.setdefault(name, [])
        if check_json_body not in funcs:
            funcs.append(check_json_body)

"""Request ids and structured logs.

Every response carries `X-Request-ID`: the client's own when well-formed (1-128 characters of
[A-Za-z0-9._-]), a new one otherwise. The id is in every problem body (`request_id`) and on
every log record of the request. With LOG_FORMAT=json (the default) each record is one JSON
object per line; each request ends with one access record (method, path without the query
string, status, duration). Emails and tokens are redacted from every record, whatever logged
them: the query string is never logged, and messages pass through `redact`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import time
import uuid
from typing import Any

from flask import Flask, Response, has_request_context, request

HEADER = "X-Request-ID"
_ENVIRON_KEY = "careleaf.request_id"
_STARTED_KEY = "careleaf.started"
_VALID_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")
_URLSAFE = r"[A-Za-z0-9._~%+/=-]"
# A domain ends at a URL's query (`mailto:a@b.example?subject=...`): the token there is
# masked on its own, not half-swallowed. Bounded like an address (RFC 5321: 64-character
# local part, 255-character domain): unbounded, the email pattern backtracks quadratically
# over a long path such as `/a...a` (0.1 s per 5 kB).
_SECRETS = [
    (
        re.compile(r"[^\s@<>\"'(),;:]{1,64}@[^\s@<>\"'(),;:?=&/%]{1,255}\.[A-Za-z]{2,}"),
        "<email>",
    ),
    # A bearer credential has a digit or a symbol in it: "the bearer of" keeps its words.
    (
        re.compile(rf"(?i)\b(bearer)\s+(?={_URLSAFE}*[0-9_~+/=-]|[A-Za-z0-9]+\.\w){_URLSAFE}+"),
        r"\1 <token>",
    ),
    # Staff tokens (clf_) and preview links (clp_, in URL paths).
    (re.compile(r"\b(clf|clp)_[A-Za-z0-9_-]+"), r"\1_<token>"),
    # Only the characters a token can have (URL-safe base64, dots, %-escapes): the quote,
    # bracket or word after a link is kept.
    (re.compile(rf"(?i)\b(token=){_URLSAFE}+"), r"\1<token>"),
    # The mailto: List-Unsubscribe target carries the unsubscribe token in its subject.
    (re.compile(r"(?i)\b(subject=unsubscribe(?:%20|\+))[A-Za-z0-9._~-]+"), r"\1<token>"),
]
access_log = logging.getLogger("careleaf.access")


def request_id() -> str | None:
    """The id of the current request, or None outside one."""
    if not has_request_context():
        return None
    return request.environ.get(_ENVIRON_KEY)


def redact(text: str) -> str:
    """Text with email addresses and tokens masked."""
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


_base_factory = logging.getLogRecordFactory()


def _record_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
    """Every record, whichever handler gets it, has `request_id` and a redacted message."""
    record = _base_factory(*args, **kwargs)
    record.request_id = request_id()
    # A malformed call (wrong args) is left as is: the handler reports it as logging does.
    with contextlib.suppress(TypeError, ValueError):
        record.msg, record.args = redact(record.getMessage()), None
    return record


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    FIELDS = ("request_id", "method", "path", "status", "duration_ms")

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in self.FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return redact(json.dumps(entry, ensure_ascii=False))


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def configure_logging(level: str, log_format: str) -> None:
    """One handler on the root logger (replaced when an app is built again)."""
    root = logging.getLogger()
    root.setLevel(level)
    for handler in [h for h in root.handlers if getattr(h, "careleaf", False)]:
        root.removeHandler(handler)
    handler = logging.StreamHandler()
    handler.careleaf = True  # type: ignore[attr-defined]
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    root.addHandler(handler)
    if logging.getLogRecordFactory() is not _record_factory:
        logging.setLogRecordFactory(_record_factory)


def assign_request_id() -> None:
    sent = request.headers.get(HEADER, "")
    chosen = sent if _VALID_ID.fullmatch(sent) else uuid.uuid4().hex
    request.environ[_ENVIRON_KEY] = chosen
    request.environ[_STARTED_KEY] = time.perf_counter()


def finish_request(response: Response) -> Response:
    """Runs last of the after_request hooks: the status logged is the one sent."""
    if _ENVIRON_KEY not in request.environ:
        assign_request_id()  # a hook before ours failed
    response.headers[HEADER] = request.environ[_ENVIRON_KEY]
    duration = time.perf_counter() - request.environ[_STARTED_KEY]
    access_log.info(
        "%s %s %s",
        request.method,
        request.path,
        response.status_code,
        extra={
            "method": request.method,
            "path": redact(request.path),
            "status": response.status_code,
            "duration_ms": round(duration * 1000, 2),
        },
    )
    return response


def init_app(app: Flask) -> None:
    """Register first: before_request hooks run in order, after_request ones in reverse."""
    configure_logging(app.config["LOG_LEVEL"], app.config["LOG_FORMAT"])
    app.before_request(assign_request_id)
    app.after_request(finish_request)

"""What gunicorn needs from Careleaf (loaded by `gunicorn.conf.py`, used by every documented
serving command): request-head limits above the app's own, gunicorn's own errors as
problem+json, and a refusal to serve per-process rate limits with several workers.

This module imports gunicorn and no part of the app: the master loads it before any app exists.
"""

from __future__ import annotations

import json
import sys
from http import HTTPStatus
from typing import Any

from gunicorn import util

# gunicorn refuses request lines above this whatever it is told (0 means "1 MiB").
GUNICORN_MAX_REQUEST_LINE = 8190
GUNICORN_MAX_FIELD_SIZE = 8190
# Room for the method, spaces and "HTTP/1.1" around the URL in a request line.
REQUEST_LINE_OVERHEAD = 32
WORKER_BOOT_ERROR = 3  # gunicorn's exit code that makes the master stop, not respawn
MEMORY_LIMITS_REFUSED = (
    "REFUSING TO START: rate limits are counted in each worker's memory "
    "(RATELIMIT_STORAGE_URI=memory://) and gunicorn runs %d workers, so every limit would "
    "let %d times its number through. Set RATELIMIT_STORAGE_URI=redis://..., or serve with "
    "--workers 1 --threads N (as `make run` does)."
)


def gunicorn_limits(settings: dict[str, Any]) -> dict[str, int]:
    """gunicorn's request-head limits, each above the app's own (MAX_URL_BYTES,
    MAX_HEADER_FIELDS, MAX_HEADER_FIELD_BYTES), so that the app answers first, with its problem
    body and request id; past gunicorn's, `write_problem` keeps the shape."""
    url_bytes = settings["MAX_URL_BYTES"]
    if url_bytes + REQUEST_LINE_OVERHEAD > GUNICORN_MAX_REQUEST_LINE:
        raise ValueError(
            f"MAX_URL_BYTES must be at most {GUNICORN_MAX_REQUEST_LINE - REQUEST_LINE_OVERHEAD}"
            " (gunicorn's largest request line, less the method and version)"
        )
    return {
        "limit_request_line": GUNICORN_MAX_REQUEST_LINE,
        "limit_request_fields": settings["MAX_HEADER_FIELDS"] + 28,
        # gunicorn's default, kept: it also bounds a chunk-size line, and a larger one would
        # let a broken chunked body hold a worker waiting for a line end instead of a 400.
        "limit_request_field_size": GUNICORN_MAX_FIELD_SIZE,
    }


def write_problem(sock: Any, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn's error page (malformed request lines, heads past its limits) as problem+json,
    so a client sees one error shape whichever layer refused its request."""
    status = HTTPStatus(status_int) if status_int in HTTPStatus._value2member_map_ else None
    title = status.phrase if status else reason
    body = json.dumps(
        {
            "type": "about:blank",
            "title": title,
            "status": status_int,
            "detail": (mesg or title)[:200],
        }
    ).encode()
    head = (
        f"HTTP/1.1 {status_int} {title}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/problem+json\r\n"
        "Cache-Control: no-store\r\n"
        "X-Content-Type-Options: nosniff\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + body)


def send_gunicorn_errors_as_problems() -> None:
    # gunicorn's workers call `util.write_error` for every error they answer themselves; it
    # offers no hook, and overriding `handle_error` would copy 100 lines of its mapping.
    util.write_error = write_problem


def refuse_per_process_limits(worker: Any) -> None:
    """`post_worker_init` hook: with more than one worker, memory-counted limits stop the
    server (the master halts on this exit code) instead of silently multiplying the limits."""
    config = getattr(worker.wsgi, "config", None)
    workers = worker.cfg.workers
    if config is None or "RATELIMIT_STORAGE_URI" not in config:
        return  # not Careleaf (the bench's ceiling app is served with this file too)
    if workers <= 1 or not config.get("RATELIMIT_ENABLED", True):
        return
    if (config["RATELIMIT_STORAGE_URI"] or "memory://").startswith("memory://"):
        worker.log.error(MEMORY_LIMITS_REFUSED, workers, workers)
        print(MEMORY_LIMITS_REFUSED % (workers, workers), file=sys.stderr, flush=True)
        sys.exit(WORKER_BOOT_ERROR)

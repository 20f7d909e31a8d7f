"""Flask-Limiter, adapted: storage kept per app, and breaches answered as problem+json.

Flask-Limiter keeps its storage and switches on the extension object, so a second app built
in the same process (tests build several, with other settings) would silently take over the
first one's storage. Here each app keeps its own, so `@limiter.limit` works as documented.

When the storage (Redis) is unreachable, each limit fails the way its purpose asks:
- route limits (`@limiter.limit`: newsletter signups) fail closed, a 503 with Retry-After: a
  signup sends mail to an address anyone can type, and without counting we would mail-bomb
  strangers and burn the clinic's sender reputation;
- the bad-token throttle (`count_failure`) fails open, a plain 401: tokens carry 256 random
  bits, so the throttle is load shedding, not what keeps tokens secret, and a 503 would tell a
  client with a mistyped token to retry instead of fixing it.
Either way the outage is logged at ERROR, once per STORAGE_ERROR_LOG_INTERVAL per process, and
`/readyz` fails while it lasts.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from typing import Any

import flask_limiter
from flask import Flask, Response, current_app, has_app_context
from flask_limiter import RateLimitExceeded, RequestLimit
from limits import parse
from limits.errors import StorageError

from api.core.errors import Problem, problem_response

log = logging.getLogger(__name__)
STORAGE_ERROR_LOG_INTERVAL = 60.0  # seconds between two "storage unreachable" log records
STORAGE_RETRY_AFTER = "30"  # what a 503 tells clients while the storage is unreachable
_last_storage_error_log = -STORAGE_ERROR_LOG_INTERVAL
_log_lock = threading.Lock()

_STATE_KEY = "careleaf_limiter"
_LIMITER_KEY = "careleaf_limiter_instance"  # the app's Limiter, for code below extensions
_PER_APP_DEFAULTS: dict[str, Any] = {
    "enabled": True,
    "initialized": False,
    "_storage": None,
    "_limiter": None,
    "_key_prefix": "",
    "_strategy": None,
    "_storage_dead": False,
    "_fallback_limiter": None,
}


def _per_app(name: str) -> property:
    def get(self: Limiter) -> Any:
        return self._state()[name]

    def set_(self: Limiter, value: Any) -> None:
        self._state()[name] = value

    return property(get, set_)


class Limiter(flask_limiter.Limiter):
    """A Flask-Limiter whose storage, strategy, prefix and switch belong to each app."""

    enabled = _per_app("enabled")
    initialized = _per_app("initialized")
    _storage = _per_app("_storage")
    _limiter = _per_app("_limiter")
    _key_prefix = _per_app("_key_prefix")
    _strategy = _per_app("_strategy")
    _storage_dead = _per_app("_storage_dead")
    _fallback_limiter = _per_app("_fallback_limiter")

    def _state(self) -> dict[str, Any]:
        binding = self.__dict__.get("_binding")
        if binding is not None:
            return binding
        if has_app_context() and _STATE_KEY in current_app.extensions:
            return current_app.extensions[_STATE_KEY]
        return self.__dict__.setdefault("_unbound", dict(_PER_APP_DEFAULTS))

    def init_app(self, app: Flask) -> None:
        state = dict(_PER_APP_DEFAULTS)
        app.extensions[_STATE_KEY] = state
        app.extensions[_LIMITER_KEY] = self
        self.__dict__["_binding"] = state
        self._storage_options = storage_options(app.config)
        try:
            super().init_app(app)
        finally:
            self.__dict__["_binding"] = None
        app.register_error_handler(RateLimitExceeded, _rate_limit_exceeded)

    def reset(self) -> None:
        """Forget every hit recorded in the current app's storage (tests)."""
        self.storage.reset()

    def _check_request_limit(
        self, callable_name: str | None = None, in_middleware: bool = True
    ) -> None:
        """Route limits fail closed: an unreachable storage is a 503, not an unlimited route."""
        try:
            super()._check_request_limit(callable_name=callable_name, in_middleware=in_middleware)
        except StorageError as error:
            storage_unreachable(error)
            raise Problem(
                503,
                "This operation is rate limited and the rate-limit storage is unreachable; "
                "try again later.",
                headers={"Retry-After": STORAGE_RETRY_AFTER},
            ) from None

    def _Limiter__check_conditional_deductions(self, response: Response) -> None:
        """`deduct_when` limits are counted after the view answered: an outage by then loses
        one count (logged) instead of turning an accepted request into a 500."""
        try:
            super()._Limiter__check_conditional_deductions(response)  # type: ignore[misc]
        except StorageError as error:
            storage_unreachable(error)

    def storage_is_remote(self) -> bool:
        """True when limits are counted outside this process (a storage /readyz must check)."""
        uri = current_app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
        return bool(self.enabled) and not uri.startswith("memory://")


def storage_options(config: Any) -> dict[str, Any]:
    """Options for the `limits` storage: wrapped errors (one class to catch, whatever the
    backend) and, for Redis, socket timeouts, so a storage that hangs cannot hang requests."""
    options: dict[str, Any] = {"wrap_exceptions": True}
    uri = config.get("RATELIMIT_STORAGE_URI") or "memory://"
    if uri.startswith("redis"):
        timeout = config.get("RATELIMIT_STORAGE_TIMEOUT_SECONDS", 1.0)
        options.update(socket_connect_timeout=timeout, socket_timeout=timeout)
    options.update(config.get("RATELIMIT_STORAGE_OPTIONS") or {})
    return options


def storage_unreachable(error: StorageError) -> None:
    """Log an unreachable storage loudly, but once per interval, not once per request."""
    global _last_storage_error_log
    now = time.monotonic()
    with _log_lock:
        if now - _last_storage_error_log < STORAGE_ERROR_LOG_INTERVAL:
            return
        _last_storage_error_log = now
    cause = getattr(error, "storage_error", error)
    log.error(
        "rate-limit storage unreachable (%s: %s): rate-limited routes (signups) answer 503 "
        "and bad-token throttling is off until it is back; next report in %.0f s at most",
        type(cause).__name__,
        cause,
        STORAGE_ERROR_LOG_INTERVAL,
    )


def too_many_requests(limit: RequestLimit) -> Response:
    """`on_breach` callback: a 429 problem saying when to retry."""
    retry_after = max(1, math.ceil(limit.reset_at - time.time()))
    return problem_response(
        429,
        "Too many requests; try again later.",
        headers={"Retry-After": str(retry_after)},
    )


def _rate_limit_exceeded(error: RateLimitExceeded) -> Response:
    if error.response is not None:
        return error.response
    return problem_response(429, "Too many requests; try again later.")


def count_failure(name: str, limit: str, key: str) -> int | None:
    """Record one failure under `name` for `key` in the app's limiter storage.

    Returns the seconds until the window resets when the failures exceed `limit`, else None.
    Only failures are counted, so successful requests are never throttled by this.
    """
    limiter: Limiter = current_app.extensions[_LIMITER_KEY]
    if not limiter.enabled:
        return None
    item = parse(limit)
    identifiers = (current_app.config["RATELIMIT_KEY_PREFIX"], name, key)
    try:
        if limiter.limiter.hit(item, *identifiers):
            return None
        reset_at = limiter.limiter.get_window_stats(item, *identifiers).reset_time
    except StorageError as error:  # fails open: see the module docstring
        storage_unreachable(error)
        return None
    return max(1, math.ceil(reset_at - time.time()))

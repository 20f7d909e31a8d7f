"""Flask-Limiter, adapted: storage kept per app, and breaches answered as problem+json.

Flask-Limiter keeps its storage and switches on the extension object, so a second app built
in the same process (tests build several, with other settings) would silently take over the
first one's storage. Here each app keeps its own, so `@limiter.limit` works as documented.
"""

from __future__ import annotations

import math
import time
from typing import Any

import flask_limiter
from flask import Flask, Response, current_app, has_app_context
from flask_limiter import RateLimitExceeded, RequestLimit
from limits import parse

from api.core.errors import problem_response

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
        self._storage_options = {}
        try:
            super().init_app(app)
        finally:
            self.__dict__["_binding"] = None
        app.register_error_handler(RateLimitExceeded, _rate_limit_exceeded)

    def reset(self) -> None:
        """Forget every hit recorded in the current app's storage (tests)."""
        self.storage.reset()


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
    if limiter.limiter.hit(item, *identifiers):
        return None
    reset_at = limiter.limiter.get_window_stats(item, *identifiers).reset_time
    return max(1, math.ceil(reset_at - time.time()))

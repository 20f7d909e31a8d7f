"""Keys of the per-address signup limit: a keyed hash of the normalized address, never the
address itself (rate-limit storage such as Redis is not a place for personal data)."""

from __future__ import annotations

from email_validator import EmailNotValidError
from flask import request

from api.newsletter.schemas import normalize_email
from api.newsletter.tokens import keyed_hash

_CACHE_KEY = "careleaf.newsletter_email_limit_key"


def email_limit_key() -> str:
    """The key of this signup's address; "" when there is none (see `no_email_to_limit`)."""
    # Cached on the request (not `g`: an app context can outlive one request).
    cache = request.environ
    if _CACHE_KEY not in cache:
        cache[_CACHE_KEY] = _compute_key()
    return cache[_CACHE_KEY]


def _compute_key() -> str:
    body = request.get_json(silent=True)
    email = body.get("email") if isinstance(body, dict) else None
    if not isinstance(email, str):
        return ""
    try:
        return "email:" + keyed_hash("ratelimit-email", normalize_email(email)[1])
    except EmailNotValidError:
        return ""


def no_email_to_limit() -> bool:
    """Invalid bodies get their 422 (and count against the per-IP limit) without a shared key."""
    return not email_limit_key()

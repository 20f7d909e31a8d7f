"""Bearer-token authentication and role checks for staff endpoints.

Tokens are opaque random strings shown once; the store keeps only their SHA-256
digest, so a leaked database does not leak working tokens.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import flask_smorest
from flask import current_app, request
from flask_limiter.util import get_remote_address
from sqlalchemy import select

from api.core import clock
from api.core.errors import Problem
from api.core.ratelimit import count_failure
from api.extensions import db
from api.users.models import ApiToken, Role, User

TOKEN_PREFIX = "clf_"  # noqa: S105 (a marker that makes leaked tokens greppable)
# Writing last_used_at on every request would turn reads into writes; a minute is precise enough.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
F = TypeVar("F", bound=Callable[..., Any])
_USER_KEY = "careleaf.current_user"


def generate_token() -> str:
    """A new opaque token with 256 random bits."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    user: User, name: str, *, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token for `user`; the plain value is returned once and never stored."""
    plain = generate_token()
    token = ApiToken(
        user=user,
        name=name,
        token_hash=hash_token(plain),
        created_at=clock.now(),
        expires_at=expires_at,
    )
    db.session.add(token)
    db.session.flush()
    return token, plain


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise _unauthorized("The Authorization header must be 'Bearer <token>'.")
    return value.strip()


def _unauthorized(detail: str) -> Problem:
    """A 401; a 429 once this client sent too many bad tokens (AUTH_FAILURE_LIMIT)."""
    retry_after = None
    if "Authorization" in request.headers:  # a failed attempt, not a missing token
        retry_after = count_failure(
            "auth-failures", current_app.config["AUTH_FAILURE_LIMIT"], get_remote_address()
        )
    if retry_after is not None:
        return Problem(
            429,
            "Too many failed token attempts from this client; try again later.",
            headers={"Retry-After": str(retry_after)},
        )
    challenge = 'Bearer realm="careleaf"'
    if "Authorization" in request.headers:
        challenge += ', error="invalid_token"'
    return Problem(401, detail, headers={"WWW-Authenticate": challenge})


def _token_owner(plain: str) -> User | None:
    digest = hash_token(plain)
    # The digest is the key: the unique index finds the row, so no secret is compared in Python
    # (timing could reveal at most a prefix of a digest, which no one can steer toward a token).
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
    if token is None:
        return None
    now = clock.now()
    if token.revoked_at is not None or (token.expires_at is not None and token.expires_at <= now):
        return None
    if not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = now
    return token.user


def current_user() -> User | None:
    """The authenticated staff user of this request, or None for the public."""
    # Cached on the request, not on `g`: an app context can outlive one request.
    if _USER_KEY not in request.environ:
        plain = _bearer_token()
        user = _token_owner(plain) if plain else None
        if plain and user is None:
            raise _unauthorized("The token is unknown, expired or revoked.")
        request.environ[_USER_KEY] = user
    return request.environ[_USER_KEY]


def require_user(*roles: Role) -> User:
    """The current user, who must hold one of `roles` (any role when none are given)."""
    user = current_user()
    if user is None:
        raise _unauthorized("This endpoint needs a staff token.")
    if roles and user.role not in roles and user.role is not Role.ADMIN:
        raise Problem(403, "Your role does not allow this action.")
    return user


def auth_required(*roles: Role) -> Callable[[F], F]:
    """Decorator: the view runs only for a staff user holding one of `roles` (admins always)."""

    def decorator(func: F) -> F:
        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            require_user(*roles)
            return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


def staff_only(blueprint: flask_smorest.Blueprint, *roles: Any) -> Any:
    """Decorator for staff views: checks the token and role, and documents both in OpenAPI."""

    def decorator(func: Any) -> Any:
        func = auth_required(*roles)(func)
        func = blueprint.alt_response(401, description="Missing or invalid token")(func)
        func = blueprint.alt_response(403, description="Role not allowed")(func)
        return blueprint.doc(security=[{"bearerAuth": []}])(func)

    return decorator

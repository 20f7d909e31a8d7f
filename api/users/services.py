"""Staff users and their tokens; shared by the admin API and the command line."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from sqlalchemy import Select, func, select

from api.audit.services import changes_between, record
from api.core import clock
from api.core.auth import issue_token
from api.core.errors import Problem
from api.core.writes import flush_versioned
from api.extensions import db
from api.users.models import ApiToken, Role, User

USER_FIELDS = ("name", "email", "role", "credentials", "is_active")


def normalize_email(email: str) -> str:
    return unicodedata.normalize("NFC", email).strip().lower()


def users_query() -> Select[tuple[User]]:
    return select(User).order_by(User.name, User.id)


def user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id, populate_existing=True)
    if user is None:
        raise Problem(404, f"No user has the id {user_id}.")
    return user


def user_for_field(user_id: int, field: str) -> User:
    """The user a request body refers to; an unknown id is a 422 naming `field`."""
    user = db.session.get(User, user_id)
    if user is None:
        raise Problem(422, f"No user has the id {user_id}.", errors={field: ["Unknown user."]})
    return user


def user_by_email(email: str, *, field: str = "user") -> User:
    user = db.session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None:
        raise Problem(422, "No user has this email.", errors={field: ["Unknown user."]})
    return user


def _state(user: User) -> dict[str, Any]:
    return {name: getattr(user, name) for name in USER_FIELDS}


def _email_is_free(email: str, user: User | None = None) -> None:
    query = select(User.id).where(User.email == email)
    if user is not None and user.id is not None:
        query = query.where(User.id != user.id)
    if db.session.scalar(query) is not None:
        raise Problem(409, "Another user has this email.", errors={"email": ["Already in use."]})


def create_user(actor: User | None, data: dict[str, Any]) -> User:
    """A new staff user; the email is trimmed and lowercased."""
    data = {**data, "email": normalize_email(data["email"])}
    _email_is_free(data["email"])
    user = User(**{"is_active": True, **data})
    db.session.add(user)
    db.session.flush()
    record(actor, "user.create", "user", user.id, label=user.name, changes=_public(data))
    return user


def _public(values: dict[str, Any]) -> dict[str, Any]:
    # The audit log is read by admins only, but emails stay out of it all the same.
    return {name: value for name, value in values.items() if name != "email"}


def _keep_an_admin(user: User, data: dict[str, Any]) -> None:
    demoted = data.get("role", user.role) is not Role.ADMIN or data.get("is_active") is False
    if user.role is not Role.ADMIN or not user.is_active or not demoted:
        return
    admins = db.session.scalar(
        select(func.count(User.id)).where(User.role == Role.ADMIN, User.is_active.is_(True))
    )
    if admins <= 1:
        raise Problem(409, "This is the last active admin; appoint another admin first.")


def update_user(actor: User | None, user: User, data: dict[str, Any]) -> User:
    """Change name, email, role, credentials or deactivate; the last admin stays an admin."""
    if "email" in data:
        data = {**data, "email": normalize_email(data["email"])}
        _email_is_free(data["email"], user)
    _keep_an_admin(user, data)
    before = _state(user)
    for name, value in data.items():
        if getattr(user, name) != value:
            setattr(user, name, value)
    changes = changes_between(before, _state(user))
    if changes:
        flush_versioned("user")
        record(actor, "user.update", "user", user.id, label=user.name, changes=_public(changes))
    return user


def tokens_query(user_id: int | None = None) -> Select[tuple[ApiToken]]:
    query = select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    return query if user_id is None else query.where(ApiToken.user_id == user_id)


def create_token(
    actor: User | None, user: User, name: str, *, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token for `user`; the plain value is returned once, only the digest is kept."""
    if expires_at is not None and expires_at <= clock.now():
        raise Problem(
            422, "The expiry must be in the future.", errors={"expires_at": ["In the past."]}
        )
    token, plain = issue_token(user, name, expires_at=expires_at)
    record(actor, "token.create", "token", token.id, label=name, changes={"user_id": user.id})
    return token, plain


def token_or_404(token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise Problem(404, f"No token has the id {token_id}.")
    return token


def revoke_token(actor: User | None, token: ApiToken) -> ApiToken:
    """Revoke now; revoking twice changes nothing."""
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        db.session.flush()
        record(actor, "token.revoke", "token", token.id, label=token.name)
    return token

"""Bearer tokens for staff users, made the way the app makes them (for graph feature tests)."""

from __future__ import annotations

import itertools

from flask import Flask

from api.core.auth import issue_token
from api.extensions import db
from api.users.models import Role, User

_numbers = itertools.count(1)


def staff_headers(app: Flask, role: Role) -> dict[str, str]:
    """An Authorization header for a new active user holding `role`."""
    number = next(_numbers)
    with app.app_context(), db.transaction():
        user = User(name=f"Staff {number}", email=f"staff{number}@clinic.example", role=role)
        db.session.add(user)
        db.session.flush()
        _, plain = issue_token(user, "tests")
    return {"Authorization": f"Bearer {plain}"}

"""Staff for tests: users with tokens, a client that sends the token, bare Authorization
headers, and assertions on problem responses."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api.core.auth import issue_token
from api.extensions import db
from api.users.models import Role, User
from api.users.services import create_user

_numbers = itertools.count(1)


class Staff:
    """A staff member's API client: every request carries their bearer token."""

    def __init__(self, client: FlaskClient, user: User, token: str) -> None:
        self.client, self.user, self.token = client, user, token

    @property
    def role(self) -> str:
        return self.user.role.value

    def _headers(self, if_match: str | None, headers: dict[str, str] | None) -> dict[str, str]:
        sent = {"Authorization": f"Bearer {self.token}", **(headers or {})}
        if if_match is not None:
            sent["If-Match"] = if_match
        return sent

    def request(
        self,
        method: str,
        url: str,
        *,
        if_match: str | None = None,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> Any:
        return self.client.open(
            url, method=method, headers=self._headers(if_match, headers), **kwargs
        )

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, json: Any = None, **kwargs: Any) -> Any:
        return self.request("POST", url, json=json, **kwargs)

    def patch(self, url: str, json: Any = None, **kwargs: Any) -> Any:
        return self.request("PATCH", url, json=json, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> Any:
        return self.request("DELETE", url, **kwargs)

    def etag(self, url: str) -> str:
        response = self.get(url)
        assert response.status_code == 200, response.get_json()
        return response.headers["ETag"]

    def edit(self, url: str, json: Any) -> Any:
        """PATCH with the current ETag, as a careful client does."""
        return self.patch(url, json, if_match=self.etag(url))


@pytest.fixture
def make_staff(app: Flask, client: FlaskClient) -> Any:
    """`make_staff("editor", credentials="MD")` -> a Staff client with a fresh user and token."""

    def build(role: str, **fields: Any) -> Staff:
        number = next(_numbers)
        data = {
            "name": f"{role.title()} {number}",
            "email": f"{role}{number}@clinic.example",
            "role": Role(role),
            "credentials": None,
            **fields,
        }
        with app.app_context(), db.transaction():
            user = create_user(None, data)
            _token, plain = issue_token(user, "tests")
        return Staff(client, user, plain)

    return build


@pytest.fixture
def admin(make_staff: Any) -> Staff:
    return make_staff("admin")


@pytest.fixture
def editor(make_staff: Any) -> Staff:
    return make_staff("editor")


@pytest.fixture
def writer(make_staff: Any) -> Staff:
    return make_staff("writer")


@pytest.fixture
def reviewer(make_staff: Any) -> Staff:
    return make_staff("reviewer", name="Dr Rivera", credentials="MD, FACP")


def query_store(app: Flask, statement: Any) -> list[Any]:
    """Run a SELECT in a context of its own (a long-lived one would be shared by requests)."""
    with app.app_context():
        return list(db.session.scalars(statement))


def problem(response: Any, status: int) -> dict[str, Any]:
    """Assert a problem+json response with this status; return its body."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    assert response.mimetype == "application/problem+json"
    body = response.get_json(force=True)
    assert body["status"] == status
    return body


def new_article(author: str = "jane-doe", **fields: Any) -> dict[str, Any]:
    """A valid POST /api/v1/articles body."""
    number = next(_numbers)
    return {
        "slug": f"new-article-{number}",
        "title": f"New article {number}",
        "summary": "What it is about.",
        "author": author,
        "topics": [],
        "body_markdown": "First paragraph.\n\n## A part\n\nMore text.\n",
        **fields,
    }


def staff_headers(app: Flask, role: Role = Role.ADMIN) -> dict[str, str]:
    """An Authorization header for a new active user holding `role` (a new user each call)."""
    number = next(_numbers)
    with app.app_context(), db.transaction():
        user = User(name=f"Staff {number}", email=f"staff{number}@clinic.example", role=role)
        db.session.add(user)
        db.session.flush()
        _, plain = issue_token(user, "tests")
    return {"Authorization": f"Bearer {plain}"}


@pytest.fixture
def admin_headers(app: Flask) -> dict[str, str]:
    return staff_headers(app)

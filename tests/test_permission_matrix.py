"""Every role, and no token, against every staff endpoint: allowed roles succeed, others 403,
no token 401 with a Bearer challenge."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from api.articles.models import ArticleStatus
from tests.support.staff import new_article, problem

ALL_STAFF = {"admin", "editor", "writer", "reviewer"}
EDITORS = {"admin", "editor"}
WRITERS = {"admin", "editor", "writer"}
REVIEWERS = {"admin", "reviewer"}
ADMIN = {"admin"}
BLOCK = "/api/v1/shared-blocks/notes"
NOTE = {"title": "A note", "body_markdown": "Bring your medicines to the visit."}


@dataclass
class Case:
    method: str
    url: str
    allowed: set[str]
    success: int = 200
    body: Any = None
    etag_of: str | None = None  # URL whose ETag goes into If-Match
    anonymous: int = 401  # a draft is simply not found by the public


CASES = {
    "list articles by status": Case("GET", "/api/v1/articles?status=draft", ALL_STAFF),
    "read a draft": Case("GET", "/api/v1/articles/own-draft", ALL_STAFF, anonymous=404),
    "create article": Case("POST", "/api/v1/articles", WRITERS, 201, new_article()),
    "edit own draft": Case(
        "PATCH",
        "/api/v1/articles/own-draft",
        WRITERS,
        body={"title": "Better"},
        etag_of="/api/v1/articles/own-draft",
    ),
    "delete article": Case(
        "DELETE", "/api/v1/articles/own-draft", EDITORS, 204, etag_of="/api/v1/articles/own-draft"
    ),
    "submit": Case(
        "POST", "/api/v1/articles/own-draft/transitions", WRITERS, body={"action": "submit"}
    ),
    "approve": Case(
        "POST", "/api/v1/articles/in-review/transitions", REVIEWERS, body={"action": "approve"}
    ),
    "reject": Case(
        "POST",
        "/api/v1/articles/in-review/transitions",
        REVIEWERS,
        body={"action": "reject", "comment": "Cite sources."},
    ),
    "publish": Case(
        "POST", "/api/v1/articles/approved/transitions", EDITORS, body={"action": "publish"}
    ),
    "unpublish": Case(
        "POST", "/api/v1/articles/live/transitions", EDITORS, body={"action": "unpublish"}
    ),
    "archive": Case(
        "POST", "/api/v1/articles/live/transitions", EDITORS, body={"action": "archive"}
    ),
    "list revisions": Case("GET", "/api/v1/articles/own-draft/revisions", ALL_STAFF),
    "read revision": Case("GET", "/api/v1/articles/own-draft/revisions/1", ALL_STAFF),
    "diff revisions": Case("GET", "/api/v1/articles/own-draft/revisions/2/diff", ALL_STAFF),
    "restore revision": Case("POST", "/api/v1/articles/own-draft/revisions/1/restore", WRITERS),
    "review queue": Case("GET", "/api/v1/review-queue", ALL_STAFF),
    "create author": Case(
        "POST", "/api/v1/authors", EDITORS, 201, {"slug": "new-author", "name": "New Author"}
    ),
    "edit author": Case(
        "PATCH",
        "/api/v1/authors/jane-doe",
        EDITORS,
        body={"job_title": "Physiotherapist"},
        etag_of="/api/v1/authors/jane-doe",
    ),
    "delete author": Case(
        "DELETE", "/api/v1/authors/unused", EDITORS, 204, etag_of="/api/v1/authors/unused"
    ),
    "create topic": Case(
        "POST", "/api/v1/topics", EDITORS, 201, {"slug": "sleep", "name": "Sleep"}
    ),
    "edit topic": Case(
        "PATCH",
        "/api/v1/topics/gut-health",
        EDITORS,
        body={"name": "Gut"},
        etag_of="/api/v1/topics/gut-health",
    ),
    "delete topic": Case(
        "DELETE", "/api/v1/topics/unused", EDITORS, 204, etag_of="/api/v1/topics/unused"
    ),
    "list users": Case("GET", "/api/v1/users", ADMIN),
    "create user": Case(
        "POST",
        "/api/v1/users",
        ADMIN,
        201,
        {"name": "Nia", "email": "nia@clinic.example", "role": "writer"},
    ),
    "read user": Case("GET", "/api/v1/users/{writer_id}", ADMIN),
    "edit user": Case(
        "PATCH",
        "/api/v1/users/{writer_id}",
        ADMIN,
        body={"credentials": "BSc"},
        etag_of="/api/v1/users/{writer_id}",
    ),
    "read me": Case("GET", "/api/v1/users/me", ALL_STAFF),
    "list tokens": Case("GET", "/api/v1/tokens", ADMIN),
    "create token": Case(
        "POST", "/api/v1/tokens", ADMIN, 201, {"user_id": "{writer_id}", "name": "cli"}
    ),
    "read token": Case("GET", "/api/v1/tokens/{token_id}", ADMIN),
    "revoke token": Case("DELETE", "/api/v1/tokens/{token_id}", ADMIN, 204),
    "audit log": Case("GET", "/api/v1/audit", ADMIN),
    "list shared blocks": Case("GET", "/api/v1/shared-blocks", ALL_STAFF),
    "read shared block": Case("GET", f"{BLOCK}/draft", ALL_STAFF),
    "shared block revisions": Case("GET", f"{BLOCK}/draft/revisions", ALL_STAFF),
    "create shared block": Case(
        "POST", "/api/v1/shared-blocks", EDITORS, 201, {**NOTE, "key": "notes/new"}
    ),
    "edit shared block": Case(
        "PATCH", f"{BLOCK}/draft", EDITORS, body={"title": "Better"}, etag_of=f"{BLOCK}/draft"
    ),
    "submit shared block": Case(
        "POST", f"{BLOCK}/draft/transitions", EDITORS, body={"action": "submit"}
    ),
    "approve shared block": Case(
        "POST", f"{BLOCK}/in-review/transitions", REVIEWERS, body={"action": "approve"}
    ),
    "reject shared block": Case(
        "POST",
        f"{BLOCK}/in-review/transitions",
        REVIEWERS,
        body={"action": "reject", "comment": "Too vague."},
    ),
}


@pytest.fixture
def world(make, make_staff, admin):
    """Content in every state, the draft written by the writer through the API."""
    writer = make_staff("writer")
    make.author(slug="jane-doe", name="Jane Doe")
    make.author(slug="unused", name="Unused")
    make.topic(slug="gut-health", name="Gut health")
    make.topic(slug="unused", name="Unused")
    created = writer.post("/api/v1/articles", new_article(slug="own-draft"))
    assert created.status_code == 201
    assert writer.edit("/api/v1/articles/own-draft", {"title": "Second"}).status_code == 200
    make.article(slug="in-review", author="jane-doe", status=ArticleStatus.IN_REVIEW)
    make.article(
        slug="approved", author="jane-doe", status=ArticleStatus.IN_REVIEW, approved_revision=0
    )
    make.article(slug="live", author="jane-doe")
    for key in ("notes/draft", "notes/in-review"):
        assert admin.post("/api/v1/shared-blocks", {**NOTE, "key": key}).status_code == 201
    assert admin.post(f"{BLOCK}/in-review/transitions", {"action": "submit"}).status_code == 200
    from api.extensions import db
    from api.users.models import ApiToken

    with admin.client.application.app_context():
        token_id = db.session.query(ApiToken.id).filter_by(user_id=writer.user.id).scalar()
    return {"writer": writer, "writer_id": writer.user.id, "token_id": token_id}


def _fill(value: Any, world: dict[str, Any]) -> Any:
    if isinstance(value, str) and "{" in value:
        filled = value.format(**world)
        return int(filled) if filled.isdigit() else filled
    if isinstance(value, dict):
        return {key: _fill(item, world) for key, item in value.items()}
    return value


@pytest.mark.parametrize("role", ["admin", "editor", "writer", "reviewer", None])
@pytest.mark.parametrize("name", CASES)
def test_permission_matrix(client, make_staff, admin, world, name, role):
    case = CASES[name]
    url = _fill(case.url, world)
    if_match = admin.etag(_fill(case.etag_of, world)) if case.etag_of else None
    caller = (
        world["writer"]
        if role == "writer"
        else make_staff(role, credentials="MD")
        if role
        else None
    )
    kwargs: dict[str, Any] = {"json": _fill(case.body, world)} if case.body is not None else {}
    if caller is None:
        headers = {"If-Match": if_match} if if_match else {}
        response = client.open(url, method=case.method, headers=headers, **kwargs)
        problem(response, case.anonymous)
        if case.anonymous == 401:
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
        return
    response = caller.request(case.method, url, if_match=if_match, **kwargs)
    if role in case.allowed:
        assert response.status_code == case.success, response.get_json()
    else:
        body = problem(response, 403)
        assert "role" in body["detail"]


def test_writers_cannot_touch_other_writers_drafts(make, make_staff, world):
    other = make_staff("writer")
    url = "/api/v1/articles/own-draft"
    etag = other.etag(url)
    problem(other.patch(url, {"title": "Mine now"}, if_match=etag), 403)
    problem(other.post(f"{url}/transitions", {"action": "submit"}), 403)
    problem(other.post(f"{url}/revisions/1/restore"), 403)
    assert other.get(url).get_json()["title"] == "Second"
    assert other.get(url).get_json()["your_actions"] == []
    assert world["writer"].get(url).get_json()["your_actions"] == ["submit"]


@pytest.mark.parametrize(
    "header", ["Bearer clf_unknown", "Basic dXNlcjpwYXNz", "Bearer", "Token abc"]
)
def test_bad_tokens_are_401_with_a_bearer_challenge(client, header):
    response = client.get("/api/v1/review-queue", headers={"Authorization": header})
    problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]

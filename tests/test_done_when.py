"""The issue's "Done when", tried as a new user would, through the CLI and the HTTP API only:
every allowed step works, every forbidden one is refused with the right status and changes
nothing, and all of it is in the audit log."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.support.staff import problem

ARTICLE = "/api/v1/articles/managing-sciatica"


class As:
    """Requests with one person's token."""

    def __init__(self, client: FlaskClient, token: str) -> None:
        self.client, self.auth = client, {"Authorization": f"Bearer {token}"}

    def __call__(self, method: str, url: str, body=None, *, if_match: str | None = None):
        headers = dict(self.auth)
        if if_match:
            headers["If-Match"] = if_match
        kwargs = {"json": body} if body is not None else {}
        return self.client.open(url, method=method, headers=headers, **kwargs)


def create_user_and_token(admin: As, name: str, email: str, role: str, **extra) -> As:
    user = admin("POST", "/api/v1/users", {"name": name, "email": email, "role": role, **extra})
    assert user.status_code == 201, user.get_json()
    token = admin("POST", "/api/v1/tokens", {"user_id": user.get_json()["id"], "name": "laptop"})
    assert token.status_code == 201
    return As(admin.client, token.get_json()["token"])


def test_done_when(runner, client, frozen_clock):
    # An admin from the command line, and their token (printed once).
    created = runner.invoke(
        args=[
            "users",
            "create",
            "--name",
            "Ada Admin",
            "--email",
            "ada@clinic.example",
            "--role",
            "admin",
        ]
    )
    assert created.exit_code == 0, created.output
    issued = runner.invoke(
        args=["tokens", "create", "--user", "ada@clinic.example", "--name", "cli"]
    )
    admin = As(client, issued.stdout.strip().splitlines()[-1])

    # A writer, a reviewer and an editor over the API; an author and a topic.
    writer = create_user_and_token(admin, "Wes Writer", "wes@clinic.example", "writer")
    reviewer = create_user_and_token(
        admin, "Dr Rosa Reyes", "rosa@clinic.example", "reviewer", credentials="MD, PhD"
    )
    editor = create_user_and_token(admin, "Eve Editor", "eve@clinic.example", "editor")
    problem(
        writer("POST", "/api/v1/users", {"name": "X", "email": "x@x.example", "role": "admin"}), 403
    )
    assert (
        admin("POST", "/api/v1/authors", {"slug": "jane-doe", "name": "Jane Doe"}).status_code
        == 201
    )
    assert (
        admin("POST", "/api/v1/topics", {"slug": "back-pain", "name": "Back pain"}).status_code
        == 201
    )

    # The writer writes a draft; the public cannot see it.
    draft = writer(
        "POST",
        "/api/v1/articles",
        {
            "slug": "managing-sciatica",
            "title": "Managing sciatica",
            "summary": "What helps when the pain runs down the leg.",
            "author": "jane-doe",
            "topics": ["back-pain"],
            "body_markdown": "Back pain is common.\n\n## What helps\n\nWalking.\n",
        },
    )
    assert draft.status_code == 201
    problem(client.get(ARTICLE), 404)
    problem(writer("POST", f"{ARTICLE}/transitions", {"action": "publish"}), 403)

    # Submit; approve as the reviewer; the writer can neither approve nor publish.
    assert writer("POST", f"{ARTICLE}/transitions", {"action": "submit"}).status_code == 200
    problem(writer("POST", f"{ARTICLE}/transitions", {"action": "approve"}), 403)
    problem(editor("POST", f"{ARTICLE}/transitions", {"action": "approve"}), 403)
    approved = reviewer(
        "POST", f"{ARTICLE}/transitions", {"action": "approve", "comment": "Sound."}
    )
    assert approved.status_code == 200 and approved.get_json()["approved_revision"] == 1
    problem(reviewer("POST", f"{ARTICLE}/transitions", {"action": "publish"}), 403)

    # Publish as the editor; the public sees it with its review dates.
    assert editor("POST", f"{ARTICLE}/transitions", {"action": "publish"}).status_code == 200
    public = client.get(ARTICLE)
    assert public.status_code == 200
    article = public.get_json()
    assert article["reviewed_by"] == {"name": "Dr Rosa Reyes", "credentials": "MD, PhD"}
    assert article["last_reviewed_at"] == "2026-01-15T09:00:00+00:00"
    assert article["next_review_due"] == "2027-01-15"
    assert "body_markdown" not in article

    # Edit it: the edit waits as a pending revision, the public keeps the approved one.
    etag = editor("GET", ARTICLE).headers["ETag"]
    public_etag = public.headers["ETag"]
    change = {"body_markdown": "Back pain is common.\n\n## What helps\n\nWalking and heat.\n"}
    problem(editor("PATCH", ARTICLE, change), 428)
    problem(writer("PATCH", ARTICLE, change, if_match=etag), 409)  # writers edit drafts only
    edited = editor("PATCH", ARTICLE, {**change, "comment": "Add heat"}, if_match=etag)
    assert edited.status_code == 200 and edited.get_json()["current_revision"] == 2
    assert edited.get_json()["pending_revision"] == {"number": 2, "state": "draft"}
    problem(editor("PATCH", ARTICLE, {"title": "Stale"}, if_match=etag), 412)
    assert client.get(ARTICLE, headers={"If-None-Match": public_etag}).status_code == 304
    assert editor("POST", f"{ARTICLE}/transitions", {"action": "unpublish"}).status_code == 200
    problem(client.get(ARTICLE), 404)

    # Diff and restore a revision.
    diff = editor("GET", f"{ARTICLE}/revisions/2/diff").get_json()
    assert "-Walking.\n+Walking and heat.\n" in diff["body_markdown_diff"]
    problem(reviewer("POST", f"{ARTICLE}/revisions/1/restore"), 403)
    restored = editor("POST", f"{ARTICLE}/revisions/1/restore", {"comment": "Heat advice pending"})
    assert restored.status_code == 200
    assert restored.get_json()["current_revision"] == 3
    assert restored.get_json()["body_markdown"].endswith("Walking.\n")
    history = editor("GET", f"{ARTICLE}/revisions").get_json()
    assert [r["number"] for r in history] == [3, 2, 1]

    # Back through review (the restore is a content change) and live again.
    problem(editor("POST", f"{ARTICLE}/transitions", {"action": "publish"}), 409)
    assert editor("POST", f"{ARTICLE}/transitions", {"action": "submit"}).status_code == 200
    assert reviewer("POST", f"{ARTICLE}/transitions", {"action": "approve"}).status_code == 200
    assert editor("POST", f"{ARTICLE}/transitions", {"action": "publish"}).status_code == 200
    assert client.get(ARTICLE).status_code == 200

    # All of it is in the audit log; only admins read it.
    problem(editor("GET", "/api/v1/audit"), 403)
    article_id = article["id"]
    log = admin("GET", f"/api/v1/audit?object_type=article&object_id={article_id}").get_json()
    assert [(entry["action"], entry["actor"]["name"]) for entry in reversed(log)] == [
        ("article.create", "Wes Writer"),
        ("article.submit", "Wes Writer"),
        ("article.approve", "Dr Rosa Reyes"),
        ("article.publish", "Eve Editor"),
        ("article.update", "Eve Editor"),
        ("article.unpublish", "Eve Editor"),
        ("article.restore", "Eve Editor"),
        ("article.submit", "Eve Editor"),
        ("article.approve", "Dr Rosa Reyes"),
        ("article.publish", "Eve Editor"),
    ]
    users = admin("GET", "/api/v1/audit?object_type=user").get_json()
    assert [entry["action"] for entry in users] == ["user.create"] * 4
    assert users[-1]["actor"] is None  # the admin made on the command line

"""Staff users and tokens, over the admin API and the command line."""

from __future__ import annotations

from sqlalchemy import select

from api.users.models import ApiToken, User
from tests.support.staff import problem, query_store


def test_admin_creates_users_with_normalized_emails(admin):
    response = admin.post(
        "/api/v1/users",
        {
            "name": "Dr Chen",
            "email": "  Chen@Clinic.Example ",
            "role": "reviewer",
            "credentials": "MD",
        },
    )
    assert response.status_code == 201
    user = response.get_json()
    assert user["email"] == "chen@clinic.example" and user["credentials"] == "MD"
    assert response.headers["Location"] == f"/api/v1/users/{user['id']}"
    again = admin.post(
        "/api/v1/users", {"name": "Twin", "email": "CHEN@clinic.example", "role": "writer"}
    )
    assert "email" in problem(again, 409)["errors"]
    body = problem(admin.post("/api/v1/users", {"name": "X", "email": "no", "role": "boss"}), 422)
    assert {"email", "role"} <= set(body["errors"])


def test_tokens_are_shown_once_and_stored_hashed(admin, client, app):
    user = admin.post(
        "/api/v1/users", {"name": "W", "email": "w@clinic.example", "role": "writer"}
    ).get_json()
    created = admin.post("/api/v1/tokens", {"user_id": user["id"], "name": "laptop"})
    assert created.status_code == 201 and created.headers["Cache-Control"] == "no-store"
    token = created.get_json()["token"]
    assert token.startswith("clf_")
    stored = query_store(app, select(ApiToken.token_hash))
    assert token not in stored and all(len(value) == 64 for value in stored)
    listed = admin.get(f"/api/v1/tokens?user_id={user['id']}").get_json()
    assert [t["name"] for t in listed] == ["laptop"] and "token" not in listed[0]
    assert "token" not in admin.get(f"/api/v1/tokens/{listed[0]['id']}").get_json()
    headers = {"Authorization": f"Bearer {token}"}
    me = client.get("/api/v1/users/me", headers=headers).get_json()
    assert me["id"] == user["id"]
    assert admin.get(f"/api/v1/tokens/{listed[0]['id']}").get_json()["last_used_at"]
    assert admin.delete(f"/api/v1/tokens/{listed[0]['id']}").status_code == 204
    assert admin.delete(f"/api/v1/tokens/{listed[0]['id']}").status_code == 204  # idempotent
    problem(client.get("/api/v1/users/me", headers=headers), 401)
    body = problem(admin.post("/api/v1/tokens", {"user_id": 999, "name": "x"}), 422)
    assert body["errors"] == {"user_id": ["Unknown user."]}
    body = problem(
        admin.post(
            "/api/v1/tokens",
            {"user_id": user["id"], "name": "x", "expires_at": "2000-01-01T00:00:00+00:00"},
        ),
        422,
    )
    assert "expires_at" in body["errors"]


def test_users_patch_needs_if_match_and_the_last_admin_stays(admin, make_staff):
    url = f"/api/v1/users/{admin.user.id}"
    problem(admin.patch(url, {"role": "editor"}), 428)
    body = problem(admin.patch(url, {"role": "editor"}, if_match=admin.etag(url)), 409)
    assert "last active admin" in body["detail"]
    problem(admin.patch(url, {"is_active": False}, if_match=admin.etag(url)), 409)
    make_staff("admin")
    response = admin.patch(url, {"role": "editor"}, if_match=admin.etag(url))
    assert response.status_code == 200 and response.get_json()["role"] == "editor"
    problem(admin.get("/api/v1/users"), 403)


def test_cli_creates_users_and_tokens_and_never_lists_tokens(runner, client, app):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--name",
            "Ada",
            "--email",
            " ADA@clinic.example",
            "--role",
            "admin",
        ]
    )
    assert result.exit_code == 0, result.output
    assert query_store(app, select(User.email)) == ["ada@clinic.example"]
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--name",
            "Ada",
            "--email",
            "ada@clinic.example",
            "--role",
            "admin",
        ]
    )
    assert result.exit_code != 0 and "Already in use" in result.output
    result = runner.invoke(
        args=["tokens", "create", "--user", "Ada@Clinic.example", "--name", "laptop"]
    )
    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[-1]
    assert token.startswith("clf_")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/users", headers=headers).status_code == 200
    runner.invoke(
        args=[
            "tokens",
            "create",
            "--user",
            "ada@clinic.example",
            "--name",
            "ci",
            "--expires-in-days",
            "7",
        ]
    )
    listed = runner.invoke(args=["tokens", "list", "--user", "ada@clinic.example"])
    assert listed.exit_code == 0
    assert "laptop" in listed.output and "ci" in listed.output and "clf_" not in listed.output
    lines = listed.output.splitlines()
    assert lines[0].split("\t") == [
        "id",
        "user_id",
        "user",
        "name",
        "created",
        "last_used",
        "expires",
        "state",
    ]
    token_id = next(line.split("\t")[0] for line in lines if "laptop" in line)
    assert runner.invoke(args=["tokens", "revoke", token_id]).exit_code == 0
    assert "revoked" in runner.invoke(args=["tokens", "list"]).output
    problem(client.get("/api/v1/users", headers=headers), 401)
    missing = runner.invoke(args=["tokens", "create", "--user", "nobody@x.example", "--name", "x"])
    assert missing.exit_code != 0 and "Unknown user" in missing.output
    assert runner.invoke(args=["tokens", "revoke", "999"]).exit_code != 0


def test_user_and_token_lists_cost_a_constant_number_of_statements(
    admin, make_staff, count_queries
):
    admin.get("/api/v1/users/me")
    for url in ("/api/v1/users?page_size=100", "/api/v1/tokens?page_size=100"):
        counts = []
        for batch in (2, 12):
            for _ in range(batch):
                make_staff("writer")
            with count_queries() as counter:
                assert admin.get(url).status_code == 200
            counts.append(counter.count)
        assert counts[0] == counts[1] <= 3, (url, counts)

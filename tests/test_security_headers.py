"""Security headers, CSP on /docs, request ids, no stack traces, failed-token throttling."""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

import pytest
from sqlalchemy import event, inspect

from api.core import auth
from api.extensions import db
from tests.support.staff import problem

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


@pytest.mark.parametrize(
    "url", ["/api/v1/articles", "/api/v1/nowhere", "/healthz", "/openapi.json", "/docs"]
)
def test_every_response_carries_the_security_headers(client, url):
    response = client.get(url)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value, (url, name)
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])


def test_api_responses_forbid_everything_to_a_browser(client):
    policy = client.get("/api/v1/articles").headers["Content-Security-Policy"]
    assert policy.startswith("default-src 'none'")
    assert "script-src" not in policy


def test_docs_page_has_a_strict_policy_that_still_allows_its_own_script(client):
    response = client.get("/docs")
    assert response.mimetype == "text/html"
    policy = dict(
        part.strip().split(" ", 1)
        for part in response.headers["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'none'"
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    html = response.get_data(as_text=True)
    inline = re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
    assert len(inline) == 1  # swagger-ui's bootstrap: allowed by its hash, nothing else is
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    assert policy["script-src"] == f"'self' 'sha256-{digest}'"
    for src in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert src.startswith("/docs/assets/"), src  # local assets only ('self')
        with client.get(src) as asset:
            assert asset.status_code == 200


def test_request_ids_are_taken_from_the_client_when_well_formed(client):
    response = client.get("/api/v1/nowhere", headers={"X-Request-ID": "edge-42.a_B"})
    assert response.headers["X-Request-ID"] == "edge-42.a_B"
    assert problem(response, 404)["request_id"] == "edge-42.a_B"
    for bad in ("a b", "x" * 129, "<script>", "id;drop", "é"):
        response = client.get("/api/v1/nowhere", headers={"X-Request-ID": bad})
        generated = response.headers["X-Request-ID"]
        assert generated != bad and re.fullmatch(r"[0-9a-f]{32}", generated)
        assert response.get_json()["request_id"] == generated


def test_every_error_body_names_its_request_id(client, admin):
    for response in (
        client.get("/api/v1/articles?nope=1"),
        admin.post("/api/v1/authors", {"slug": "BAD"}),
        client.post("/api/v1/authors", json={}),
        client.open("/api/v1/articles", method="PUT"),
    ):
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["request_id"] == response.headers["X-Request-ID"]


def test_no_stack_trace_reaches_the_client(make_app, caplog):
    app = make_app()

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals at /srv/careleaf/app.py line 42")

    response = app.test_client().get("/boom", headers={"X-Request-ID": "trace-me"})
    body = problem(response, 500)
    text = response.get_data(as_text=True)
    assert "secret" not in text and "Traceback" not in text and "app.py" not in text
    assert body["request_id"] == "trace-me"
    # The trace is in the log instead, under the same request id.
    logged = [r for r in caplog.records if r.exc_info and r.request_id == "trace-me"]
    assert logged and "unhandled error" in logged[0].getMessage()


def _last_character_changed(token: str) -> str:
    return token[:-1] + ("A" if token[-1] != "A" else "B")


def test_a_token_differing_only_in_its_last_character_is_refused(admin):
    near_miss = _last_character_changed(admin.token)
    refused = admin.client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {near_miss}"})
    problem(refused, 401)
    assert admin.get("/api/v1/users/me").status_code == 200


def test_tokens_are_found_by_an_indexed_equality_on_their_digest(app, admin, db_session):
    """No secret is compared in Python, where a short-circuit compare could leak by timing: the
    store looks the row up by the SHA-256 digest through a unique index, and never sees the
    token itself."""
    sent: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        sent.append((statement, parameters))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert admin.get("/api/v1/users/me").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)

    lookups = [(sql, params) for sql, params in sent if "FROM api_tokens" in sql]
    assert len(lookups) == 1, lookups
    sql, params = lookups[0]
    assert re.search(r"WHERE api_tokens\.token_hash = ", sql), sql
    assert auth.hash_token(admin.token) in _values(params)
    assert not any(admin.token in str(value) for _, p in sent for value in _values(p))
    unique = {
        tuple(c["column_names"]) for c in inspect(engine).get_unique_constraints("api_tokens")
    }
    assert ("token_hash",) in unique


def _values(params: Any) -> list[Any]:
    if isinstance(params, dict):
        return list(params.values())
    return list(params or ())


def _bad(client, token="clf_not-a-real-token", **kwargs):
    return client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"}, **kwargs)


def test_repeated_failed_tokens_are_throttled_per_client(make_app, admin):
    app = make_app(AUTH_FAILURE_LIMIT="3 per minute")
    client = app.test_client()
    for _ in range(3):
        problem(_bad(client), 401)
    throttled = problem(_bad(client), 429)
    assert "failed token" in throttled["detail"]
    retry_after = _bad(client).headers["Retry-After"]
    assert 1 <= int(retry_after) <= 60
    # Malformed headers count as failures too; another client address is not affected.
    problem(client.get("/api/v1/users/me", headers={"Authorization": "Basic x"}), 429)
    problem(_bad(client, environ_base={"REMOTE_ADDR": "10.0.0.9"}), 401)
    # Successful requests are never throttled, not even from the throttled address.
    ok = client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {admin.token}"})
    assert ok.status_code == 200


def test_requests_without_a_token_do_not_count_as_failures(make_app):
    client = make_app(AUTH_FAILURE_LIMIT="2 per minute").test_client()
    for _ in range(5):
        problem(client.get("/api/v1/users/me"), 401)

"""Regression tests, one per finding of the hardening work: schemathesis (the fuzz run itself is
test_fuzz_schema.py) and flaky runs under load."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from sqlalchemy import select

from api.extensions import db
from api.topics.models import Topic
from tests.support.staff import problem

ROOT = Path(__file__).resolve().parents[1]
METHODS = ("get", "post", "put", "patch", "delete")


def _document():
    return yaml.safe_load((ROOT / "openapi.yaml").read_text())


def _operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield method, path, operation


def test_pagination_header_is_documented_as_json_content(client, make):
    # Finding: documented with `schema`, the header read as OpenAPI `simple` style (k,v,k,v).
    header = _document()["components"]["headers"]["PAGINATION"]
    assert "schema" not in header
    assert header["content"]["application/json"]["schema"]["$ref"].endswith("PaginationMetadata")
    make.article()
    value = client.get("/api/v1/articles").headers["X-Pagination"]
    assert json.loads(value)["total"] == 1


def accepts_token(operation: dict) -> bool:
    """Staff operations and public ones that also read a token; `[]` is purely public."""
    return any(operation.get("security", []))


def test_guard_errors_are_declared_on_every_operation():
    # Finding: 400 (body not JSON, NUL in a query) was returned but not declared.
    for method, path, operation in _operations(_document()):
        responses = operation["responses"]
        assert "400" in responses, (method, path)
        if method in ("post", "put", "patch"):
            assert {"413", "415"} <= set(responses), (method, path)
        if accepts_token(operation):
            assert {"401", "429"} <= set(responses), (method, path)


def test_every_error_response_is_documented_as_problem_json():
    document = _document()
    shared = document["components"]["responses"]
    for method, path, operation in _operations(document):
        for status, response in operation["responses"].items():
            if status == "default" or status[0] not in "45":
                continue
            if "$ref" in response:
                response = shared[response["$ref"].rsplit("/", 1)[-1]]
            assert list(response["content"]) == ["application/problem+json"], (method, path)


def test_problem_schema_allows_extension_members_and_names_the_request_id():
    # Finding: a 412 carries `current_etag`; the schema forbade any member not listed.
    schema = _document()["components"]["schemas"]["Problem"]
    assert schema.get("additionalProperties", True) is not False
    assert "request_id" in schema["properties"]


def test_nullable_dates_of_tokens_and_review_items_are_documented_nullable(admin):
    # Finding: `revoked_at`, `last_used_at`, `last_reviewed_at`, `next_review_due` are null
    # until set, but were documented as strings.
    schemas = _document()["components"]["schemas"]
    for schema, field in (
        ("Token", "revoked_at"),
        ("Token", "last_used_at"),
        ("ReviewQueueItem", "last_reviewed_at"),
        ("ReviewQueueItem", "next_review_due"),
        ("Article", "last_reviewed_at"),
    ):
        assert "null" in schemas[schema]["properties"][field]["type"], (schema, field)
    tokens = admin.get("/api/v1/tokens").get_json()
    assert tokens[0]["revoked_at"] is None


def test_huge_ids_are_not_server_errors(admin):
    # Finding: ids beyond the store's integer range crashed the driver (OverflowError, 500).
    for url in ("/api/v1/users/10559588588897717831646314496", "/api/v1/tokens/2147483648"):
        problem(admin.get(url), 404)
    response = admin.patch("/api/v1/users/9223372036854775806", {}, if_match="*")
    problem(response, 404)
    body = {"name": "x", "user_id": 100829282039311849386042982400}
    assert problem(admin.post("/api/v1/tokens", body), 422)["errors"] == {
        "user_id": ["Number out of range."]
    }
    problem(admin.delete("/api/v1/newsletter/subscribers/2147483648"), 404)
    problem(admin.post("/api/v1/outbox/2147483648/retry"), 404)


def test_seeding_again_later_writes_no_topic(app, frozen_clock):
    # Finding: re-saving a pillar set the `pillar_slug` query expression, which made SQLAlchemy
    # send a version-only UPDATE: every seed bumped version and updated_at.
    def topics():
        with app.app_context():
            query = select(Topic.slug, Topic.version, Topic.updated_at).order_by(Topic.slug)
            return [tuple(row) for row in db.session.execute(query)]

    def seed():
        with app.app_context():  # each run in a context of its own, as `flask seed` does
            assert app.test_cli_runner().invoke(args=["seed"]).exit_code == 0

    seed()
    before = topics()
    assert len(before) > 5
    frozen_clock.advance(minutes=5)  # any UPDATE would now show in updated_at
    seed()
    assert topics() == before


def test_every_token_accepting_operation_answers_a_bad_token_with_a_documented_401(make_app):
    # The fuzz run sends a valid admin token; this covers the other side of every operation.
    client = make_app(AUTH_FAILURE_LIMIT="1000 per minute").test_client()
    checked = 0
    for method, path, operation in _operations(_document()):
        if not accepts_token(operation):
            continue
        url = path.replace("{slug}", "some-slug").replace("{number}", "1")
        url = url.replace("{", "").replace("}", "")
        url = re.sub(r"/\w+_id\b", "/1", url)
        headers = {"Authorization": "Bearer clf_wrong"}
        response = client.open(url, method=method.upper(), headers=headers, json={})
        body = problem(response, 401)
        assert response.headers["WWW-Authenticate"].startswith("Bearer"), (method, path)
        assert body["request_id"] == response.headers["X-Request-ID"]
        assert "401" in operation["responses"], (method, path)
        checked += 1
    assert checked > 30

"""The OpenAPI document as a client generator reads it: valid, named, honest about security,
preconditions and errors. (Spectral lints it in CI: `make lint-openapi`.)"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

ROOT = Path(__file__).resolve().parents[1]
METHODS = ("get", "post", "put", "patch", "delete")
CAMEL_CASE = re.compile(r"^[a-z]+(?:[A-Z][a-z0-9]*)*$")


@pytest.fixture
def document(client: Any) -> dict[str, Any]:
    return client.get("/openapi.json").get_json()


def operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method, path): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    }


def by_id(document: dict[str, Any], operation_id: str) -> dict[str, Any]:
    (found,) = [op for op in operations(document).values() if op["operationId"] == operation_id]
    return found


def header(operation: dict[str, Any], name: str) -> dict[str, Any] | None:
    return next(
        (p for p in operation.get("parameters", []) if p["in"] == "header" and p["name"] == name),
        None,
    )


def test_the_served_document_and_openapi_yaml_are_valid_openapi(document):
    validate(document)
    validate(yaml.safe_load((ROOT / "openapi.yaml").read_text()))


def test_the_validator_rejects_a_type_declared_nullable_twice(document):
    """The defect it caught once (`pillar`): proves the check above can fail."""
    schema = document["components"]["schemas"]["Problem"]
    schema["properties"]["broken"] = {"type": ["string", "null", "null"]}
    with pytest.raises(Exception, match="is not valid"):
        validate(document)


def test_every_operation_has_a_unique_camel_case_operation_id(document):
    ids = [op.get("operationId") for op in operations(document).values()]
    assert None not in ids, [
        key for key, op in operations(document).items() if "operationId" not in op
    ]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert [i for i in ids if not CAMEL_CASE.match(i)] == []
    named = {key: op["operationId"] for key, op in operations(document).items()}
    assert named[("get", "/api/v1/articles")] == "listArticles"
    assert named[("get", "/api/v1/articles/{slug}")] == "getArticle"
    assert named[("get", "/api/v1/articles/{slug}/related")] == "listRelatedArticles"
    assert named[("patch", "/api/v1/articles/{slug}")] == "updateArticle"
    assert named[("post", "/api/v1/articles/{slug}/transitions")] == "transitionArticle"
    assert named[("post", "/api/v1/newsletter/subscriptions")] == "createSubscription"


@pytest.mark.parametrize(
    ("operation_id", "security"),
    [
        # Public: no requirement. `[]`, not the equivalent `[{}]`, which generated clients
        # read as needing a token (tests/test_generated_clients.py).
        ("listTopics", []),
        ("getSitemap", []),
        ("createSubscription", []),
        ("listArticles", [{}, {"bearerAuth": []}]),
        ("getArticle", [{}, {"bearerAuth": []}]),
        ("createArticle", [{"bearerAuth": []}]),
        ("listAuditEvents", [{"bearerAuth": []}]),
    ],
)
def test_security_is_declared_on_every_operation(document, operation_id, security):
    assert by_id(document, operation_id)["security"] == security
    assert all("security" in op for op in operations(document).values())


def test_staff_operations_refuse_anonymous_callers_as_declared(client, document):
    """Every operation that requires the bearer token answers 401 without one."""
    for (method, path), operation in operations(document).items():
        if operation["security"] != [{"bearerAuth": []}] or "{" in path:
            continue
        response = client.open(path, method=method.upper(), json={})
        assert response.status_code == 401, (method, path, response.status_code)


@pytest.mark.parametrize(
    ("operation_id", "required"),
    [
        ("updateArticle", True),
        ("deleteArticle", True),
        ("updateTopic", True),
        ("updateAuthor", True),
        ("updateUser", True),
        ("transitionArticle", False),
        ("restoreArticleRevision", False),
    ],
)
def test_if_match_is_a_declared_header_where_writes_check_it(document, operation_id, required):
    parameter = header(by_id(document, operation_id), "If-Match")
    assert parameter is not None and parameter["required"] is required
    assert header(by_id(document, "createArticle"), "If-Match") is None


def test_public_reads_declare_the_conditional_request_headers(document):
    for operation_id in ("listArticles", "getArticle", "listRelatedArticles", "getSitemap"):
        operation = by_id(document, operation_id)
        assert header(operation, "If-None-Match") is not None, operation_id
        assert header(operation, "If-Modified-Since") is not None, operation_id
        assert "304" in operation["responses"]
    assert header(by_id(document, "listAuditEvents"), "If-None-Match") is None


def test_a_client_following_the_declared_if_match_gets_through(document, admin):
    """Without it a 428, stale a 412, with the ETag read a 200, as documented."""
    assert admin.post("/api/v1/authors", {"slug": "ada", "name": "Ada"}).status_code == 201
    responses = by_id(document, "updateAuthor")["responses"]
    assert {"412", "428"} <= set(responses)
    assert admin.patch("/api/v1/authors/ada", {"name": "Ada L."}).status_code == 428
    stale = admin.patch("/api/v1/authors/ada", {"name": "Ada L."}, if_match='"author-0-v0"')
    assert stale.status_code == 412
    assert admin.edit("/api/v1/authors/ada", {"name": "Ada L."}).status_code == 200


def resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        *_, section, name = node["$ref"].split("/")
        node = document["components"][section][name]
    return node


def test_every_error_response_is_problem_json_with_the_one_problem_schema(document):
    problem = {"$ref": "#/components/schemas/Problem"}
    assert "Problem" in document["components"]["schemas"]
    for (method, path), operation in operations(document).items():
        for status, response in operation["responses"].items():
            if status[0] not in "45" and status != "default":
                continue
            content = resolve(document, response).get("content", {})
            assert list(content) == ["application/problem+json"], (method, path, status)
            assert content["application/problem+json"]["schema"] == problem, (method, path, status)

"""The OpenAPI document describes every response as it is sent, staff shapes included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from api.extensions import db
from api.outbox.services import enqueue
from tests.support.newsletter import SIGNUP, signup_body

ROOT = Path(__file__).resolve().parents[1]
DOCUMENT = yaml.safe_load((ROOT / "openapi.yaml").read_text())


def conforms(body: Any, component: str) -> None:
    """Validate `body` against a component schema of the committed document."""
    schema = {**DOCUMENT, "$ref": f"#/components/schemas/{component}"}
    jsonschema.Draft202012Validator(schema).validate(body)


def response_schema(path: str, method: str = "get", status: str = "200") -> dict[str, Any]:
    return DOCUMENT["paths"][path][method]["responses"][status]["content"]["application/json"][
        "schema"
    ]


@pytest.fixture
def article(make) -> str:
    make.author(slug="jane-doe", name="Jane Doe")
    make.topic(slug="back-pain", name="Back pain")
    make.article(slug="doc", author="jane-doe", topics=["back-pain"])
    return "/api/v1/articles/doc"


def test_the_article_read_is_documented_as_public_or_staff_shape(client, article, editor):
    assert response_schema("/api/v1/articles/{slug}") == {
        "$ref": "#/components/schemas/ArticleRead"
    }
    public = client.get(article).get_json()
    conforms(public, "Article")
    conforms(public, "ArticleRead")
    staff = editor.get(article).get_json()
    assert {"body_markdown", "version", "allowed_actions", "your_actions"} <= staff.keys()
    conforms(staff, "StaffArticle")
    conforms(staff, "ArticleRead")
    with pytest.raises(jsonschema.ValidationError, match="body_markdown"):
        conforms(staff, "Article")  # the public shape really is closed


def test_the_staff_read_matches_the_staff_write_answers(client, article, editor):
    read = editor.get(article)
    written = editor.patch(
        article, {"canonical_url": "https://clinic.example/c"}, if_match=read.headers["ETag"]
    )
    assert written.status_code == 200, written.get_json()
    after = editor.get(article).get_json()
    assert after == written.get_json()
    assert after["allowed_actions"] == read.get_json()["allowed_actions"]


def test_null_fields_are_documented_as_nullable(client, app, admin, newsletter):
    assert client.post(SIGNUP, json=signup_body("someone@example.org")).status_code == 202
    [subscriber] = admin.get("/api/v1/newsletter/subscribers").get_json()
    assert subscriber["confirmed_at"] is None
    conforms(subscriber, "Subscriber")
    with app.app_context(), db.transaction():
        enqueue("email", {"to": "x@example.org", "subject": "Hi", "text": "Hello."})
    messages = admin.get("/api/v1/outbox").get_json()
    assert messages and all(m["last_error"] is None and m["sent_at"] is None for m in messages)
    for message in messages:
        conforms(message, "OutboxMessage")


def test_no_type_lists_null_twice():
    """OpenAPI 3.1 types are JSON Schema types: `[string, null, null]` is not valid."""

    def walk(node: Any, where: str) -> list[str]:
        found: list[str] = []
        if isinstance(node, dict):
            kind = node.get("type")
            if isinstance(kind, list) and len(kind) != len(set(kind)):
                found.append(where)
            for key, value in node.items():
                found += walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                found += walk(value, f"{where}/{index}")
        return found

    assert walk(DOCUMENT, "") == []


def test_options_names_only_the_methods_of_the_matched_route(client, admin):
    """`/topics/graph` is its own route, though `/topics/<slug>` would also match it."""
    graph = client.options("/api/v1/topics/graph")
    assert graph.status_code == 200
    assert set(graph.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    # "graph" is a reserved topic slug: a write there finds no topic.
    assert admin.patch("/api/v1/topics/graph", {}).status_code == 404
    topic = client.options("/api/v1/topics/back-pain")
    assert {"PATCH", "DELETE"} <= set(topic.headers["Allow"].split(", "))

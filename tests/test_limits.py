"""Request limits: body size, page depth, string lengths, NUL bytes, invalid UTF-8, JSON depth,
integer ranges, Unicode normalization; each bad request is a problem naming what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.support.staff import new_article, problem

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = "/api/v1/articles"


@pytest.mark.parametrize(
    "url, method",
    [
        (ARTICLES, "POST"),
        ("/api/v1/authors", "POST"),
        ("/api/v1/topics", "POST"),
        ("/api/v1/users", "POST"),
        ("/api/v1/newsletter/subscriptions", "POST"),
    ],
)
def test_bodies_over_the_limit_are_413_everywhere(admin, url, method):
    body = b'{"name": "' + b"x" * (1024 * 1024 + 10) + b'"}'
    response = admin.request(method, url, data=body, content_type="application/json")
    assert "body" in problem(response, 413)["detail"]


def test_page_depth_is_bounded(client, make):
    make.article()
    assert client.get(f"{ARTICLES}?page=100&page_size=100").status_code == 200
    body = problem(client.get(f"{ARTICLES}?page=101&page_size=100"), 422)
    assert "page" in body["errors"]
    problem(client.get(f"{ARTICLES}?page=501"), 422)  # default pages of 20
    assert client.get(f"{ARTICLES}?page=500").status_code == 200
    problem(client.get(f"{ARTICLES}?page_size=101"), 422)  # the size cap


def _request_schemas(document):
    """Names of the component schemas that requests carry, nested ones included."""
    schemas, todo = set(), []
    for item in document["paths"].values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for media in operation.get("requestBody", {}).get("content", {}).values():
                todo.append(media["schema"])
    while todo:
        schema = todo.pop()
        ref = schema.get("$ref")
        if ref:
            name = ref.rsplit("/", 1)[-1]
            if name not in schemas:
                schemas.add(name)
                todo.append(document["components"]["schemas"][name])
            continue
        todo += [value for value in schema.get("properties", {}).values()]
        todo += [schema["items"]] if "items" in schema else []
        todo += schema.get("allOf", []) + schema.get("anyOf", []) + schema.get("oneOf", [])
    return schemas


def _unbounded_strings(schema, path="", *, count_items=True):
    types = schema.get("type", [])
    types = types if isinstance(types, list) else [types]
    found = []
    bounded = {"maxLength", "enum"} & set(schema) or schema.get("readOnly")
    if "string" in types and not bounded and schema.get("format") not in ("date-time", "date"):
        found.append(path)
    for name, value in schema.get("properties", {}).items():
        if not value.get("readOnly"):
            found += _unbounded_strings(value, f"{path}.{name}")
    if "items" in schema:
        found += _unbounded_strings(schema["items"], f"{path}[]")
        if count_items and "maxItems" not in schema and not schema.get("readOnly"):
            found.append(f"{path} (maxItems)")
    return found


def test_every_string_a_request_carries_has_a_maximum_length():
    document = yaml.safe_load((ROOT / "openapi.yaml").read_text())
    unbounded = []
    for name in sorted(_request_schemas(document)):
        unbounded += _unbounded_strings(document["components"]["schemas"][name], name)
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query":
                    # Repeated query parameters are bounded by the URL length the server takes.
                    schema = parameter["schema"]
                    for problem_path in _unbounded_strings(schema, count_items=False):
                        unbounded.append(f"{method} {path}?{parameter['name']}{problem_path}")
    assert unbounded == []


def test_too_long_strings_are_422_naming_the_field(admin, make):
    make.author(slug="jane-doe")
    body = new_article(title="x" * 301)
    assert "title" in problem(admin.post(ARTICLES, body), 422)["errors"]
    response = admin.post("/api/v1/topics", {"slug": "a" * 121, "name": "Topic"})
    assert "slug" in problem(response, 422)["errors"]


def test_nul_bytes_are_refused_in_bodies_queries_and_paths(admin, client, make):
    make.author(slug="jane-doe")
    body = problem(admin.post(ARTICLES, new_article(title="Bad\x00title")), 422)
    assert body["errors"] == {"title": ["Contains a NUL character."]}
    body = problem(admin.post(ARTICLES, new_article(topics=["ok", "b\x00d"])), 422)
    assert "topics.1" in body["errors"]
    problem(client.get(f"{ARTICLES}?topic=a%00b"), 400)
    problem(client.get(f"{ARTICLES}/a%00b"), 400)


def test_invalid_utf8_is_400_in_bodies_queries_and_paths(admin, client):
    response = admin.post(
        "/api/v1/authors",
        data=b'{"slug": "x", "name": "\xff\xfe"}',
        content_type="application/json",
    )
    assert "UTF-8" in problem(response, 400)["detail"]
    assert "UTF-8" in problem(client.get(f"{ARTICLES}?topic=%ff"), 400)["detail"]
    assert "UTF-8" in problem(client.get(f"{ARTICLES}/%c3%28"), 400)["detail"]


def test_deeply_nested_json_is_400_before_any_schema(admin):
    deep = "[" * 33 + "]" * 33
    response = admin.post("/api/v1/authors", data=deep, content_type="application/json")
    assert "nested deeper than 32" in problem(response, 400)["detail"]
    very_deep = "[" * 100_000 + "]" * 100_000  # would exhaust a recursive parser's stack
    response = admin.post("/api/v1/authors", data=very_deep, content_type="application/json")
    problem(response, 400)
    # Brackets inside strings do not count; 32 levels are fine (the schema answers).
    shallow = (
        '{"slug": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", "name": ' + "[" * 31 + "]" * 31 + "}"
    )
    response = admin.post("/api/v1/authors", data=shallow, content_type="application/json")
    assert problem(response, 422)["errors"].keys() >= {"slug", "name"}


def test_integers_beyond_the_store_range_are_client_errors(admin, client):
    huge = 2**31
    problem(admin.get(f"/api/v1/users/{huge}"), 404)
    problem(admin.get(f"/api/v1/tokens/{10**30}"), 404)
    body = problem(admin.post("/api/v1/tokens", {"name": "x", "user_id": 10**30}), 422)
    assert body["errors"] == {"user_id": ["Number out of range."]}
    body = problem(admin.get(f"/api/v1/audit?object_id={10**20}"), 422)
    assert "object_id" in body["errors"]


def test_slugs_and_emails_are_nfc_normalized(admin, client, make):
    # "é" as e + combining acute (NFD) and as one code point (NFC) name the same person.
    decomposed, composed = "Rene\u0301", "Ren\u00e9"
    created = admin.post("/api/v1/authors", {"slug": "rene", "name": decomposed})
    assert created.status_code == 201 and created.get_json()["name"] == composed
    first = admin.post(
        "/api/v1/users", {"name": "A", "email": f"{decomposed}@clinic.example", "role": "writer"}
    )
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["email"] == f"{composed.lower()}@clinic.example"
    again = admin.post(
        "/api/v1/users", {"name": "B", "email": f"{composed}@clinic.example", "role": "writer"}
    )
    assert "email" in problem(again, 409)["errors"]
    # Slugs are ASCII: a compatibility form (fullwidth "foo") is refused, not silently mapped.
    response = admin.post("/api/v1/authors", {"slug": "\uff46\uff4f\uff4f", "name": "Foo"})
    assert "slug" in problem(response, 422)["errors"]

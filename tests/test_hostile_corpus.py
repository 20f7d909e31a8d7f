"""A corpus of hostile inputs against every parameter and body field that openapi.yaml lists.

Each query parameter, path parameter and top-level body member of every documented operation
receives each value of the corpus (one per class of issue 12: other scripts' digits, signs,
spaces, underscores, exponents, lone surrogates, NUL, overlong text, edge dates, huge and
non-finite numbers, wrong JSON types, nesting where a scalar belongs), with an admin token and
real objects behind the path. Every answer must be below 500, every refusal problem+json, and a
refused write must leave every table's row count as it was.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import yaml
from sqlalchemy import func, select

from api.core.db import Base
from api.extensions import db
from tests.support.newsletter import create_newsletter

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
WRITES = ("post", "put", "patch", "delete")

# Query and path values: Python text, percent-encoded as UTF-8 (lone surrogates as the bytes
# a careless encoder would send, which are not UTF-8).
TEXT_VALUES = [
    "\u00b2",  # superscript two: str.isdigit() says yes, int() says no
    "\u0663",  # Arabic-Indic three: int() says 3
    "\uff12",  # full-width two
    "+1",
    " 1",
    "1_000",
    "1e3",
    "\ud800",
    "\x00",
    "a" * 5000,
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "9" * 5000,
    "NaN",
    "[]",
]

# Body values as JSON texts, so that what no Python value holds can be sent too.
JSON_VALUES = [
    '"\\ud800"',
    '"a\\udc00b"',
    '"\\u0000"',
    '"\u0663"',
    '"1_000"',
    '"off"',
    "-1",
    "1.5",
    json.dumps("x" * 20_000),
    '"0001-01-01T00:00:00+14:00"',
    '"9999-12-31T23:59:59-14:00"',
    "-" + "9" * 4301,
    "NaN",
    "Infinity",
    "1e999",
    "2147483648",
    "true",
    "null",
    "[]",
    '{"a": {"b": "\\ud800"}}',
]


def _document() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "openapi.yaml").read_text())


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in ("get", *WRITES)
    ]


def _body_members(document: dict[str, Any], operation: dict[str, Any]) -> list[str]:
    content = operation.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema", {})
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return [
        name for name, member in schema.get("properties", {}).items() if not member.get("readOnly")
    ]


class Corpus:
    """Sends the requests and checks each answer; collects what went wrong."""

    def __init__(self, app: Any, token: str, objects: dict[str, str]) -> None:
        self.app, self.client = app, app.test_client()
        self.headers = {"Authorization": f"Bearer {token}"}
        self.objects = objects
        self.failures: list[str] = []
        self.rows = self._rows()
        self.sent = 0
        self.etags: dict[str, str | None] = {}

    def _rows(self) -> tuple[int, ...]:
        counts = [select(func.count()).select_from(t).scalar_subquery() for t in self._tables()]
        with self.app.app_context():
            return tuple(db.session.execute(select(*counts)).one())

    @staticmethod
    def _tables() -> list[Any]:
        # Searches (GETs) count themselves for the content-gap report: not a refused write.
        return [t for t in Base.metadata.sorted_tables if t.name != "search_query_days"]

    def real_path(self, path: str) -> str:
        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            if name == "slug":
                kind = "topic" if "/topics/" in path else path.split("/")[3].rstrip("s")
                return self.objects[kind]
            return self.objects.get(name, "1")

        return re.sub(r"\{(\w+)\}", value, path)

    def send(self, method: str, url: str, label: str, **kwargs: Any) -> None:
        headers = dict(self.headers)
        if method in ("patch", "put") and (etag := self._etag(url.split("?")[0])):
            headers["If-Match"] = etag
        response = self.client.open(url, method=method.upper(), headers=headers, **kwargs)
        self.sent += 1
        status = response.status_code
        if status >= 500:
            self.failures.append(f"{label}: {status}")
        elif status >= 400 and response.mimetype != "application/problem+json":
            self.failures.append(f"{label}: {status} as {response.mimetype}")
        if method in WRITES:
            rows = self._rows()
            if status >= 400 and rows != self.rows:
                self.failures.append(f"{label}: refused with {status} but wrote rows")
            self.rows = rows
            if status < 400:
                self.etags.clear()

    def _etag(self, url: str) -> str | None:
        if url not in self.etags:
            current = self.client.get(url, headers=self.headers)
            self.etags[url] = current.headers.get("ETag") if current.status_code == 200 else None
        return self.etags[url]


def _encode(value: str) -> str:
    return quote(value, safe="", errors="surrogatepass")


def _sweep_parameters(corpus: Corpus, method: str, path: str, operation: dict[str, Any]) -> None:
    url = corpus.real_path(path)
    names = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"]
    for name in names:
        for value in TEXT_VALUES:
            label = f"{method.upper()} {path}?{name}={value[:20]!r}"
            corpus.send(method, f"{url}?{name}={_encode(value)}", label)
    for name in re.findall(r"\{(\w+)\}", path):
        for value in TEXT_VALUES:
            if not value.strip() or value in ("+1", "-1"):
                continue  # an empty or sign-only segment is another route, not a value
            label = f"{method.upper()} {path} {name}={value[:20]!r}"
            corpus.send(method, path.replace(f"{{{name}}}", _encode(value)), label)


def _sweep_body(corpus: Corpus, document: dict[str, Any], method: str, path: str, op: Any) -> None:
    members = _body_members(document, op)
    if not members:
        return
    url = corpus.real_path(path)
    for value in JSON_VALUES:
        corpus.send(
            method, url, f"{method.upper()} {path} body {value[:20]}", data=value,
            content_type="application/json",
        )  # fmt: skip
        for name in members:
            corpus.send(
                method, url, f"{method.upper()} {path} {name}={value[:20]}",
                data=f'{{"{name}": {value}}}', content_type="application/json",
            )  # fmt: skip


def _newsletter_issue(app: Any, admin: Any) -> int:
    """A newsletter with a draft issue, so that the issue operations reach real rows."""
    create_newsletter(app)
    response = app.test_client().post(
        "/api/v1/newsletters/spine-health/issues",
        json={"subject": "Hostile", "articles": "auto"},
        headers={"Authorization": f"Bearer {admin.token}"},
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_no_hostile_input_reaches_a_500_or_a_half_write(make_app, make, make_staff):
    app = make_app(RATELIMIT_ENABLED=False)
    admin, member = make_staff("admin"), make_staff("writer")
    article = make.article()
    objects = {
        "article": article.slug,
        "author": make.author().slug,
        "topic": make.topic().slug,
        "user_id": str(member.user.id),  # a PATCH may deactivate them; not the admin
        "number": "1",
        "newsletter": "spine-health",
        "issue_id": str(_newsletter_issue(app, admin)),
    }
    corpus = Corpus(app, admin.token, objects)
    document = _document()
    for method, path, operation in _operations(document):
        if method == "delete":
            # Deleting the real objects would end the sweep early: deletes take their hostile
            # values in the path only.
            gone = {"article": "none", "author": "none", "topic": "none", "token_id": "0"}
            corpus.objects = {**objects, **gone}
        _sweep_parameters(corpus, method, path, operation)
        _sweep_body(corpus, document, method, path, operation)
        corpus.objects = objects
    assert corpus.sent > 2500
    assert not corpus.failures, "\n".join(corpus.failures[:40])

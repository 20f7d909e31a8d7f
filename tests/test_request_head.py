"""Request-head limits answered by the app (both stores): 414 for a long URL, 431 for too many or
too large header fields, each a problem naming what is at fault. Through real gunicorn, with its
own limits above these: tests/test_serving_commands.py."""

from __future__ import annotations

import pytest


def _problem(response, status):
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["request_id"]
    return body


@pytest.mark.parametrize(
    "path", ["/api/v1/articles?q=" + "a" * 8000, "/api/v1/articles/" + "s" * 8000]
)
def test_a_url_over_max_url_bytes_is_a_414_naming_the_url(client, path):
    assert _problem(client.get(path), 414)["errors"] == {"url": ["At most 8000 bytes."]}


def test_a_url_at_the_limit_is_routed(client):
    path = "/api/v1/articles/"
    assert client.get(path + "s" * (8000 - len(path))).status_code == 404  # no such article


def test_too_many_header_fields_is_a_431(client):
    headers = {f"X-Field-{number}": "v" for number in range(101)}
    body = _problem(client.get("/api/v1/articles", headers=headers), 431)
    assert body["errors"] == {"headers": ["At most 100 header fields."]}


def test_one_header_field_too_large_is_a_431_naming_it(client):
    headers = {"X-Small": "s", "X-Forwarded-Host": "h" * 8_000}
    body = _problem(client.get("/api/v1/articles", headers=headers), 431)
    assert body["errors"] == {"X-Forwarded-Host": ["At most 8000 bytes."]}


def test_header_fields_too_large_together_is_a_431_naming_the_largest(client):
    headers = {"X-One": "1" * 5_000, "X-Two": "2" * 6_000, "X-Three": "3" * 5_500}
    body = _problem(client.get("/api/v1/articles", headers=headers), 431)
    assert list(body["errors"]) == ["X-Two"]


def test_the_limits_are_settings(make_app):
    strict = make_app(MAX_URL_BYTES=100, MAX_HEADER_FIELDS=5, MAX_HEADER_BYTES=200).test_client()
    _problem(strict.get("/api/v1/articles?q=" + "a" * 100), 414)
    _problem(strict.get("/api/v1/articles", headers={"X-A": "a" * 201}), 431)
    assert strict.get("/api/v1/articles?page=1").status_code == 200

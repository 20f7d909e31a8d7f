"""Every error is problem+json naming what is wrong; malformed input never gets a 500."""

from __future__ import annotations

import pytest

PROBLEM = "application/problem+json"


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response.mimetype == PROBLEM
    body = response.get_json(force=True)
    assert body["status"] == status
    assert {"type", "title", "detail"} <= set(body)
    return body


@pytest.mark.parametrize(
    "url, field",
    [
        ("/api/v1/articles?bogus=1", "bogus"),
        ("/api/v1/articles?sort=random", "sort"),
        ("/api/v1/articles?page=0", "page"),
        ("/api/v1/articles?page=abc", "page"),
        ("/api/v1/articles?page_size=-1", "page_size"),
        ("/api/v1/authors?topic=x", "topic"),
        ("/api/v1/topics?page_size=1000", "page_size"),
        ("/api/v1/topics/back-pain/articles?sort=title", "sort"),
        ("/api/v1/articles?language=" + "x" * 40, "language"),
    ],
)
def test_bad_query_parameters_are_422_naming_the_field(client, url, field):
    body = assert_problem(client.get(url), 422)
    assert field in body["errors"]
    assert field in body["detail"]


def test_unknown_url_and_method(client):
    assert_problem(client.get("/api/v1/nothing-here"), 404)
    response = client.delete("/api/v1/topics")
    assert_problem(response, 405)
    assert "GET" in response.headers["Allow"]


def test_unexpected_exception_is_a_problem_without_trace(make_app):
    app = make_app(TESTING=False)

    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("secret internals")

    body = assert_problem(app.test_client().get("/boom-for-test"), 500)
    assert "secret internals" not in str(body) and "Traceback" not in str(body)


def test_nul_bytes_are_400(client):
    assert_problem(client.get("/api/v1/articles/a%00b"), 400)
    body = assert_problem(client.get("/api/v1/articles?topic=a%00"), 400)
    assert "topic" in body["errors"]


@pytest.mark.parametrize(
    "path",
    ["/api/v1/articles/" + "a" * 5000, "/api/v1/topics/%C3%A9t%C3%A9"],
)
def test_odd_paths_never_500(client, path):
    assert client.get(path).status_code == 404

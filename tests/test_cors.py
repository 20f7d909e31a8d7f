"""CORS: the clinic sites in CORS_ORIGINS read public content and use the newsletter forms from
the browser; staff endpoints and requests with a token are never opened to another origin."""

from __future__ import annotations

import pytest

SITE = "https://clinic.example"
KIOSK = "https://kiosk.clinic.example"
ACAO = "Access-Control-Allow-Origin"


@pytest.fixture
def site(make_app, make):
    make.author(slug="jane-doe")
    make.article(slug="doc", author="jane-doe")
    return make_app(CORS_ORIGINS=f"{SITE}, {KIOSK}/").test_client()


def preflight(client, url: str, method: str, headers: str = "") -> dict[str, str]:
    request_headers = {"Origin": SITE, "Access-Control-Request-Method": method}
    if headers:
        request_headers["Access-Control-Request-Headers"] = headers
    return client.options(url, headers=request_headers).headers


@pytest.mark.parametrize(
    "url", ["/api/v1/articles", "/api/v1/articles/doc", "/feeds/articles.rss", "/sitemap.xml"]
)
def test_allowed_origins_read_public_content(site, url):
    for origin in (SITE, KIOSK):
        response = site.get(url, headers={"Origin": origin})
        assert response.status_code == 200 and response.headers[ACAO] == origin
        exposed = response.headers["Access-Control-Expose-Headers"]
        assert "ETag" in exposed and "X-Pagination" in exposed
        assert "Origin" in response.headers["Vary"]
        assert "Access-Control-Allow-Credentials" not in response.headers


def test_other_origins_get_no_cors_headers_but_the_response_varies(site):
    response = site.get("/api/v1/articles", headers={"Origin": "https://evil.example"})
    assert response.status_code == 200 and ACAO not in response.headers
    assert "Origin" in response.headers["Vary"]  # a shared cache keeps one copy per origin
    assert ACAO not in site.get("/api/v1/articles").headers


def test_preflight_allows_conditional_reads_but_not_tokens(site):
    headers = preflight(site, "/api/v1/articles", "GET", "If-None-Match")
    assert headers[ACAO] == SITE and "GET" in headers["Access-Control-Allow-Methods"]
    assert "if-none-match" in headers["Access-Control-Allow-Headers"].lower()
    with_token = preflight(site, "/api/v1/articles", "GET", "Authorization")
    assert "authorization" not in with_token.get("Access-Control-Allow-Headers", "").lower()


@pytest.mark.parametrize(
    "url, method",
    [
        ("/api/v1/articles", "POST"),
        ("/api/v1/articles/doc", "PATCH"),
        ("/api/v1/articles/doc", "DELETE"),
        ("/api/v1/articles/doc/revisions", "GET"),
        ("/api/v1/users", "GET"),
        ("/api/v1/link-report", "GET"),
        ("/api/v1/newsletter/subscribers", "GET"),
        ("/api/v1/newsletter/stats", "GET"),
    ],
)
def test_staff_operations_are_not_opened(site, url, method):
    headers = preflight(site, url, method, "Content-Type")
    assert not [name for name, _value in headers if name.startswith("Access-Control-")]
    if method == "GET":
        response = site.get(url, headers={"Origin": SITE})
        assert response.status_code == 401 and ACAO not in response.headers


def test_requests_with_a_token_get_no_cors_headers(site, editor):
    response = site.get(
        "/api/v1/articles/doc",
        headers={"Origin": SITE, "Authorization": f"Bearer {editor.token}"},
    )
    assert response.status_code == 200 and ACAO not in response.headers


def test_newsletter_forms_are_open_to_the_sites(site, newsletter):
    headers = preflight(site, "/api/v1/newsletter/subscriptions", "POST", "Content-Type")
    assert headers[ACAO] == SITE and "POST" in headers["Access-Control-Allow-Methods"]
    response = site.post(
        "/api/v1/newsletter/subscriptions",
        json={"email": "a@example.org", "consent": True},
        headers={"Origin": SITE},
    )
    assert response.status_code == 202 and response.headers[ACAO] == SITE
    assert response.headers["Cache-Control"] == "private, no-store"
    assert preflight(site, "/api/v1/newsletter/preferences", "PATCH")[ACAO] == SITE
    refused = site.post(
        "/api/v1/newsletter/subscriptions",
        json={"email": "b@example.org", "consent": True},
        headers={"Origin": "https://evil.example"},
    )
    assert ACAO not in refused.headers


def test_without_an_allowlist_nothing_is_opened(client, make):
    make.article(slug="doc")
    response = client.get("/api/v1/articles/doc", headers={"Origin": SITE})
    assert ACAO not in response.headers and "Origin" not in response.headers.get("Vary", "")

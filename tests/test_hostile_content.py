"""Hostile content written through the staff API leaves nothing executable where it is served.

Every vector of tests/xss_corpus.py goes into an article (title, summary, body, image alt,
meta description, a heading for the TOC), and all of them into an author's bio and a topic's
description. Then every public view that serves those fields is read back, and every HTML
field (`*_html`) must be inert, every TOC entry plain text
without a single tag. New HTML-serving features (feeds,
JSON-LD, search snippets) add their URLs to `served_urls` or reuse `assert_inert` directly.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.staff import Staff, problem
from tests.xss_corpus import VECTORS, assert_inert, assert_plain_text

ALL_VECTORS = "\n\n".join(VECTORS)
UNSAFE_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/x.js",
    'https://ok.example/"><script>alert(1)</script>',
]


def _publish(admin: Staff, reviewer: Staff, slug: str) -> None:
    url = f"/api/v1/articles/{slug}/transitions"
    # Attack strings have no meaningful reading grade: the reviewer accepts whatever it is.
    steps = (
        (admin, {"action": "submit"}),
        (reviewer, {"action": "approve", "accept_reading_grade": True}),
        (admin, {"action": "publish"}),
    )
    for staff, body in steps:
        response = staff.post(url, body)
        assert response.status_code == 200, response.get_json()


def _article_body(number: int, vector: str) -> dict[str, Any]:
    previous = f"See [[xss-{number - 1}]] and [its page](/articles/xss-{number - 1})."
    return {
        "slug": f"xss-{number}",
        "title": vector[:300],
        "summary": vector,
        "author": "hostile-author",
        "topics": ["hostile-topic"],
        "feature_image_alt": vector[:300],
        "meta_description": vector[:320],
        "body_markdown": f"## {vector}\n\n{vector}\n\n{previous}\n\n### Tail\n\n{vector}\n",
    }


@pytest.fixture
def hostile_store(admin: Staff, reviewer: Staff) -> int:
    created = admin.post(
        "/api/v1/authors",
        {"slug": "hostile-author", "name": "Hostile <b>Author</b>", "bio_markdown": ALL_VECTORS},
    )
    assert created.status_code == 201, created.get_json()
    created = admin.post(
        "/api/v1/topics",
        {"slug": "hostile-topic", "name": "Hostile topic", "description": ALL_VECTORS},
    )
    assert created.status_code == 201, created.get_json()
    for number, vector in enumerate(VECTORS):
        created = admin.post("/api/v1/articles", _article_body(number, vector))
        assert created.status_code == 201, (vector, created.get_json())
        _publish(admin, reviewer, f"xss-{number}")
    return len(VECTORS)


def served_urls(count: int) -> list[str]:
    """Every public view that serves rendered or hostile fields."""
    urls = [
        "/api/v1/authors/hostile-author",
        "/api/v1/authors?page_size=100",
        "/api/v1/authors/hostile-author/articles?page_size=100",
        "/api/v1/topics/hostile-topic",
        "/api/v1/topics?page_size=100",
        "/api/v1/topics?tree=true",
        "/api/v1/topics/hostile-topic/articles?page_size=100",
        "/api/v1/topics/graph?include=articles",
    ]
    urls += [f"/api/v1/articles?page={page}&page_size=100" for page in (1, 2)]
    for number in range(count):
        base = f"/api/v1/articles/xss-{number}"
        urls += [base, f"{base}/related", f"{base}/backlinks"]
    return urls


def check_served(document: Any, where: str) -> int:
    """Assert every HTML field in a JSON document is inert; return how many were checked."""
    checked = 0
    if isinstance(document, dict):
        for key, value in document.items():
            if key.endswith("_html") and isinstance(value, str):
                assert_inert(value, f"{where} {key}")
                checked += 1
            elif key == "toc" and isinstance(value, list):
                for entry in value:
                    assert_plain_text(entry["text"], f"{where} toc")
                    checked += 1
            else:
                checked += check_served(value, where)
    elif isinstance(document, list):
        checked += sum(check_served(item, where) for item in document)
    return checked


def test_corpus_is_big_and_varied():
    assert len(VECTORS) >= 50
    assert len(set(VECTORS)) == len(VECTORS)


def test_assert_inert_catches_what_it_should():
    for dangerous in (
        "<script>x</script>",
        '<a href=" jav&#x09;ascript:x">',
        '<img src="DATA:text/html,x">',
        "<p onclick=x>",
        '<div style="x">',
        '<svg><a xlink:href="javascript:x">',
        '<form action="javascript:x">',
        '<iframe srcdoc="x">',
        "<meta http-equiv=refresh>",
        "<base href=x>",
    ):
        with pytest.raises(AssertionError):
            assert_inert(dangerous)
    assert_inert('<p><a href="https://ok.example" rel="noopener">ok</a> &lt;script&gt;</p>')


def test_no_executable_content_survives_anywhere_it_is_served(client, hostile_store):
    checked = 0
    for url in served_urls(hostile_store):
        response = client.get(url)
        assert response.status_code == 200, (url, response.get_data(as_text=True))
        assert response.mimetype == "application/json"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        checked += check_served(response.get_json(), url)
    # The checks ran: every article body and TOC, the bio and the description, many times.
    assert checked >= 3 * hostile_store


def test_hostile_titles_are_escaped_where_links_show_them(client, hostile_store):
    body = client.get("/api/v1/articles/xss-1").get_json()["body_html"]
    assert "&lt;SCRIPT SRC=" not in body  # xss-1 links to xss-0, titled "<script>alert(1)..."
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert_inert(body)


def test_sanitized_text_keeps_the_words(client, hostile_store):
    article = client.get("/api/v1/articles/xss-34").get_json()  # <div onmouseover=...>hover
    assert "hover" in article["body_html"]
    assert "onmouseover" not in article["body_html"]
    assert article["title"] == VECTORS[34]  # plain text, served as JSON, never as HTML


@pytest.mark.parametrize("url", UNSAFE_URLS)
def test_unsafe_urls_are_refused_in_url_fields(admin, url, make):
    make.author(slug="jane-doe")
    for field in ("avatar_url", "website_url"):
        body = {"slug": "someone", "name": "Someone", field: url}
        assert field in problem(admin.post("/api/v1/authors", body), 422)["errors"]
    for field in ("feature_image_url", "canonical_url"):
        body = {
            "slug": "an-article",
            "title": "An article",
            "author": "jane-doe",
            field: url,
        }
        assert field in problem(admin.post("/api/v1/articles", body), 422)["errors"]

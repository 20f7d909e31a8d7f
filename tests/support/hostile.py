"""A library built from the XSS corpus through the staff API, and checks for what it serves.

Every vector goes into its own article (title, summary, body, image alt, meta description, a
heading for the TOC), and all of them into an author's bio and a topic's description.
`check_served` walks any JSON document: every `*_html` field must be inert, every TOC entry
plain text, every `json_ld_script` safe inside a script element.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support.staff import Staff
from tests.support.xss import VECTORS, assert_inert, assert_plain_text, assert_script_safe

ALL_VECTORS = "\n\n".join(VECTORS)
AUTHOR, TOPIC = "hostile-author", "hostile-topic"


def publish(admin: Staff, reviewer: Staff, slug: str) -> None:
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


def article_body(number: int, vector: str) -> dict[str, Any]:
    previous = f"See [[xss-{number - 1}]] and [its page](/articles/xss-{number - 1})."
    return {
        "slug": f"xss-{number}",
        "title": vector[:300],
        "summary": vector,
        "author": AUTHOR,
        "topics": [TOPIC],
        "feature_image_alt": vector[:300],
        "meta_description": vector[:320],
        "body_markdown": f"## {vector}\n\n{vector}\n\n{previous}\n\n### Tail\n\n{vector}\n",
    }


@pytest.fixture
def hostile_store(admin: Staff, reviewer: Staff) -> int:
    """Publishes one article per vector (slugs xss-0, xss-1, ...); returns how many."""
    created = admin.post(
        "/api/v1/authors",
        {"slug": AUTHOR, "name": "Hostile <b>Author</b>", "bio_markdown": ALL_VECTORS},
    )
    assert created.status_code == 201, created.get_json()
    created = admin.post(
        "/api/v1/topics", {"slug": TOPIC, "name": "Hostile topic", "description": ALL_VECTORS}
    )
    assert created.status_code == 201, created.get_json()
    for number, vector in enumerate(VECTORS):
        created = admin.post("/api/v1/articles", article_body(number, vector))
        assert created.status_code == 201, (vector, created.get_json())
        publish(admin, reviewer, f"xss-{number}")
    return len(VECTORS)


def check_served(document: Any, where: str) -> int:
    """Assert every HTML-bearing field of a JSON document is safe; return how many were checked."""
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
            elif key == "json_ld_script" and isinstance(value, str):
                assert_script_safe(value, f"{where} json_ld_script")
                assert json.loads(value) == document["json_ld"], where
                checked += 1
            else:
                checked += check_served(value, where)
    elif isinstance(document, list):
        checked += sum(check_served(item, where) for item in document)
    return checked

"""The clinic disclaimer (CLINIC_DISCLAIMER) is served with every article, rendered."""

from __future__ import annotations

import pytest

from tests.support.hostile import publish
from tests.support.staff import new_article

DEFAULT_HTML = (
    "<p>This information is for education and does not replace advice from your own "
    "clinician. If you think you have an emergency, call 911.</p>\n"
)


def test_every_article_read_carries_the_default_disclaimer(client, make):
    make.article(slug="back")
    assert client.get("/api/v1/articles/back").get_json()["disclaimer_html"] == DEFAULT_HTML
    (article,) = client.get("/api/v1/bundles/all").get_json()["articles"]
    assert article["disclaimer_html"] == DEFAULT_HTML
    (item,) = client.get("/feeds/articles.json").get_json()["items"]
    assert item["content_html"].endswith(DEFAULT_HTML)


def test_the_clinic_sets_its_own_disclaimer_in_markdown_sanitized(make_app, make):
    clinic = make_app(
        CLINIC_DISCLAIMER="Reviewed by **our clinicians**. <script>alert(1)</script>"
    ).test_client()
    make.article(slug="back")
    served = clinic.get("/api/v1/articles/back").get_json()["disclaimer_html"]
    assert served == "<p>Reviewed by <strong>our clinicians</strong>. </p>\n"


def test_an_empty_setting_turns_it_off(make_app, make):
    clinic = make_app(CLINIC_DISCLAIMER="").test_client()
    make.article(slug="back")
    assert clinic.get("/api/v1/articles/back").get_json()["disclaimer_html"] == ""


@pytest.fixture
def actors_doc(make, admin, reviewer):
    make.author(slug="jane-doe")
    assert admin.post("/api/v1/articles", new_article(slug="doc")).status_code == 201
    publish(admin, reviewer, "doc")
    return admin, "/api/v1/articles/doc"


def test_an_article_overrides_the_disclaimer_as_reviewed_content(actors_doc, client):
    admin, url = actors_doc
    edited = admin.edit(url, {"disclaimer_markdown": "Written for *our* patients."})
    assert edited.status_code == 200, edited.get_json()
    staff_copy = edited.get_json()
    assert staff_copy["disclaimer_markdown"] == "Written for *our* patients."
    assert staff_copy["disclaimer_html"] == "<p>Written for <em>our</em> patients.</p>\n"
    assert staff_copy["pending_revision"] == {"number": 2, "state": "draft"}
    # Reviewed content: the public keeps the clinic's until the revision is published.
    assert client.get(url).get_json()["disclaimer_html"] == DEFAULT_HTML
    revision = admin.get(f"{url}/revisions/2").get_json()["content"]
    assert revision["disclaimer_markdown"] == "Written for *our* patients."


def test_an_empty_override_shows_no_disclaimer(make, client):
    make.article(slug="back", disclaimer_markdown="")
    assert client.get("/api/v1/articles/back").get_json()["disclaimer_html"] == ""

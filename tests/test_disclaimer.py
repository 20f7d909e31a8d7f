"""The clinic disclaimer (CLINIC_DISCLAIMER) is served with every article, rendered."""

from __future__ import annotations

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

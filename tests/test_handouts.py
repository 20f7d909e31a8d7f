"""Printable handouts (issue 21 item 2): the PDF's text, pages, QR code and page image, the
HTML the browser prints, and the public-read rules (drafts 404, validators, 304s)."""

from __future__ import annotations

import re

import pytest

from api.core.resource_urls import site_url
from tests.support import images
from tests.support.handouts import (
    font_size,
    page_image,
    pdf_reader,
    pdf_text,
    qr_codes,
    save_artifact,
)
from tests.support.hostile import ALL_VECTORS, publish
from tests.support.images import upload
from tests.support.staff import new_article, problem
from tests.support.xss import VECTORS, assert_inert

SLUG = "knee-sprain"
URL = f"/api/v1/articles/{SLUG}/handout"
# What the handout template itself writes that the XSS checks would flag.
OURS = re.compile(r"<style>.*?</style>|<svg.*?</svg>|<meta [^>]*>", re.DOTALL)
CLINIC = {
    "CLINIC_NAME": "Riverside Family Clinic",
    "CLINIC_POSTAL_ADDRESS": "12 Harbour Road\nSpringfield, IL 62701",
    "CLINIC_PHONE": "(217) 555-0142",
    "CLINIC_DISCLAIMER": "This handout does not replace advice from **your own clinician**.",
}
BODY = """A sprain is a stretched or torn ligament. Most heal in a few weeks.[@example-handbook]

::: emergency
Call 911 if the knee is cold, pale or numb, or the leg looks bent out of shape.
:::

## Caring for your knee at home

Rest the knee for two or three days. Put ice on it for 20 minutes every few hours, with a
cloth between the ice and your skin. Keep the leg raised on a pillow when you sit or lie down.

::: self-care Moving again
Start gentle bending and straightening once the pain eases. Walk short distances first.
:::

## When to see us

| Sign | What to do |
|---|---|
| Swelling that gets worse after 3 days | Book an appointment |
| You cannot put weight on the leg | Get care today |
"""


# Test data, plainly not a real source (the demo's real references print in the test below).
REFERENCE = {
    "key": "example-handbook",
    "title": "Example Handbook of Knee Care (test data)",
    "authors": [],
    "publisher": "Example Press",
    "year": 2024,
    "url": "https://example.org/knee-care",
    "accessed": "2026-11-01",
}


@pytest.fixture
def clinic(make_app):
    """A client of an app with the clinic's details set."""
    return make_app(**CLINIC).test_client()


@pytest.fixture
def article(make, make_staff):
    make.author(slug="jane-doe", name="Jane Doe")
    admin = make_staff("admin")
    reviewer = make_staff("reviewer", name="Dr Maya Patel", credentials="MD")
    data = new_article(slug=SLUG, title="Knee sprain: care at home", body_markdown=BODY)
    data["summary"] = "How to look after a sprained knee, and when to get help."
    data["references"] = [REFERENCE]
    created = admin.post("/api/v1/articles", data)
    assert created.status_code == 201, created.get_json()
    publish(admin, reviewer, SLUG)
    return admin


def test_the_pdf_holds_the_article_its_review_the_clinic_and_the_disclaimer(clinic, article):
    reader = pdf_reader(clinic.get(f"{URL}.pdf"))
    text = pdf_text(reader)
    for expected in (
        "Knee sprain: care at home",
        "Call 911 now",  # the emergency callout's heading
        "Moving again",
        "Dr Maya Patel, MD",
        "Riverside Family Clinic",
        "12 Harbour Road",
        "Springfield, IL 62701",
        "(217) 555-0142",
        "does not replace advice from your own clinician",
        "Book an appointment",
        "References",
        "Example Handbook of Knee Care",  # the references section, after the body
    ):
        assert expected in text, expected
    assert 1 <= len(reader.pages) <= 3
    assert reader.metadata.title == "Knee sprain: care at home | Riverside Family Clinic"
    assert reader.trailer["/Root"]["/Lang"] == "en"
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(width), round(height)) == (612, 792)  # US Letter, HANDOUT_PAPER's default


def test_the_qr_code_on_page_one_opens_the_online_page(clinic, article, app):
    response = clinic.get(f"{URL}.pdf")
    image = page_image(pdf_reader(response) and response.data)
    save_artifact(image, "handout-page1.png")
    with app.test_request_context():
        assert qr_codes(image) == [site_url("article", SLUG)]


def test_large_print_sets_the_body_in_17_points(clinic, article):
    normal = pdf_reader(clinic.get(f"{URL}.pdf"))
    response = clinic.get(f"{URL}.pdf", query_string={"size": "large"})
    large = pdf_reader(response)
    sentence = "A sprain is a stretched"
    assert (font_size(normal, sentence), font_size(large, sentence)) == (11.5, 17.0)
    assert len(large.pages) >= len(normal.pages)
    assert "Dr Maya Patel" in pdf_text(large)
    save_artifact(page_image(response.data), "handout-large-page1.png")
    html = clinic.get(f"{URL}.html", query_string={"size": "large"}).get_data(as_text=True)
    assert 'class="size-large' in html and "body.size-large { font-size: 17pt;" in html


def test_the_html_is_the_printable_document_in_the_article_language(client, make, make_staff):
    make.author(slug="jane-doe")
    admin = make_staff("admin")
    reviewer = make_staff("reviewer", name="Dra. Ana Ruiz", credentials="MD")
    data = new_article(slug="esguince", title="Esguince de rodilla", language="es")
    assert admin.post("/api/v1/articles", data).status_code == 201
    publish(admin, reviewer, "esguince")
    response = client.get("/api/v1/articles/esguince/handout.html")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert html.startswith('<!doctype html>\n<html lang="es">')
    assert "<svg" in html and "<script" not in html
    assert "Revisión médica de:" not in html  # the colon comes from the style sheet
    assert '<dt>Revisión médica de</dt><dd class="reviewer">Dra. Ana Ruiz, MD</dd>' in html
    assert '"Página " counter(page) " de " counter(pages)' in html
    a4 = client.get("/api/v1/articles/esguince/handout.pdf", query_string={"paper": "a4"})
    reader = pdf_reader(a4)
    assert "Página 1 de 1" in pdf_text(reader) and "Escanee para leerlo en línea" in pdf_text(
        reader
    )
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(width), round(height)) == (595, 842)  # A4
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert "'unsafe-inline'" not in policy and "style-src 'sha256-" in policy


@pytest.mark.parametrize("kind", ["pdf", "html"])
def test_a_draft_or_unknown_article_has_no_handout(client, make, kind):
    make.article(slug="draft", status="draft", published_at=None)
    for slug in ("draft", "nothing-here"):
        body = problem(client.get(f"/api/v1/articles/{slug}/handout.{kind}"), 404)
        assert slug in body["detail"]


def test_unknown_options_are_422s_naming_the_parameter(client, article):
    body = problem(client.get(f"{URL}.pdf", query_string={"size": "huge"}), 422)
    assert "size" in str(body["errors"])
    body = problem(client.get(f"{URL}.html", query_string={"paper": "a3"}), 422)
    assert "paper" in str(body["errors"])


def test_an_article_too_long_to_print_is_refused_before_layout(make_app, article):
    short_limit = make_app(HANDOUT_MAX_WORDS=50).test_client()
    body = problem(short_limit.get(f"{URL}.pdf"), 422)
    assert "slug" in body["errors"] and "at most 50" in body["detail"]


def test_handouts_are_cached_by_the_public_validator(clinic, article, app):
    first = clinic.get(f"{URL}.pdf")
    assert first.status_code == 200
    etag, cache_control = first.headers["ETag"], first.headers["Cache-Control"]
    assert cache_control == app.config["PUBLIC_CACHE_CONTROL"] and first.headers["Last-Modified"]
    again = clinic.get(f"{URL}.pdf", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["ETag"] == etag
    large = clinic.get(f"{URL}.html", query_string={"size": "large"})
    assert large.headers["ETag"] != etag  # the query is part of the validator
    # A change the public sees makes a new validator: the stored copy is not current.
    article.edit(f"/api/v1/articles/{SLUG}", {"slug": "knee-sprain-care"})
    moved = clinic.get(f"{URL}.pdf", headers={"If-None-Match": etag})
    assert moved.status_code == 301
    assert moved.headers["Location"].endswith("/api/v1/articles/knee-sprain-care/handout.pdf")


def test_a_handout_reads_no_more_than_the_article_detail(client, article, count_queries):
    with count_queries() as detail:
        assert client.get(f"/api/v1/articles/{SLUG}").status_code == 200
    with count_queries() as handout:
        assert client.get(f"{URL}.html").status_code == 200
    assert handout.count <= detail.count, handout.statements


def test_hostile_content_prints_inert_and_fetches_nothing(client, admin, reviewer):
    # One article carrying the whole XSS corpus (body, title, summary): the HTML holds nothing
    # executable besides our own style block, QR code and meta elements, and WeasyPrint lays
    # it out without fetching any of its URLs (it would hang or fail here, with no network).
    assert admin.post("/api/v1/authors", {"slug": "jane-doe", "name": "Jane"}).status_code == 201
    data = new_article(slug="hostile", title=VECTORS[0][:300], summary=ALL_VECTORS[:2000])
    data["body_markdown"] = ALL_VECTORS
    assert admin.post("/api/v1/articles", data).status_code == 201
    publish(admin, reviewer, "hostile")
    html = client.get("/api/v1/articles/hostile/handout.html").get_data(as_text=True)
    assert (html.count("<style"), html.count("<svg"), html.count("<meta ")) == (1, 1, 4)
    assert_inert(OURS.sub("", html), "handout.html")
    reader = pdf_reader(client.get("/api/v1/articles/hostile/handout.pdf"))
    assert len(reader.pages) >= 1


def test_images_of_the_media_library_print_and_no_other_url_is_fetched(client, admin, reviewer):
    created = upload(admin, images.jpeg(640, 480), alt="A knee brace")
    assert created.status_code == 201, created.get_json()
    url = created.get_json()["url"]
    body = f"![A knee brace]({url})\n\n![Elsewhere](https://images.example.org/brace.png)\n"
    assert admin.post("/api/v1/authors", {"slug": "jane-doe", "name": "Jane"}).status_code == 201
    assert (
        admin.post("/api/v1/articles", new_article(slug="brace", body_markdown=body)).status_code
        == 201
    )
    publish(admin, reviewer, "brace")
    reader = pdf_reader(client.get("/api/v1/articles/brace/handout.pdf"))
    [image] = reader.pages[0].images  # ours, read from the store; the other one is refused
    assert image.image.size == (640, 480)
    assert "Elsewhere" in pdf_text(reader)  # a refused image prints as its alt text


def test_the_demo_pillar_prints_with_its_red_flags_and_real_references(make_app):
    """The handout the docs show: the demo's back-pain guide, as `make run` prints it."""
    app = make_app(
        CLINIC_NAME="Riverside Spine & Wellness Clinic",
        CLINIC_POSTAL_ADDRESS="100 River Road, Springfield, IL 62701 (a fictional demo address)",
        CLINIC_PHONE="(217) 555-0100",
    )
    with app.app_context():
        assert app.test_cli_runner().invoke(args=["seed"]).exit_code == 0
    response = app.test_client().get("/api/v1/articles/back-pain-guide/handout.pdf")
    assert response.status_code == 200
    text = pdf_text(pdf_reader(response))
    for expected in ("Call 911 now", "Get care today", "References", "10.7326/M16-2367"):
        assert expected in text, expected
    save_artifact(page_image(response.data), "handout-demo.png", docs_name="handout.png")

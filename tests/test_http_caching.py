"""HTTP caching: one validator for every public read, 304s without running the view, and
validators that change whenever a public response could (writes, and time passing)."""

from __future__ import annotations

import datetime as dt

import pytest
from werkzeug.http import http_date, parse_date

from tests.support.newsletter import signup_body
from tests.support.staff import new_article, problem

PUBLIC = "public, max-age=60, stale-while-revalidate=300"
ARTICLE = "/api/v1/articles/doc"


@pytest.fixture
def site(make, app):
    """A small library: a topic tree with a pillar and see-also, linked articles, an author."""
    make.author(slug="jane-doe", name="Jane Doe")
    make.topic(slug="back-pain", name="Back pain")
    make.topic(slug="posture", name="Posture", parent="back-pain")
    make.topic(slug="diet", name="Diet")
    make.article(slug="guide", author="jane-doe", topics=["back-pain"])
    make.article(
        slug="doc", author="jane-doe", topics=["posture", "diet"], body_markdown="[[guide]]"
    )


PUBLIC_URLS = [
    "/api/v1/articles",
    "/api/v1/articles?topic=back-pain&sort=title",
    ARTICLE,
    "/api/v1/articles/doc/related",
    "/api/v1/articles/guide/backlinks",
    "/api/v1/authors",
    "/api/v1/authors/jane-doe",
    "/api/v1/authors/jane-doe/articles",
    "/api/v1/topics",
    "/api/v1/topics?tree=true",
    "/api/v1/topics/posture",
    "/api/v1/topics/posture/articles",
    "/api/v1/topics/posture/related",
    "/api/v1/topics/graph?include=articles",
    "/feeds/articles.rss",
    "/feeds/articles.atom",
    "/feeds/articles.json",
    "/feeds/topics/back-pain.rss",
    "/feeds/topics/back-pain.atom",
    "/sitemap.xml",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_every_public_read_revalidates_with_one_query(client, site, count_queries, url):
    first = client.get(url)
    assert first.status_code == 200
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert first.headers["Cache-Control"] == PUBLIC
    assert "Authorization" in first.headers["Vary"]
    with count_queries() as counter:
        again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert counter.count == 1, counter.statements  # the validator; no view, no serialization
    assert again.headers["ETag"] == etag and again.headers["Cache-Control"] == PUBLIC
    with count_queries() as counter:
        since = client.get(url, headers={"If-Modified-Since": last_modified})
    assert since.status_code == 304 and counter.count == 1


def test_conditional_requests_follow_rfc_9110(client, site):
    response = client.get(ARTICLE)
    etag = response.headers["ETag"]
    last_modified = parse_date(response.headers["Last-Modified"])
    assert client.get(ARTICLE, headers={"If-None-Match": f'"other", {etag}'}).status_code == 304
    assert client.get(ARTICLE, headers={"If-None-Match": f"W/{etag}"}).status_code == 304
    assert client.get(ARTICLE, headers={"If-None-Match": "*"}).status_code == 304
    assert client.head(ARTICLE, headers={"If-None-Match": etag}).status_code == 304
    # If-None-Match wins over If-Modified-Since.
    stale = {"If-None-Match": '"other"', "If-Modified-Since": http_date(last_modified)}
    assert client.get(ARTICLE, headers=stale).status_code == 200
    earlier = http_date(last_modified - dt.timedelta(seconds=1))
    assert client.get(ARTICLE, headers={"If-Modified-Since": earlier}).status_code == 200


def test_the_etag_names_the_request_not_the_method(client, site):
    one = client.get("/api/v1/articles?sort=title&page_size=5").headers["ETag"]
    same = client.get("/api/v1/articles?page_size=5&sort=title").headers["ETag"]
    other = client.get("/api/v1/articles?page_size=6&sort=title").headers["ETag"]
    assert one == same != other
    assert client.head(ARTICLE).headers["ETag"] == client.get(ARTICLE).headers["ETag"]
    assert client.get("/api/v1/authors").headers["ETag"] != client.get(ARTICLE).headers["ETag"]


def test_request_guards_come_before_any_304(client, site):
    etag = client.get("/api/v1/articles").headers["ETag"]
    problem(client.get("/api/v1/articles?colour=red", headers={"If-None-Match": "*"}), 422)
    assert client.get("/api/v1/articles", headers={"If-None-Match": etag}).status_code == 304


def _etags(client, urls=("/api/v1/articles", ARTICLE, "/feeds/articles.rss")):
    return [client.get(url).headers.get("ETag") for url in urls]


def test_editing_an_article_changes_every_etag(client, site, editor):
    before = _etags(client)
    assert editor.edit(ARTICLE, {"canonical_url": "https://clinic.example/g"}).status_code == 200
    after = _etags(client)
    assert all(old != new for old, new in zip(before, after, strict=True))


def test_editing_an_author_changes_the_articles_etags(client, site, editor):
    before = _etags(client)
    response = editor.edit("/api/v1/authors/jane-doe", {"name": "Dr Jane Doe"})
    assert response.status_code == 200
    assert all(old != new for old, new in zip(before, _etags(client), strict=True))
    assert client.get(ARTICLE).get_json()["author"]["name"] == "Dr Jane Doe"


def test_topic_relations_added_and_replaced_change_the_etag(client, site, editor, make):
    before = client.get("/api/v1/topics/posture").headers["ETag"]
    editor.request("PUT", "/api/v1/topics/posture/related", json={"related": ["diet"]})
    after_relation = client.get("/api/v1/topics/posture").headers["ETag"]
    assert after_relation != before
    before_delete = client.get("/api/v1/topics/posture").headers["ETag"]
    editor.request("PUT", "/api/v1/topics/posture/related", json={"related": ["back-pain"]})
    assert client.get("/api/v1/topics/posture").headers["ETag"] != before_delete


DRAFT = "/api/v1/articles/draft"
DRAFT_BLIND_URLS = [
    "/api/v1/articles",
    ARTICLE,
    "/api/v1/topics",
    "/api/v1/topics/posture",
    "/api/v1/authors/jane-doe/articles",
    "/feeds/articles.rss",
    "/feeds/articles.atom",
]


def _public_etags(client):
    return {url: client.get(url).headers.get("ETag") for url in DRAFT_BLIND_URLS}


@pytest.fixture
def draft(make, site):
    make.article(
        slug="draft", status="draft", published_at=None, author="jane-doe", topics=["posture"]
    )


def test_saving_a_draft_leaves_every_public_etag_alone(client, draft, editor):
    """Staff saving as they type neither flushes CDNs nor tells outsiders they are editing."""
    before = _public_etags(client)
    for words in ("First words", "Second words [[doc]]"):
        response = editor.edit(DRAFT, {"body_markdown": words, "title": words})
        assert response.status_code == 200, response.get_json()
    assert editor.edit(DRAFT, {"topics": ["diet"], "slug": "draft-2"}).status_code == 200
    assert _public_etags(client) == before


def test_submitting_and_deleting_a_draft_leave_public_etags_alone(client, draft, editor):
    before = _public_etags(client)
    response = editor.post(f"{DRAFT}/transitions", {"action": "submit"})
    assert response.status_code == 200, response.get_json()
    assert editor.delete(DRAFT, if_match=editor.etag(DRAFT)).status_code == 204
    assert _public_etags(client) == before


def test_publishing_a_draft_changes_every_public_etag(client, draft, editor, make_staff):
    before = _public_etags(client)
    reviewer = make_staff("reviewer", credentials="MD")
    assert editor.post(f"{DRAFT}/transitions", {"action": "submit"}).status_code == 200
    assert reviewer.post(f"{DRAFT}/transitions", {"action": "approve"}).status_code == 200
    assert _public_etags(client) == before
    response = editor.post(f"{DRAFT}/transitions", {"action": "publish"})
    assert response.status_code == 200, response.get_json()
    after = _public_etags(client)
    assert all(before[url] != after[url] for url in DRAFT_BLIND_URLS)


def test_unpublishing_changes_the_public_etag(client, site, editor):
    before = _public_etags(client)
    response = editor.post(f"{ARTICLE}/transitions", {"action": "unpublish"})
    assert response.status_code == 200, response.get_json()
    assert client.get(ARTICLE).status_code == 404
    after = _public_etags(client)
    assert all(before[url] != after[url] for url in DRAFT_BLIND_URLS if url != ARTICLE)


def test_reads_signups_and_token_use_do_not_change_the_etag(client, site, editor, newsletter):
    before = client.get(ARTICLE).headers["ETag"]
    editor.get(ARTICLE)  # records the token's last use: a write, but not to content
    editor.get("/api/v1/articles?status=draft")
    client.get("/api/v1/authors")
    signup = client.post("/api/v1/newsletter/subscriptions", json=signup_body("a@example.org"))
    assert signup.status_code == 202
    assert client.get(ARTICLE).headers["ETag"] == before


def test_publishing_through_the_workflow_changes_the_etag(client, site, make_staff):
    writer, editor = make_staff("writer"), make_staff("editor")
    reviewer = make_staff("reviewer", credentials="MD")
    assert writer.post("/api/v1/articles", new_article(slug="fresh")).status_code == 201
    listing = client.get("/api/v1/articles")
    etag = listing.headers["ETag"]
    assert client.get("/api/v1/articles", headers={"If-None-Match": etag}).status_code == 304
    for who, action in ((writer, "submit"), (reviewer, "approve"), (editor, "publish")):
        response = who.post("/api/v1/articles/fresh/transitions", {"action": action})
        assert response.status_code == 200, response.get_json()
    again = client.get("/api/v1/articles", headers={"If-None-Match": etag})
    assert again.status_code == 200 and "fresh" in [a["slug"] for a in again.get_json()]


def test_a_scheduled_publication_time_changes_the_etag_without_any_write(
    client, site, make, frozen_clock
):
    make.article(slug="later", published_at=frozen_clock() + dt.timedelta(hours=3))
    listing = client.get("/api/v1/articles")
    etag, modified = listing.headers["ETag"], listing.headers["Last-Modified"]
    frozen_clock.advance(hours=2, minutes=59)
    assert client.get("/api/v1/articles", headers={"If-None-Match": etag}).status_code == 304
    frozen_clock.advance(minutes=1)
    response = client.get("/api/v1/articles", headers={"If-None-Match": etag})
    assert response.status_code == 200 and response.get_json()[0]["slug"] == "later"
    assert parse_date(response.headers["Last-Modified"]) == frozen_clock()
    assert (
        client.get("/api/v1/articles", headers={"If-Modified-Since": modified}).status_code == 200
    )


def test_last_modified_is_the_latest_content_change(client, make, frozen_clock):
    make.author(slug="jane-doe")
    frozen_clock.advance(hours=1)
    make.article(author="jane-doe", published_at=frozen_clock() - dt.timedelta(days=3))
    assert parse_date(client.get("/api/v1/articles").headers["Last-Modified"]) == frozen_clock()


def test_staff_reads_are_private_and_keep_the_row_etag(client, site, editor):
    public = client.get(ARTICLE)
    staff = editor.get(ARTICLE)
    assert staff.headers["Cache-Control"] == "private, no-store"
    assert staff.headers["ETag"] == f'"article-{staff.get_json()["id"]}-v1"'
    assert "Last-Modified" not in staff.headers
    # A public ETag is never a staff 304, nor an If-Match for a write.
    assert editor.get(ARTICLE, headers={"If-None-Match": public.headers["ETag"]}).status_code == 200
    stale = editor.patch(ARTICLE, {"title": "X"}, if_match=public.headers["ETag"])
    assert problem(stale, 412)["current_etag"] == staff.headers["ETag"]
    assert editor.get("/api/v1/authors").headers["Cache-Control"] == "private, no-store"
    assert editor.post("/api/v1/authors", {"slug": "x", "name": "X"}).headers["Cache-Control"] == (
        "private, no-store"
    )


def test_newsletter_and_errors_are_not_cached(client, site, make):
    make.article(slug="draft", status="draft", published_at=None)
    listing = client.get("/api/v1/newsletter/newsletters")
    assert listing.status_code == 200 and listing.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in listing.headers
    missing = problem(client.get("/api/v1/articles/draft"), 404)
    assert missing
    response = client.get("/api/v1/articles/draft")
    assert response.headers["Cache-Control"] == "no-store" and "ETag" not in response.headers
    unauthorized = client.get("/api/v1/articles?status=draft")
    assert unauthorized.status_code == 401
    assert unauthorized.headers["Cache-Control"] == "no-store"
    assert client.get("/healthz").headers["Cache-Control"] == "private, no-store"


def test_cache_control_is_configurable(make_app, site):
    other = make_app(PUBLIC_CACHE_CONTROL="public, max-age=5", ERROR_CACHE_CONTROL="max-age=1")
    client = other.test_client()
    assert client.get(ARTICLE).headers["Cache-Control"] == "public, max-age=5"
    assert client.get("/api/v1/articles/nope").headers["Cache-Control"] == "max-age=1"


IMPORTED_GUIDE = """---
title: "The guide, as the importer wrote it"
slug: guide
summary: "Rewritten by import-articles."
author: jane-doe
topics: [back-pain]
---

The imported body.
"""


def test_the_importer_cannot_rewrite_a_served_article(client, runner, site, tmp_path):
    """`flask import-articles` of a published slug stores a pending revision only: nothing
    public moves, and a revalidation with the old ETag is still a 304."""
    detail = client.get("/api/v1/articles/guide")
    sitemap = client.get("/sitemap.xml").headers["ETag"]
    path = tmp_path / "guide.md"
    path.write_text(IMPORTED_GUIDE, encoding="utf-8")
    result = runner.invoke(args=["import-articles", str(path)])
    assert result.exit_code == 0 and "revised" in result.output, result.output
    again = client.get("/api/v1/articles/guide", headers={"If-None-Match": detail.headers["ETag"]})
    assert again.status_code == 304
    assert client.get("/sitemap.xml").headers["ETag"] == sitemap


def test_each_content_encoding_is_its_own_representation(make_app):
    """A view that compresses (offline bundles honour gzip) gets another strong ETag."""
    import gzip

    from flask import Response

    app = make_app()

    def compressed() -> Response:
        return Response(gzip.compress(b"{}"), headers={"Content-Encoding": "gzip"})

    compressed._apidoc = {}  # type: ignore[attr-defined]  # an API operation, as smorest marks
    app.add_url_rule("/api/v1/compressed", view_func=compressed)
    client = app.test_client()
    plain = client.get("/api/v1/articles").headers["ETag"]
    response = client.get("/api/v1/compressed")
    etag = response.headers["ETag"]
    assert etag.endswith('-gzip"') and "Accept-Encoding" in response.headers["Vary"]
    again = client.get("/api/v1/compressed", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["ETag"] == etag
    assert plain != etag

"""Preview links of unpublished articles: created by staff, read by whoever holds the link,
exactly as the article would be published; expiring, revocable, never cached, and a dead link
is a 404 that says nothing about why."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from api.previews.models import ArticlePreview
from tests.support.staff import new_article, problem, query_store

ARTICLE = "/api/v1/articles/draft-doc"
PREVIEWS = ARTICLE + "/previews"
# Headers that differ between any two responses, whatever they answer.
PER_EXCHANGE = {"x-request-id", "date"}


@pytest.fixture
def draft(make, writer):
    make.author(slug="jane-doe")
    make.article(slug="public-target", title="Published target")
    body = new_article(
        slug="draft-doc",
        title="Draft title",
        body_markdown="Read [[public-target]] and [[missing-one|the missing one]].\n",
    )
    assert writer.post("/api/v1/articles", body).status_code == 201
    return writer


def create(staff, url=PREVIEWS, **body):
    return staff.post(url, body or None)


def test_a_link_shows_the_draft_as_it_would_be_published(client, frozen_clock, draft):
    created = create(draft)
    assert created.status_code == 201, created.get_json()
    assert created.headers["Cache-Control"] == "private, no-store"
    link = created.get_json()
    assert link["token"].startswith("clp_")
    assert link["url"] == f"http://localhost/api/v1/previews/{link['token']}"
    assert link["expires_at"] == "2026-01-17T09:00:00+00:00"  # PREVIEW_TTL_HOURS: 48

    preview = client.get(f"/api/v1/previews/{link['token']}")
    assert preview.status_code == 200
    assert preview.headers["Cache-Control"] == "private, no-store"
    assert preview.headers["X-Robots-Tag"] == "noindex"
    assert "ETag" not in preview.headers
    article = preview.get_json()
    assert article["title"] == "Draft title"
    # Internal links resolved as for the public: the published target is a link, the missing
    # one plain text; no marker and no Markdown source.
    assert (
        'href="https://clinic.example/learn/public-target" data-article-slug="public-target">'
        "Published target</a>" in (article["body_html"])
    )
    assert "the missing one" in article["body_html"]
    assert "careleaf:link" not in article["body_html"]
    assert "body_markdown" not in article and "current_revision" not in article
    # The public shape, field for field.
    public = client.get("/api/v1/articles/public-target").get_json()
    assert set(article) == set(public)
    # The draft itself stays hidden from the public.
    assert client.get(ARTICLE).status_code == 404


def test_the_url_follows_the_front_end_template(make_app, draft):
    app = make_app(PREVIEW_URL_TEMPLATE="https://clinic.example/preview?token={token}")
    response = app.test_client().post(PREVIEWS, headers={"Authorization": f"Bearer {draft.token}"})
    link = response.get_json()
    assert link["url"] == f"https://clinic.example/preview?token={link['token']}"


def test_previews_are_never_cached_and_follow_every_edit(client, draft):
    token = create(draft).get_json()["token"]
    first = client.get(f"/api/v1/previews/{token}")
    draft.edit(ARTICLE, {"title": "Better title"})
    again = client.get(f"/api/v1/previews/{token}", headers={"If-None-Match": "*"})
    assert again.status_code == 200
    assert first.get_json()["title"] == "Draft title"
    assert again.get_json()["title"] == "Better title"


def test_token_is_stored_only_as_its_digest(app, draft):
    token = create(draft).get_json()["token"]
    (row,) = query_store(app, select(ArticlePreview))
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {str(value) for value in vars(row).values()}


def test_ttl_may_be_shorter_never_longer(client, frozen_clock, draft):
    body = problem(create(draft, ttl_hours=49), 422)
    assert "ttl_hours" in body["errors"]
    assert "ttl_hours" in problem(create(draft, ttl_hours=0), 422)["errors"]
    assert query_store(client.application, select(ArticlePreview)) == []

    link = create(draft, ttl_hours=1).get_json()
    assert link["expires_at"] == "2026-01-15T10:00:00+00:00"
    frozen_clock.advance(minutes=59)
    assert client.get(f"/api/v1/previews/{link['token']}").status_code == 200
    frozen_clock.advance(minutes=1)
    problem(client.get(f"/api/v1/previews/{link['token']}"), 404)


def _dead_link_answer(response):
    body = response.get_json()
    body.pop("request_id")
    headers = {name: value for name, value in response.headers if name.lower() not in PER_EXCHANGE}
    return response.status_code, body, headers


def test_unknown_expired_and_revoked_links_answer_exactly_alike(client, frozen_clock, draft):
    expired = create(draft, ttl_hours=1).get_json()["token"]
    revoked = create(draft).get_json()["token"]
    assert draft.delete(f"/api/v1/previews/{revoked}").status_code == 204
    frozen_clock.advance(hours=2)
    unknown = "clp_" + "A" * 43

    answers = [
        _dead_link_answer(client.get(f"/api/v1/previews/{token}"))
        for token in (unknown, expired, revoked, "x")
    ]
    assert answers[0][0] == 404
    assert answers[0][2]["Cache-Control"] == "private, no-store"
    assert answers[0][2]["X-Robots-Tag"] == "noindex"
    assert all(answer == answers[0] for answer in answers), answers
    # Nothing in the answer names the token that was sent.
    assert expired not in str(answers[1]) and revoked not in str(answers[2])


def test_staff_list_and_revoke_links(client, draft, editor, app):
    first = create(draft).get_json()
    second = create(editor).get_json()
    listed = draft.get(PREVIEWS)
    assert listed.status_code == 200
    assert listed.headers["Cache-Control"] == "private, no-store"
    assert [item["id"] for item in listed.get_json()] == [second["id"], first["id"]]
    assert listed.get_json()[0]["created_by"]["id"] == editor.user.id
    assert all("token" not in item and "url" not in item for item in listed.get_json())

    assert draft.delete(f"{PREVIEWS}/{first['id']}").status_code == 204
    problem(client.get(f"/api/v1/previews/{first['token']}"), 404)
    problem(draft.delete(f"{PREVIEWS}/{first['id']}"), 404)  # revoked already
    assert [item["id"] for item in draft.get(PREVIEWS).get_json()] == [second["id"]]
    assert client.get(f"/api/v1/previews/{second['token']}").status_code == 200

    assert editor.delete(f"/api/v1/previews/{second['token']}").status_code == 204
    problem(client.get(f"/api/v1/previews/{second['token']}"), 404)
    assert draft.get(PREVIEWS).get_json() == []


def test_create_and_revoke_are_audited(draft, admin):
    link = create(draft).get_json()
    assert draft.delete(f"/api/v1/previews/{link['token']}").status_code == 204
    entries = admin.get("/api/v1/audit?object_type=article").get_json()
    previews = [entry for entry in entries if entry["action"].startswith("preview.")]
    assert [entry["action"] for entry in previews] == ["preview.revoke", "preview.create"]
    assert {entry["object_label"] for entry in previews} == {"draft-doc"}
    assert all(entry["changes"]["preview_id"] == link["id"] for entry in previews)
    assert all(entry["actor"]["id"] == draft.user.id for entry in previews)
    assert link["token"] not in str(entries)


def test_who_may_create_and_revoke_links(client, draft, make_staff):
    other_writer, reviewer = make_staff("writer"), make_staff("reviewer")
    problem(create(other_writer), 403)
    problem(create(reviewer), 403)
    problem(client.post(PREVIEWS), 401)
    problem(create(draft, url="/api/v1/articles/no-such/previews"), 404)
    token = create(make_staff("editor")).get_json()["token"]
    problem(other_writer.delete(f"/api/v1/previews/{token}"), 403)
    problem(client.delete(f"/api/v1/previews/{token}"), 401)
    assert client.get(f"/api/v1/previews/{token}").status_code == 200


def test_a_deleted_article_takes_its_links_with_it(client, draft, editor):
    token = create(draft).get_json()["token"]
    assert editor.delete(ARTICLE, if_match=editor.etag(ARTICLE)).status_code == 204
    problem(client.get(f"/api/v1/previews/{token}"), 404)


def test_guessing_links_is_throttled(make_app, draft):
    client = make_app(AUTH_FAILURE_LIMIT="2 per minute").test_client()
    token = create(draft).get_json()["token"]
    for guess in ("clp_a", "clp_b"):
        problem(client.get(f"/api/v1/previews/{guess}"), 404)
    throttled = problem(client.get("/api/v1/previews/clp_c"), 429)
    assert "Retry-After" in client.get("/api/v1/previews/clp_d").headers
    assert "preview" in throttled["detail"]
    # Only failures count: a working link still works from the same client.
    assert client.get(f"/api/v1/previews/{token}").status_code == 200


def test_a_site_may_read_a_preview_from_the_browser(make_app, draft):
    token = create(draft).get_json()["token"]
    site = make_app(CORS_ORIGINS="https://clinic.example").test_client()
    origin = {"Origin": "https://clinic.example"}
    read = site.get(f"/api/v1/previews/{token}", headers=origin)
    assert read.status_code == 200
    assert read.headers["Access-Control-Allow-Origin"] == "https://clinic.example"
    assert read.headers["Cache-Control"] == "private, no-store"
    listed = site.get(PREVIEWS, headers={**origin, "Authorization": f"Bearer {draft.token}"})
    assert listed.status_code == 200
    assert "Access-Control-Allow-Origin" not in listed.headers


def test_a_preview_takes_the_links_and_include_options_of_a_read(client, make, writer):
    make.topic(slug="knees")
    make.author(slug="jane-doe")
    make.article(slug="public-target", title="Published target", topics=["knees"])
    body = new_article(
        slug="draft-doc", topics=["knees"], body_markdown="Read [[public-target]].\n"
    )
    assert writer.post("/api/v1/articles", body).status_code == 201
    token = create(writer).get_json()["token"]

    preview = client.get(
        f"/api/v1/previews/{token}?links=relative&include=related,author_detail,topics_detail"
    ).get_json()
    assert 'href="/learn/public-target" data-article-slug="public-target"' in (preview["body_html"])
    included = preview["included"]
    # The draft is not public, yet its preview shows what its page would relate it to.
    assert [r["article"]["slug"] for r in included["related"]] == ["public-target"]
    assert included["author_detail"]["slug"] == "jane-doe"
    assert [t["slug"] for t in included["topics_detail"]] == ["knees"]
    assert client.get(f"/api/v1/previews/{token}?include=nope").status_code == 422

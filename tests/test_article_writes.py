"""Staff writes to articles: validation, read-only fields, content types, ETags, If-Match,
lost-update protection (also under real concurrency on PostgreSQL), staff reads."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from api.articles.models import Article, ArticleStatus
from tests.support.staff import new_article, problem, query_store


@pytest.fixture
def library(make):
    make.author(slug="jane-doe", name="Jane Doe")
    make.topic(slug="back-pain", name="Back pain")
    make.topic(slug="gut-health", name="Gut health")


def test_create_returns_the_staff_view_with_etag_and_location(editor, library, client):
    body = new_article(slug="fibre", topics=["gut-health", "back-pain"], primary_topic="back-pain")
    response = editor.post("/api/v1/articles", body)
    assert response.status_code == 201
    article = response.get_json()
    assert response.headers["Location"] == "/api/v1/articles/fibre"
    assert response.headers["ETag"] == f'"article-{article["id"]}-v{article["version"]}"'
    assert article["status"] == "draft"
    assert article["author"]["slug"] == "jane-doe"
    assert [(t["slug"], t["primary"]) for t in article["topics"]] == [
        ("gut-health", False),
        ("back-pain", True),
    ]
    assert article["body_markdown"] == body["body_markdown"]
    assert '<h2 id="a-part">' in article["body_html"]
    assert article["created_by"]["id"] == editor.user.id
    assert article["current_revision"] == 1 and article["approved_revision"] is None
    assert article["allowed_actions"] == ["submit"]
    problem(client.get("/api/v1/articles/fibre"), 404)  # still a draft for the public


@pytest.mark.parametrize(
    "field, value",
    [
        ("id", 7),
        ("status", "published"),
        ("body_html", "<p>x</p>"),
        ("toc", []),
        ("created_at", "2026-01-01T00:00:00+00:00"),
        ("updated_at", "2026-01-01T00:00:00+00:00"),
        ("reading_time_minutes", 3),
        ("reading_grade", 5.0),
        ("last_reviewed_at", "2026-01-01T00:00:00+00:00"),
        ("next_review_due", "2027-01-01"),
        ("reviewed_by", None),
        ("version", 3),
        ("approved_revision", 1),
    ],
)
def test_read_only_fields_are_422_naming_them(editor, library, field, value):
    body = problem(editor.post("/api/v1/articles", new_article(**{field: value})), 422)
    assert body["errors"] == {field: ["Read-only field."]} and field in body["detail"]
    editor.post("/api/v1/articles", new_article(slug="exists"))
    url = "/api/v1/articles/exists"
    body = problem(editor.patch(url, {field: value}, if_match=editor.etag(url)), 422)
    assert field in body["errors"]


def test_unknown_author_or_topic_is_422_naming_the_field(editor, library):
    body = problem(editor.post("/api/v1/articles", new_article(author="nobody")), 422)
    assert list(body["errors"]) == ["author"]
    body = problem(editor.post("/api/v1/articles", new_article(topics=["nope"])), 422)
    assert list(body["errors"]) == ["topics"]
    body = problem(editor.post("/api/v1/articles", new_article(title="")), 422)
    assert "title" in body["errors"]
    body = problem(editor.post("/api/v1/articles", {"title": "No slug"}), 422)
    assert list(body["errors"]) == ["author"]  # a slug is made from the title


def test_duplicate_slug_is_409(editor, library, app):
    assert editor.post("/api/v1/articles", new_article(slug="taken")).status_code == 201
    body = problem(editor.post("/api/v1/articles", new_article(slug="taken")), 409)
    assert "slug" in body["errors"]
    editor.post("/api/v1/articles", new_article(slug="other"))
    url = "/api/v1/articles/other"
    body = problem(editor.patch(url, {"slug": "taken"}, if_match=editor.etag(url)), 409)
    assert "slug" in body["errors"]
    assert query_store(app, select(Article.slug).where(Article.slug == "other")) == ["other"]


def test_non_json_malformed_and_oversized_bodies(editor, library, make_app):
    response = editor.post(
        "/api/v1/articles",
        data="slug=x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert problem(response, 415)
    assert response.headers["Accept-Post"] == "application/json"
    problem(editor.post("/api/v1/articles", data="x", headers={"Content-Type": "text/plain"}), 415)
    response = editor.patch("/api/v1/articles/x", data="x", headers={"Content-Type": "text/plain"})
    assert problem(response, 415) and response.headers["Accept-Patch"] == "application/json"
    response = editor.post(
        "/api/v1/articles", data="{not json", headers={"Content-Type": "application/json"}
    )
    problem(response, 400)
    huge = new_article(body_markdown="word " * 250_000)  # ~1.25 MB > MAX_CONTENT_LENGTH
    problem(editor.post("/api/v1/articles", huge), 413)
    small = make_app(MAX_CONTENT_LENGTH=2_000).test_client()
    response = small.post(
        "/api/v1/articles",
        json=new_article(body_markdown="x" * 3_000),
        headers={"Authorization": f"Bearer {editor.token}"},
    )
    problem(response, 413)


def test_patch_needs_if_match_and_refuses_a_stale_one(editor, library):
    editor.post("/api/v1/articles", new_article(slug="doc"))
    url = "/api/v1/articles/doc"
    first = editor.etag(url)
    problem(editor.patch(url, {"title": "No precondition"}), 428)
    response = editor.patch(url, {"title": "Second"}, if_match=first)
    assert response.status_code == 200
    second = response.headers["ETag"]
    assert second != first and editor.etag(url) == second
    body = problem(editor.patch(url, {"title": "Lost update"}, if_match=first), 412)
    assert body["current_etag"] == second
    assert editor.get(url).get_json()["title"] == "Second"
    problem(editor.delete(url), 428)
    problem(editor.delete(url, if_match=first), 412)
    assert editor.delete(url, if_match=second).status_code == 204
    problem(editor.get(url), 404)


def test_two_patches_with_the_same_etag_exactly_one_wins(editor, make_staff, library):
    other = make_staff("editor")
    editor.post("/api/v1/articles", new_article(slug="shared"))
    url = "/api/v1/articles/shared"
    etag = editor.etag(url)
    responses = [
        editor.patch(url, {"title": "Editor one"}, if_match=etag),
        other.patch(url, {"title": "Editor two"}, if_match=etag),
    ]
    assert sorted(r.status_code for r in responses) == [200, 412]
    assert editor.get(url).get_json()["title"] == "Editor one"


def race_patches(app, url: str, token: str, etag: str, titles: list[str]) -> list[int]:
    """PATCH the same ETag from one thread per title, all released at once."""
    barrier = threading.Barrier(len(titles))
    statuses: list[int] = []

    def patch(title: str) -> None:
        client = app.test_client()
        barrier.wait()
        response = client.patch(
            url,
            json={"title": title, "body_markdown": f"Body {title}"},
            headers={"Authorization": f"Bearer {token}", "If-Match": etag},
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=patch, args=(title,)) for title in titles]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.mark.postgres_only
def test_concurrent_patches_with_the_same_etag_exactly_one_wins(app, editor, library):
    # PostgreSQL only: its row locks and concurrent writers are what the race is about.
    editor.post("/api/v1/articles", new_article(slug="raced"))
    url = "/api/v1/articles/raced"
    for round_number in range(5):
        titles = [f"Round {round_number} writer {n}" for n in range(4)]
        statuses = race_patches(app, url, editor.token, editor.etag(url), titles)
        assert sorted(statuses) == [200, 412, 412, 412], statuses
    revisions = editor.get(f"{url}/revisions?page_size=100").get_json()
    assert [r["number"] for r in revisions] == list(range(6, 0, -1))


def test_staff_read_every_status_with_markdown_and_public_reads_stay_public(
    client, make, editor, library
):
    for status in ArticleStatus:
        make.article(slug=f"is-{status.value}", author="jane-doe", status=status)
    listed = editor.get("/api/v1/articles?sort=title").get_json()
    assert {item["slug"] for item in listed} == {f"is-{s.value}" for s in ArticleStatus}
    drafts = editor.get("/api/v1/articles?status=draft&status=in_review").get_json()
    assert {item["slug"] for item in drafts} == {"is-draft", "is-in_review"}
    staff_view = editor.get("/api/v1/articles/is-draft")
    assert staff_view.status_code == 200 and "body_markdown" in staff_view.get_json()
    public = client.get("/api/v1/articles/is-published")
    assert public.headers["ETag"] and "body_markdown" not in public.get_json()
    assert "allowed_actions" not in public.get_json()
    assert [item["slug"] for item in client.get("/api/v1/articles").get_json()] == ["is-published"]
    problem(client.get("/api/v1/articles?status=draft"), 401)
    problem(editor.get("/api/v1/articles?status=bogus"), 422)


def test_expired_revoked_and_inactive_tokens_are_401(client, make_staff, admin, frozen_clock):
    writer = make_staff("writer")
    created = admin.post(
        "/api/v1/tokens",
        {"user_id": writer.user.id, "name": "short", "expires_at": "2026-01-15T10:00:00+00:00"},
    )
    short = created.get_json()["token"]
    headers = {"Authorization": f"Bearer {short}"}
    assert client.get("/api/v1/users/me", headers=headers).status_code == 200
    frozen_clock.advance(hours=1)
    problem(client.get("/api/v1/users/me", headers=headers), 401)
    assert writer.get("/api/v1/users/me").status_code == 200
    url = f"/api/v1/users/{writer.user.id}"
    admin.patch(url, {"is_active": False}, if_match=admin.etag(url))
    problem(writer.get("/api/v1/users/me"), 401)


def test_staff_list_statement_count_is_constant(editor, make, library, count_queries):
    editor.get("/api/v1/users/me")  # the token's last_used_at is written once a minute
    counts = []
    for batch in (2, 20):
        for _ in range(batch):
            make.article(author="jane-doe", status=ArticleStatus.DRAFT, topics=["back-pain"])
        with count_queries() as counter:
            response = editor.get("/api/v1/articles?status=draft&page_size=100")
        assert response.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1] <= 4, counts


def test_staff_lists_put_unpublished_articles_first_on_every_store(editor, make, library):
    make.article(slug="older", author="jane-doe")
    make.article(
        slug="unscheduled", author="jane-doe", status=ArticleStatus.DRAFT, published_at=None
    )
    newest_first = [a["slug"] for a in editor.get("/api/v1/articles").get_json()]
    assert newest_first == ["unscheduled", "older"]
    oldest_first = [a["slug"] for a in editor.get("/api/v1/articles?sort=published_at").get_json()]
    assert oldest_first == ["older", "unscheduled"]

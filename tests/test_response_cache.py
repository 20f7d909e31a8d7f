"""Public responses are served from memory under their validator, never stale."""

from __future__ import annotations

from api.articles.models import ArticleStatus


def test_a_repeated_public_read_skips_the_view_and_costs_only_the_validator(
    client, make, count_queries
):
    article = make.article(title="Posture basics")
    first = client.get(f"/api/v1/articles/{article.slug}")
    with count_queries() as counter:
        again = client.get(f"/api/v1/articles/{article.slug}")
    assert counter.count == 1  # the validator; no article, author or topic query
    assert again.data == first.data
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Content-Type"] == first.headers["Content-Type"]


def test_list_headers_come_back_with_the_cached_body(client, make, count_queries):
    make.article()
    first = client.get("/api/v1/articles?page_size=1")
    with count_queries() as counter:
        again = client.get("/api/v1/articles?page_size=1")
    assert counter.count == 1
    assert again.headers["X-Pagination"] == first.headers["X-Pagination"]
    assert again.get_json() == first.get_json()


def test_any_content_change_is_seen_at_once(client, make):
    article = make.article(title="Old title")
    assert client.get(f"/api/v1/articles/{article.slug}").get_json()["title"] == "Old title"
    make.update_article(article.slug, title="New title")
    assert client.get(f"/api/v1/articles/{article.slug}").get_json()["title"] == "New title"
    make.update_article(article.slug, status=ArticleStatus.DRAFT)
    assert client.get(f"/api/v1/articles/{article.slug}").status_code == 404


def test_a_scheduled_publication_is_seen_when_its_time_comes(client, make, frozen_clock):
    make.article(title="Already out")
    listed = client.get("/api/v1/articles").get_json()
    assert [item["title"] for item in listed] == ["Already out"]
    frozen_clock.advance(minutes=1)
    make.article(
        title="Scheduled",
        published_at=frozen_clock.current + __import__("datetime").timedelta(hours=1),
    )
    frozen_clock.advance(hours=2)
    titles = [item["title"] for item in client.get("/api/v1/articles").get_json()]
    assert titles == ["Scheduled", "Already out"]


def test_staff_reads_are_never_cached(app, client, make, editor, count_queries):
    make.article(slug="out", title="Published")
    make.article(slug="doc", title="Draft only staff may see", status=ArticleStatus.DRAFT)
    cache = app.extensions["careleaf_response_cache"]
    held = len(cache)  # entries of earlier tests (the app lives for the session)
    assert editor.get("/api/v1/articles/doc").get_json()["title"] == "Draft only staff may see"
    assert editor.get("/api/v1/articles/out").status_code == 200
    with count_queries() as counter:
        again = editor.get("/api/v1/articles/out")
    assert again.status_code == 200 and again.get_json()["title"] == "Published"
    assert counter.count > 1  # the view ran again: no cached copy answered
    assert len(cache) == held
    # What staff saw is never what the public gets.
    assert client.get("/api/v1/articles/doc").status_code == 404
    public = client.get("/api/v1/articles/out").get_json()
    assert "status" not in public or public["status"] == "published"


def test_errors_are_never_cached(app, client, make, count_queries):
    cache = app.extensions["careleaf_response_cache"]
    held = len(cache)
    assert client.get("/api/v1/articles/missing").status_code == 404
    with count_queries() as counter:
        assert client.get("/api/v1/articles/missing").status_code == 404
    assert counter.count > 1  # the view ran again
    assert len(cache) == held
    make.article(slug="missing")
    assert client.get("/api/v1/articles/missing").status_code == 200


def test_the_cache_is_bounded_and_can_be_turned_off(make_app, make):
    article = make.article()
    off = make_app(RESPONSE_CACHE_BYTES=0)
    client = off.test_client()
    client.get(f"/api/v1/articles/{article.slug}")
    assert len(off.extensions["careleaf_response_cache"]) == 0
    tiny = make_app(RESPONSE_CACHE_BYTES=8 * 4096)
    client = tiny.test_client()
    for _ in range(3):
        make.article()
    for page_size in range(1, 40):
        client.get(f"/api/v1/articles?page_size={page_size}")
    cache = tiny.extensions["careleaf_response_cache"]
    assert 0 < len(cache) < 39
    assert cache._size <= cache.max_bytes

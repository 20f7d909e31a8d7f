"""The public article API: only published, current articles; summaries, detail, filters, paging."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from api.articles.models import ArticleStatus
from api.core import clock


def slugs(response) -> list[str]:
    return [item["slug"] for item in response.get_json()]


def test_list_shows_published_summaries_without_bodies(client, make):
    article = make.article(title="Posture at the desk")
    response = client.get("/api/v1/articles")
    assert response.status_code == 200
    [item] = response.get_json()
    assert item["slug"] == article.slug
    assert item["title"] == "Posture at the desk"
    assert item["author"]["slug"]
    assert "body_html" not in item and "body_markdown" not in item and "toc" not in item
    assert json.loads(response.headers["X-Pagination"])["total"] == 1


@pytest.mark.parametrize(
    "status", [ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW, ArticleStatus.ARCHIVED]
)
def test_unpublished_articles_are_invisible_everywhere(client, make, status):
    author = make.author()
    topic = make.topic()
    hidden = make.article(status=status, author=author.slug, topics=[topic.slug])
    assert client.get(f"/api/v1/articles/{hidden.slug}").status_code == 404
    assert slugs(client.get("/api/v1/articles")) == []
    assert slugs(client.get(f"/api/v1/authors/{author.slug}/articles")) == []
    assert slugs(client.get(f"/api/v1/topics/{topic.slug}/articles")) == []
    assert client.get(f"/api/v1/authors/{author.slug}").get_json()["published_article_count"] == 0


def test_scheduled_article_appears_when_its_time_comes(client, make, frozen_clock):
    scheduled = make.article(published_at=clock.now() + dt.timedelta(hours=2))
    assert client.get(f"/api/v1/articles/{scheduled.slug}").status_code == 404
    frozen_clock.advance(hours=2)
    assert client.get(f"/api/v1/articles/{scheduled.slug}").status_code == 200
    assert slugs(client.get("/api/v1/articles")) == [scheduled.slug]


def test_draft_404_looks_like_unknown_slug(client, make):
    draft = make.article(status=ArticleStatus.DRAFT)
    hidden = client.get(f"/api/v1/articles/{draft.slug}")
    missing = client.get("/api/v1/articles/no-such-article")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_json()["title"] == missing.get_json()["title"]


def test_detail_has_rendered_body_toc_stats_and_review_dates(client, make):
    article = make.article(
        body_markdown="Intro.\n\n## First part\n\nText here.\n\n### Detail\n\nMore.\n"
    )
    body = client.get(f"/api/v1/articles/{article.slug}").get_json()
    assert '<h2 id="first-part">First part</h2>' in body["body_html"]
    assert body["toc"] == [
        {"level": 2, "text": "First part", "anchor": "first-part"},
        {"level": 3, "text": "Detail", "anchor": "detail"},
    ]
    assert body["reading_time_minutes"] == 1
    assert isinstance(body["reading_grade"], float)
    assert {"last_reviewed_at", "next_review_due", "author", "topics"} <= set(body)
    assert "body_markdown" not in body


def test_topic_filter_includes_descendant_topics(client, make):
    root = make.topic(slug="back-pain", name="Back pain")
    child = make.topic(slug="inflammatory", name="Inflammatory", parent="back-pain")
    make.topic(slug="mast-cells", name="Mast cells", parent=child.slug)
    other = make.topic(slug="nutrition", name="Nutrition")
    deep = make.article(topics=["mast-cells"])
    direct = make.article(topics=[root.slug])
    make.article(topics=[other.slug])
    assert set(slugs(client.get("/api/v1/articles?topic=back-pain"))) == {deep.slug, direct.slug}
    assert slugs(client.get("/api/v1/articles?topic=mast-cells")) == [deep.slug]
    # An unknown topic is a typo to report, not an empty library (tests/test_web_links.py).
    assert client.get("/api/v1/articles?topic=unknown-topic").status_code == 422


def test_author_and_language_filters(client, make):
    author = make.author(slug="jane-doe")
    mine = make.article(author="jane-doe")
    spanish = make.article(language="es")
    assert slugs(client.get(f"/api/v1/articles?author={author.slug}")) == [mine.slug]
    assert slugs(client.get("/api/v1/articles?language=es")) == [spanish.slug]


def test_sorting(client, make, frozen_clock):
    now = clock.now()
    older = make.article(title="Zebra", published_at=now - dt.timedelta(days=3))
    newer = make.article(title="Apple", published_at=now - dt.timedelta(days=1))
    assert slugs(client.get("/api/v1/articles")) == [newer.slug, older.slug]
    assert slugs(client.get("/api/v1/articles?sort=published_at")) == [older.slug, newer.slug]
    assert slugs(client.get("/api/v1/articles?sort=title")) == [newer.slug, older.slug]
    frozen_clock.advance(minutes=1)
    make.update_article(older.slug, summary="Touched later")
    assert slugs(client.get("/api/v1/articles?sort=-updated_at"))[0] == older.slug


def test_pagination_header_and_page_size_cap(client, make):
    author = make.author()
    for _ in range(5):
        make.article(author=author.slug)
    response = client.get("/api/v1/articles?page=2&page_size=2")
    assert len(response.get_json()) == 2
    assert json.loads(response.headers["X-Pagination"]) == {
        "total": 5, "total_pages": 3, "first_page": 1, "last_page": 3,
        "page": 2, "previous_page": 1, "next_page": 3,
    }  # fmt: skip
    too_big = client.get("/api/v1/articles?page_size=101")
    assert too_big.status_code == 422
    assert "page_size" in too_big.get_json()["errors"]
    assert client.get("/api/v1/articles?page_size=100").status_code == 200

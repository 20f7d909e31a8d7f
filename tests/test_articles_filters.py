"""Richer public filters on GET /api/v1/articles: dates, several topics, and `fields`."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from api.articles.models import ArticleStatus
from api.core import clock


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [item["slug"] for item in response.get_json()]


@pytest.fixture
def dated(make, frozen_clock):
    now = clock.now()
    old = make.article(published_at=now - dt.timedelta(days=30))
    week = make.article(published_at=now - dt.timedelta(days=7))
    today = make.article(published_at=now - dt.timedelta(hours=1))
    return old, week, today


def test_published_after_is_inclusive_and_before_exclusive(client, dated):
    old, week, today = dated
    cut = week.published_at.isoformat()
    assert slugs(client.get("/api/v1/articles", query_string={"published_after": cut})) == [
        today.slug,
        week.slug,
    ]
    assert slugs(client.get("/api/v1/articles", query_string={"published_before": cut})) == [
        old.slug
    ]
    window = {"published_after": "2026-01-01", "published_before": "2026-01-10"}
    assert slugs(client.get("/api/v1/articles", query_string=window)) == [week.slug]


def test_dates_without_offset_are_utc_and_offsets_are_honoured(client, dated):
    _, week, today = dated
    naive = (week.published_at + dt.timedelta(minutes=1)).replace(tzinfo=None).isoformat()
    assert slugs(client.get("/api/v1/articles", query_string={"published_after": naive})) == [
        today.slug
    ]
    # The same instant written with a +02:00 offset: inclusive, so the article is in.
    same_instant = today.published_at.astimezone(dt.timezone(dt.timedelta(hours=2))).isoformat()
    assert slugs(
        client.get("/api/v1/articles", query_string={"published_after": same_instant})
    ) == [today.slug]


def test_updated_since_follows_edits(client, make, frozen_clock):
    first = make.article()
    second = make.article()
    frozen_clock.advance(hours=2)
    since = clock.now().isoformat()
    assert slugs(client.get("/api/v1/articles", query_string={"updated_since": since})) == []
    make.update_article(first.slug, title="Edited")
    assert slugs(client.get("/api/v1/articles", query_string={"updated_since": since})) == [
        first.slug
    ]
    # A bare date is midnight UTC of that day.
    day = slugs(client.get("/api/v1/articles?updated_since=" + since[:10]))
    assert set(day) == {first.slug, second.slug}


@pytest.mark.parametrize(
    "query, field",
    [
        ("published_after=yesterday", "published_after"),
        ("updated_since=2026-13-01", "updated_since"),
        ("published_after=2026-02-01&published_before=2026-01-01", "published_before"),
        ("published_after=2026-01-01&published_before=2026-01-01", "published_before"),
        ("topic_match=most", "topic_match"),
        ("fields=slug,body_html", "fields"),
        ("fields=", "fields"),
        ("fields=nope", "fields"),
    ],
)
def test_bad_filters_are_422s_naming_the_field(client, query, field):
    response = client.get(f"/api/v1/articles?{query}")
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == [field]


@pytest.fixture
def tree(make):
    make.topic(slug="back-pain", name="Back pain")
    make.topic(slug="posture", name="Posture", parent="back-pain")
    make.topic(slug="nutrition", name="Nutrition")
    make.topic(slug="fish", name="Fish", parent="nutrition")
    return {
        "back": make.article(topics=["back-pain"]),
        "posture": make.article(topics=["posture"]),
        "fish": make.article(topics=["fish"]),
        "posture_and_fish": make.article(topics=["posture", "fish"]),
        "none": make.article(),
    }


@pytest.mark.parametrize(
    "query",
    ["topic=back-pain&topic=nutrition", "topic=back-pain,nutrition", "topic=back-pain, nutrition"],
)
def test_several_topics_match_any_by_default(client, tree, query):
    expected = {tree[name].slug for name in ("back", "posture", "fish", "posture_and_fish")}
    assert set(slugs(client.get(f"/api/v1/articles?{query}"))) == expected
    assert set(slugs(client.get(f"/api/v1/articles?{query}&topic_match=any"))) == expected


def test_topic_match_all_needs_every_topic_tree(client, tree):
    both = client.get("/api/v1/articles?topic=back-pain&topic=nutrition&topic_match=all")
    assert slugs(both) == [tree["posture_and_fish"].slug]
    with_unknown = client.get("/api/v1/articles?topic=back-pain,unknown&topic_match=all")
    assert with_unknown.status_code == 422 and "topic" in with_unknown.get_json()["errors"]
    one = client.get("/api/v1/articles?topic=posture&topic_match=all")
    assert set(slugs(one)) == {tree["posture"].slug, tree["posture_and_fish"].slug}


def test_filters_still_hide_what_is_not_public(client, make, frozen_clock):
    make.topic(slug="t1", name="T1")
    make.topic(slug="t2", name="T2")
    make.article(topics=["t1", "t2"], status=ArticleStatus.DRAFT)
    make.article(topics=["t1", "t2"], published_at=clock.now() + dt.timedelta(days=1))
    query = "topic=t1,t2&topic_match=all&published_after=2000-01-01&updated_since=2000-01-01"
    assert slugs(client.get(f"/api/v1/articles?{query}")) == []


def test_fields_selects_the_returned_fields_and_keeps_paging(client, make):
    make.topic(slug="t1", name="T1")
    for _ in range(3):
        make.article(topics=["t1"])
    response = client.get("/api/v1/articles?fields=slug,title&fields=author&page_size=2")
    assert response.status_code == 200
    items = response.get_json()
    assert len(items) == 2
    assert all(set(item) == {"slug", "title", "author"} for item in items)
    assert set(items[0]["author"]) >= {"slug", "name"}
    assert json.loads(response.headers["X-Pagination"])["total"] == 3
    full = client.get("/api/v1/articles").get_json()[0]
    assert {"summary", "topics", "reading_time_minutes"} <= set(full)


def test_filters_keep_a_constant_statement_count(client, make, count_queries):
    make.topic(slug="t1", name="T1")
    make.topic(slug="t2", name="T2", parent="t1")
    url = (
        "/api/v1/articles?topic=t1,t2&topic_match=all&fields=slug,topics"
        "&published_after=2000-01-01&updated_since=2000-01-01"
    )
    counts = []
    for batch in (2, 20):
        for _ in range(batch):
            make.article(topics=["t2"])
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        counts.append(counter.count)
    # The HTTP cache validator is one of them; one more checks that the topics exist.
    assert counts[0] == counts[1] <= 5, counts

"""Related articles: ranked in the database by shared topics, links and pillars, with reasons."""

from __future__ import annotations

import datetime as dt

import pytest

from api.articles.models import ArticleStatus
from api.core import clock
from api.topics.services import save_topic, topic_or_404


def related(client, slug, **params):
    response = client.get(f"/api/v1/articles/{slug}/related", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def days_ago(days: int) -> dt.datetime:
    return clock.now() - dt.timedelta(days=days)


@pytest.fixture
def taxonomy(make):
    make.topic(slug="back-pain", name="Back pain")
    make.topic(slug="inflammatory", name="Inflammatory back pain", parent="back-pain")
    make.topic(slug="mast-cells", name="Mast cell activation", parent="inflammatory")
    make.topic(slug="mechanical", name="Mechanical back pain", parent="back-pain")
    make.topic(slug="gut-health", name="Gut health")
    make.topic(slug="sleep", name="Sleep")


def test_a_narrow_shared_topic_counts_more_than_a_broad_one(client, make, taxonomy):
    make.article(slug="me", topics=["gut-health", "back-pain"])
    make.article(slug="broad", topics=["back-pain"], published_at=days_ago(1))
    make.article(slug="narrow", topics=["gut-health"], published_at=days_ago(30))
    for _ in range(4):  # back pain is common, gut health is rare
        make.article(topics=["back-pain", "sleep"], published_at=days_ago(60))
    items = related(client, "me")
    assert [item["article"]["slug"] for item in items[:2]] == ["narrow", "broad"]
    assert items[0]["reasons"] == ["shared topic: Gut health"]
    assert items[1]["reasons"] == ["shared topic: Back pain"]
    assert items[0]["score"] > items[1]["score"] > 0


def test_tree_neighbours_get_partial_credit_and_say_so(client, make, taxonomy):
    make.article(slug="me", topics=["mast-cells"])
    make.article(slug="parent", topics=["inflammatory"])
    make.article(slug="grandparent", topics=["back-pain"])
    make.article(slug="unrelated", topics=["sleep"])
    items = related(client, "me")
    assert [item["article"]["slug"] for item in items] == ["parent", "grandparent"]
    assert items[0]["reasons"] == ["broader topic: Inflammatory back pain"]
    assert items[1]["reasons"] == ["neighbouring topic: Back pain"]


def test_links_in_either_direction_and_pillars_count_with_reasons(client, make, taxonomy):
    make.article(slug="guide", topics=["back-pain"])
    make.article(slug="me", topics=["mast-cells"], body_markdown="See [[guide]] and [[fan]].")
    make.article(slug="fan", topics=["sleep"], body_markdown="Read [[me]].")
    make.article(slug="sibling", topics=["inflammatory"])
    make._commit(lambda: save_topic(topic_or_404("back-pain"), {"pillar": "guide"}))
    items = {item["article"]["slug"]: item for item in related(client, "me")}
    assert items["guide"]["reasons"][:2] == [
        "linked from this article",
        "pillar article of: Back pain",
    ]
    assert "same pillar: Back pain" in items["guide"]["reasons"]
    assert items["fan"]["reasons"] == ["links to this article", "linked from this article"]
    assert "same pillar: Back pain" in items["sibling"]["reasons"]
    assert next(iter(items)) == "guide"


def test_only_other_published_articles_in_deterministic_order(client, make, taxonomy, frozen_clock):
    make.article(slug="me", topics=["sleep"], body_markdown="[[draft]] [[later]] [[me]]")
    make.article(slug="draft", topics=["sleep"], status=ArticleStatus.DRAFT)
    make.article(slug="later", topics=["sleep"], published_at=clock.now() + dt.timedelta(hours=1))
    same_time = days_ago(3)
    first = make.article(slug="tie-a", topics=["sleep"], published_at=same_time)
    second = make.article(slug="tie-b", topics=["sleep"], published_at=same_time)
    make.article(slug="newest", topics=["sleep"], published_at=days_ago(1))
    slugs = [item["article"]["slug"] for item in related(client, "me")]
    assert slugs == ["newest", first.slug, second.slug]  # equal scores: newer, then by id
    assert first.id < second.id
    frozen_clock.advance(hours=2)
    assert "later" in [item["article"]["slug"] for item in related(client, "me")]


def test_limit_and_unknown_articles(client, make, taxonomy):
    make.article(slug="me", topics=["sleep"])
    for _ in range(25):
        make.article(topics=["sleep"])
    assert len(related(client, "me")) == 5
    assert len(related(client, "me", limit=20)) == 20
    for bad in ("0", "21", "x"):
        response = client.get(f"/api/v1/articles/me/related?limit={bad}")
        assert response.status_code == 422 and "limit" in response.get_json()["errors"]
    make.article(slug="hidden", status=ArticleStatus.DRAFT)
    assert client.get("/api/v1/articles/hidden/related").status_code == 404
    assert client.get("/api/v1/articles/nope/related").status_code == 404
    lonely = make.article(slug="lonely")
    assert related(client, lonely.slug) == []


def test_ranking_costs_constant_queries(client, make, taxonomy, count_queries):
    make.article(slug="guide", topics=["back-pain"])
    make._commit(lambda: save_topic(topic_or_404("back-pain"), {"pillar": "guide"}))
    make.article(slug="me", topics=["mast-cells", "gut-health"], body_markdown="[[guide]]")
    counts = []
    for batch in (3, 20):
        for index in range(batch):
            topics = ["inflammatory", "gut-health"] if index % 2 else ["mechanical", "sleep"]
            make.article(topics=topics, body_markdown="[[me]]" if index % 3 == 0 else "x")
        with count_queries() as counter:
            assert related(client, "me", limit=10)
        counts.append(counter.count)
    assert counts[0] == counts[1] <= 9, counts

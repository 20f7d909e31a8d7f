"""Related articles at scale: a bounded candidate set, topic sizes reused, topic rows in step."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, select

from api.articles.models import ArticleStatus, ArticleTopic
from api.core import clock
from api.extensions import db


def related_slugs(client, slug, **params):
    response = client.get(f"/api/v1/articles/{slug}/related", query_string=params)
    assert response.status_code == 200, response.get_json()
    return [item["article"]["slug"] for item in response.get_json()]


def days_ago(days: int) -> dt.datetime:
    return clock.now() - dt.timedelta(days=days)


def topic_rows(db_session, slug):
    from api.articles.models import Article

    rows = db_session.execute(
        select(ArticleTopic.topic_id, ArticleTopic.public_since)
        .join(Article, Article.id == ArticleTopic.article_id)
        .where(Article.slug == slug)
    ).all()
    db_session.rollback()
    return {topic_id: since for topic_id, since in rows}


@pytest.fixture
def topics(make):
    return {slug: make.topic(slug=slug).id for slug in ("sleep", "stress", "diet", "walking")}


def test_topic_rows_follow_every_change_of_publication(
    make, topics, db_session, client, make_staff, frozen_clock
):
    admin = make_staff("admin", credentials="MD")  # approving needs credentials
    when = days_ago(2)
    make.article(slug="doc", topics=["sleep"], status=ArticleStatus.DRAFT, published_at=when)
    assert topic_rows(db_session, "doc") == {topics["sleep"]: None}
    for action in ("submit", "approve", "publish"):
        response = admin.post("/api/v1/articles/doc/transitions", {"action": action})
        assert response.status_code == 200, response.get_json()
    assert topic_rows(db_session, "doc") == {topics["sleep"]: when}
    later = days_ago(1)
    make.update_article("doc", topics=["sleep", "diet"], published_at=later)
    assert topic_rows(db_session, "doc") == {topics["sleep"]: later, topics["diet"]: later}
    response = admin.post("/api/v1/articles/doc/transitions", {"action": "archive"})
    assert response.status_code == 200
    assert topic_rows(db_session, "doc") == {topics["sleep"]: None, topics["diet"]: None}
    make.update_article("doc", topics=["walking"])
    assert topic_rows(db_session, "doc") == {topics["walking"]: None}


def test_candidates_are_the_newest_per_topic_plus_strong_evidence(make_app, make, topics):
    client = make_app(RELATED_CANDIDATES_PER_TOPIC=2).test_client()
    make.article(slug="me", topics=["sleep", "stress"], published_at=days_ago(100))
    for day in (1, 2, 3):
        make.article(slug=f"sleep-{day}", topics=["sleep"], published_at=days_ago(day))
        make.article(slug=f"stress-{day}", topics=["stress"], published_at=days_ago(day))
    make.article(slug="old-both", topics=["sleep", "stress"], published_at=days_ago(30))
    make.article(
        slug="old-linked", topics=["diet"], published_at=days_ago(40), body_markdown="[[me]]"
    )
    found = related_slugs(client, "me", limit=20)
    # Sharing both topics and a link are found however old; single-topic matches are the
    # two newest per topic (sleep-3 and stress-3 are beyond the bound of 2).
    assert found[0] == "old-both"
    assert set(found) == {"old-both", "old-linked", "sleep-1", "stress-1", "sleep-2", "stress-2"}
    unbounded = make_app(RELATED_CANDIDATES_PER_TOPIC=50).test_client()
    assert set(related_slugs(unbounded, "me", limit=20)) == set(found) | {"sleep-3", "stress-3"}


def test_topic_sizes_are_counted_once_per_time_to_live(make_app, make, topics, frozen_clock):
    # Without the response cache, so that every call ranks again.
    app = make_app(RELATED_STATS_TTL_SECONDS=60, RESPONSE_CACHE_BYTES=0)
    client = app.test_client()
    make.article(slug="me", topics=["sleep"])
    make.article(slug="other", topics=["sleep"])
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    def cost() -> int:
        statements.clear()
        event.listen(engine, "before_cursor_execute", record)
        try:
            assert related_slugs(client, "me") == ["other"]
        finally:
            event.remove(engine, "before_cursor_execute", record)
        return len(statements)

    first, second = cost(), cost()
    assert second == first - 1, (first, second)  # the sizes were reused
    frozen_clock.advance(seconds=61)
    assert cost() == first

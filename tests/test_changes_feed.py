"""The changes feed: public events in order, drafts never, scheduled publications on time."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from api.articles.models import Article, ArticleStatus
from api.core.writes import delete_versioned
from api.extensions import db
from tests.support.changes import CHANGES, read_all
from tests.support.importer import GOOD, write
from tests.support.staff import problem


@pytest.fixture
def feed_app(make_app):
    return make_app(CHANGES_SAFETY_LAG_SECONDS=0)


@pytest.fixture
def feed(feed_app):
    return feed_app.test_client()


def summary(events):
    return [(e["type"], e["slug"], e["previous_slug"]) for e in events]


def test_publish_edit_rename_unpublish_delete_in_order(feed, make, frozen_clock):
    article = make.article(slug="back-pain")
    events, cursor = read_all(feed)
    assert summary(events) == [
        ("author.created", events[0]["slug"], None),
        ("article.published", "back-pain", None),
    ]
    assert events[1]["object"] == "article"
    assert events[1]["occurred_at"] == "2026-01-15T09:00:00+00:00"

    frozen_clock.advance(minutes=1)
    make.update_article(article.slug, title="Back pain, explained")
    make.update_article(article.slug, slug="lower-back-pain")
    make.update_article("lower-back-pain", status=ArticleStatus.DRAFT)
    events, cursor = read_all(feed, cursor)
    assert summary(events) == [
        ("article.updated", "back-pain", None),
        ("article.updated", "lower-back-pain", "back-pain"),
        ("article.unpublished", "lower-back-pain", None),
    ]
    assert read_all(feed, cursor) == ([], cursor)


def test_drafts_never_appear(feed, make):
    draft = make.article(slug="secret-draft", status=ArticleStatus.DRAFT, published_at=None)
    make.update_article(draft.slug, title="Still secret", slug="still-secret")
    events, _ = read_all(feed)
    assert [e["type"] for e in events] == ["author.created"]
    assert "secret" not in str(events)


def test_scheduled_publication_appears_when_its_time_comes(feed, make, frozen_clock):
    later = frozen_clock.current + dt.timedelta(hours=2)
    make.article(slug="coming-soon", published_at=later)
    events, cursor = read_all(feed)
    assert [e["type"] for e in events] == ["author.created"]
    frozen_clock.advance(hours=2)
    events, cursor = read_all(feed, cursor)
    assert summary(events) == [("article.published", "coming-soon", None)]
    assert events[0]["occurred_at"] == later.isoformat()


def test_a_changed_schedule_withdraws_the_pending_event(feed, make, frozen_clock):
    make.article(slug="maybe", published_at=frozen_clock.current + dt.timedelta(hours=1))
    make.update_article("maybe", published_at=frozen_clock.current + dt.timedelta(hours=3))
    make.update_article("maybe", slug="maybe-later")
    frozen_clock.advance(hours=2)
    assert [e["type"] for e in read_all(feed)[0]] == ["author.created"]
    frozen_clock.advance(hours=1)
    events = read_all(feed)[0]
    assert summary(events)[1:] == [("article.published", "maybe-later", None)]

    make.article(slug="never", published_at=frozen_clock.current + dt.timedelta(hours=1))
    make.update_article("never", status=ArticleStatus.DRAFT)
    frozen_clock.advance(hours=5)
    assert "never" not in str(read_all(feed)[0])


def test_staff_workflow_and_delete_emit_events(
    feed_app, make, editor, reviewer, admin, frozen_clock
):
    from tests.support.staff import Staff

    author = make.author(slug="jane-doe")
    feed = feed_app.test_client()
    editor = Staff(feed, editor.user, editor.token)
    reviewer = Staff(feed, reviewer.user, reviewer.token)
    created = editor.post(
        "/api/v1/articles",
        json={
            "slug": "knee-care",
            "title": "Knee care",
            "author": author.slug,
            "topics": [],
            "body_markdown": "Text.",
        },
    )
    assert created.status_code == 201, created.get_json()
    url = "/api/v1/articles/knee-care"
    for who, action in ((editor, "submit"), (reviewer, "approve"), (editor, "publish")):
        response = who.post(f"{url}/transitions", json={"action": action}, if_match=who.etag(url))
        assert response.status_code == 200, response.get_json()
    frozen_clock.advance(minutes=5)
    response = editor.patch(url, json={"slug": "knee-health"}, if_match=editor.etag(url))
    assert response.status_code == 200, response.get_json()
    admin = Staff(feed, admin.user, admin.token)
    url = "/api/v1/articles/knee-health"
    archived = admin.post(
        f"{url}/transitions", json={"action": "archive"}, if_match=admin.etag(url)
    )
    assert archived.status_code == 200, archived.get_json()
    assert admin.delete(url, if_match=admin.etag(url)).status_code == 204
    assert summary(read_all(feed)[0])[1:] == [
        ("article.published", "knee-care", None),
        ("article.updated", "knee-health", "knee-care"),
        ("article.unpublished", "knee-health", None),
    ]


def test_deleting_a_public_article_tells_its_slug_and_updates_those_linking_to_it(
    feed, feed_app, make
):
    make.article(slug="target")
    make.article(slug="source", body_markdown="See [[target]].")
    _, cursor = read_all(feed)
    with feed_app.app_context(), db.transaction():
        delete_versioned(
            "article", db.session.scalar(select(Article).where(Article.slug == "target"))
        )
    events, _ = read_all(feed, cursor)
    assert summary(events) == [
        ("article.deleted", "target", None),
        ("article.updated", "source", None),
    ]
    assert "See Target." in feed.get("/api/v1/articles/source").get_json()["body_html"]


def test_topics_and_authors_and_the_articles_showing_them(feed, make, editor, frozen_clock):
    topic = make.topic(slug="spine", name="Spine")
    make.article(slug="posture", topics=[topic.slug])
    _, cursor = read_all(feed)
    frozen_clock.advance(minutes=1)
    response = editor.edit("/api/v1/topics/spine", {"name": "The spine", "slug": "the-spine"})
    assert response.status_code == 200, response.get_json()
    events, cursor = read_all(feed, cursor)
    assert summary(events) == [
        ("topic.updated", "the-spine", "spine"),
        ("article.updated", "posture", None),
    ]


def test_malformed_cursor_is_a_422_naming_since(feed):
    for bad in ("nonsense", "djE6eDox", "!!!", "djI6MTox"):
        body = problem(feed.get(CHANGES, query_string={"since": bad}), 422)
        assert "since" in body["errors"]
    body = problem(feed.get(CHANGES, query_string={"limit": 501}), 422)
    assert "limit" in body["errors"]


def test_pages_follow_the_cursor_with_one_query_each(client, make, count_queries, frozen_clock):
    feed = client  # the default app: its engine is the one counted
    for _ in range(5):
        make.article()
    frozen_clock.advance(seconds=client.application.config["CHANGES_SAFETY_LAG_SECONDS"])
    events, _ = read_all(feed)
    cursor = None
    seen = []
    for _ in range(5):
        with count_queries() as counter:
            page = feed.get(
                CHANGES, query_string={"limit": 2, **({"since": cursor} if cursor else {})}
            ).get_json()
        assert counter.count == 1
        seen += page["events"]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    assert seen == events and len(events) == 10


def test_events_younger_than_the_safety_lag_wait(make_app, make, frozen_clock):
    client = make_app(CHANGES_SAFETY_LAG_SECONDS=5).test_client()
    make.article(slug="fresh")
    assert client.get(CHANGES).get_json()["events"] == []
    frozen_clock.advance(seconds=5)
    assert [e["slug"] for e in client.get(CHANGES).get_json()["events"]][-1] == "fresh"


def test_the_feed_is_validated_by_its_body_not_by_the_content_state(make_app, make, frozen_clock):
    # Its pages move with the clock (the safety lag), which the content validator ignores.
    client = make_app(CHANGES_SAFETY_LAG_SECONDS=5).test_client()
    make.article(slug="fresh")
    empty = client.get(CHANGES)
    assert empty.headers["Cache-Control"] == "public, no-cache"
    etag = empty.headers["ETag"]
    assert client.get(CHANGES, headers={"If-None-Match": etag}).status_code == 304
    frozen_clock.advance(seconds=5)
    later = client.get(CHANGES, headers={"If-None-Match": etag})
    assert later.status_code == 200
    assert [e["slug"] for e in later.get_json()["events"]][-1] == "fresh"


@pytest.mark.parametrize("target_first", [True, False])
def test_articles_linking_to_a_scheduled_one_update_when_it_appears(
    feed, make, frozen_clock, target_first
):
    def target():
        make.article(slug="soon", published_at=frozen_clock.current + dt.timedelta(hours=1))

    if target_first:
        target()
    make.article(slug="guide", body_markdown="Next: [[soon]].")
    if not target_first:
        target()
    make.update_article("guide", slug="the-guide")  # renamed while its update is pending
    _, cursor = read_all(feed)
    frozen_clock.advance(hours=1)
    events, _ = read_all(feed, cursor)
    assert summary(events) == [
        ("article.published", "soon", None),
        ("article.updated", "the-guide", None),
    ]
    assert "learn/soon" in feed.get("/api/v1/articles/the-guide").get_json()["body_html"]


def test_imported_drafts_record_no_events(feed, feed_app, make, tmp_path, frozen_clock):
    """The importer makes drafts, which the public cannot see: nothing for the feed."""
    runner = feed_app.test_cli_runner()

    make.author(slug="jane-doe")
    make.topic(slug="nutrition", name="Nutrition")
    _, cursor = read_all(feed)
    path = write(tmp_path, "omega.md", GOOD)
    with feed_app.app_context():  # as `flask` does; the test runner pushes none for commands
        assert runner.invoke(args=["import-articles", str(path)]).exit_code == 0
    frozen_clock.advance(minutes=1)
    write(tmp_path, "omega.md", GOOD.replace("What fish oil", "What omega-3"))
    with feed_app.app_context():
        assert runner.invoke(args=["import-articles", "--submit", str(path)]).exit_code == 0
    assert summary(read_all(feed, cursor)[0]) == []


def test_a_pending_revision_or_a_refused_write_records_nothing(feed, make, editor):
    make.article(slug="public-one")
    _, cursor = read_all(feed)
    # A content edit of a published article waits for review: the public sees no change.
    response = editor.edit("/api/v1/articles/public-one", {"title": "Pending edit"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["pending_revision"]["state"] == "draft"
    # Refused (no such topic): nothing of it is written, the new slug included.
    refused = editor.edit("/api/v1/articles/public-one", {"slug": "moved", "topics": ["nope"]})
    assert refused.status_code == 422, refused.get_json()
    assert editor.edit("/api/v1/articles/public-one", {"canonical_url": None}).status_code == 200
    assert read_all(feed, cursor)[0] == []


def test_deleting_a_scheduled_article_leaves_nothing_pending(feed, feed_app, make, frozen_clock):
    make.article(slug="target", published_at=frozen_clock.current + dt.timedelta(hours=2))
    make.article(slug="source", published_at=frozen_clock.current + dt.timedelta(hours=1))
    make.update_article("source", body_markdown="See [[target]].")
    with feed_app.app_context(), db.transaction():
        delete_versioned(
            "article", db.session.scalar(select(Article).where(Article.slug == "source"))
        )
    frozen_clock.advance(hours=3)
    articles = [e for e in read_all(feed)[0] if e["object"] == "article"]
    assert summary(articles) == [("article.published", "target", None)]


def test_a_backdated_publication_reaches_a_reader_already_past_that_date(feed, make, frozen_clock):
    """An event is placed when the public can first see the change, not at `published_at`:
    a client whose cursor is past a backdated publication time still receives it."""
    make.article(slug="earlier")
    _, cursor = read_all(feed)
    frozen_clock.advance(minutes=5)
    make.article(slug="backdated", published_at=frozen_clock() - dt.timedelta(days=30))
    events, _ = read_all(feed, cursor)
    assert ("article.published", "backdated", None) in summary(events)

"""Property: a client syncing from the changes feed always holds exactly the public articles.

Random sequences of creates, publishes (now, backdated or scheduled), edits, unpublishes, slug
renames, deletes and time passing; after each sync the client's copy (slug -> updated_at and
title, fetched as the event says) equals what the public API lists.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.articles.models import ArticleStatus
from api.articles.services import article_for_update
from api.core.writes import delete_versioned
from api.extensions import db
from tests.support.changes import read_all
from tests.support.store import empty_store

START = dt.datetime(2026, 1, 15, 9, 0, tzinfo=dt.UTC)
SLOTS = st.integers(min_value=0, max_value=2)
WHEN = st.sampled_from(["now", "past", "future"])
OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("create"), SLOTS, st.sampled_from(["draft", "now", "past", "future"])),
        st.tuples(st.just("publish"), SLOTS, WHEN),
        st.tuples(st.just("edit"), SLOTS),
        st.tuples(st.just("unpublish"), SLOTS),
        st.tuples(st.just("rename"), SLOTS),
        st.tuples(st.just("delete"), SLOTS),
        st.tuples(st.just("advance"), st.sampled_from([0.5, 1.0, 3.0])),
        st.tuples(st.just("sync")),
    ),
    min_size=10,
    max_size=40,
)


class Kiosk:
    """A client that keeps a copy of the public articles from the changes feed."""

    def __init__(self, client):
        self.client, self.cursor, self.articles = client, None, {}
        self.seen = []

    def sync(self):
        events, self.cursor = read_all(self.client, self.cursor, limit=7)
        self.seen += events
        for event in events:
            if event["object"] != "article":
                continue
            self.articles.pop(event["previous_slug"], None)
            if event["type"] in ("article.published", "article.updated"):
                self.fetch(event["slug"])
            else:
                self.articles.pop(event["slug"], None)

    def fetch(self, slug):
        response = self.client.get(f"/api/v1/articles/{slug}")
        if response.status_code == 200:
            body = response.get_json()
            self.articles[slug] = (body["updated_at"], body["title"])
        else:  # gone again since: a later event says so
            self.articles.pop(slug, None)


def public_set(client):
    listed = client.get("/api/v1/articles", query_string={"page_size": 100}).get_json()
    return {a["slug"]: (a["updated_at"], a["title"]) for a in listed}


class World:
    def __init__(self, app, make, clock):
        self.app, self.make, self.clock = app, make, clock
        self.slugs: dict[int, str] = {}
        self.names = itertools.count(1)
        self.author = make.author(slug="writer").slug

    def when(self, kind):
        now = self.clock.current
        return {
            "now": now,
            "past": now - dt.timedelta(days=1),
            "future": now + dt.timedelta(hours=2),
        }[kind]

    def apply(self, operation):
        name, *args = operation
        if name == "advance":
            self.clock.advance(hours=args[0])
            return
        slot = args[0]
        slug = self.slugs.get(slot)
        if name == "create":
            if slug is None:
                self.create(slot, args[1])
        elif slug is None:
            return
        elif name == "publish":
            self.update(slug, status=ArticleStatus.PUBLISHED, published_at=self.when(args[1]))
        elif name == "edit":
            self.update(slug, title=f"Edited {next(self.names)}")
        elif name == "unpublish":
            self.update(slug, status=ArticleStatus.DRAFT)
        elif name == "rename":
            self.slugs[slot] = f"slot-{slot}-v{next(self.names)}"
            self.update(slug, slug=self.slugs[slot])
        elif name == "delete":
            with self.app.app_context(), db.transaction():
                delete_versioned("article", article_for_update(slug))
            del self.slugs[slot]

    def create(self, slot, kind):
        self.slugs[slot] = f"slot-{slot}-v{next(self.names)}"
        fields = {"status": ArticleStatus.DRAFT, "published_at": None}
        if kind != "draft":
            fields = {"status": ArticleStatus.PUBLISHED, "published_at": self.when(kind)}
        self.make.article(slug=self.slugs[slot], author=self.author, **fields)

    def update(self, current, /, **fields):
        self.make.update_article(current, **fields)


@pytest.fixture
def feed_app(make_app):
    return make_app(CHANGES_SAFETY_LAG_SECONDS=0)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=OPERATIONS)
def test_a_syncing_client_holds_exactly_the_public_articles(
    operations, feed_app, make, frozen_clock
):
    app = feed_app
    empty_store(app)
    frozen_clock.current = START
    client = app.test_client()
    world, kiosk = World(app, make, frozen_clock), Kiosk(client)
    ever_public = set()
    for operation in [*operations, ("sync",), ("advance", 3.0)]:
        if operation == ("sync",):
            kiosk.sync()
            assert kiosk.articles == public_set(client)
        else:
            world.apply(operation)
        ever_public |= set(public_set(client))
    kiosk.sync()
    assert kiosk.articles == public_set(client)
    # The feed never names a slug the public could not see: drafts stay secret.
    named = {
        e[key] for e in kiosk.seen if e["object"] == "article" for key in ("slug", "previous_slug")
    }
    assert named - {None} <= ever_public

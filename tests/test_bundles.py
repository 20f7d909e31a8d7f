"""Offline bundles: self-contained, gzip when asked, constant queries, and a bundle plus the
changes after its cursor equals a fresh bundle (what a kiosk relies on)."""

from __future__ import annotations

import datetime as dt
import gzip

import pytest

from api.articles.models import ArticleStatus
from tests.support.changes import read_all
from tests.support.staff import problem
from tests.support.urls import api_url, site_url

ALL = "/api/v1/bundles/all"


@pytest.fixture
def kiosk_app(make_app):
    return make_app(CHANGES_SAFETY_LAG_SECONDS=0)


@pytest.fixture
def kiosk(kiosk_app):
    return kiosk_app.test_client()


def content(make, frozen_clock):
    """A small site: a topic tree with a pillar, linked articles, one scheduled."""
    make.topic(slug="musculoskeletal", name="Musculoskeletal")
    make.topic(slug="back", name="Back", parent="musculoskeletal")
    make.topic(slug="knee", name="Knee", parent="musculoskeletal")
    make.topic(slug="skin", name="Skin")
    doctor = make.author(slug="dr-lee", name="Dr Lee").slug
    make.article(
        slug="back-pain", author=doctor, topics=["back"], body_markdown="See [[sciatica]]."
    )
    make.article(slug="sciatica", author=doctor, topics=["back", "musculoskeletal"])
    make.article(slug="knee-pain", topics=["knee"], body_markdown="Also [[back-pain|back]].")
    make.article(slug="eczema", topics=["skin"], body_markdown="Read [[soon]] next.")
    make.article(slug="draft", topics=["back"], status=ArticleStatus.DRAFT, published_at=None)
    make.article(
        slug="soon", topics=["knee"], published_at=frozen_clock.current + dt.timedelta(hours=1)
    )
    from api.extensions import db
    from api.topics.services import save_topic, topic_or_404
    from tests.support.factories import Factory  # noqa: F401  (pillar through the topic service)

    with make.app.app_context(), db.transaction():
        save_topic(topic_or_404("back"), {"pillar": "back-pain"})


def fetch_bundle(client, url=ALL):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def keyed(bundle):
    return {
        "articles": {a["slug"]: a for a in bundle["articles"]},
        "authors": {a["slug"]: a for a in bundle["authors"]},
        "topics": {t["slug"]: t for t in bundle["topics"]},
        "topic_tree": bundle["topic_tree"],
    }


def _tree(nodes):
    """A bundle's topic_tree from the topic tree: each node's slug, URLs and children."""
    return [node(n["slug"], *_tree(n["children"])) for n in nodes]


def node(slug, *children):
    return {
        "slug": slug,
        "url": site_url("topic", slug),
        "api_url": api_url("topic", slug),
        "children": list(children),
    }


def apply_changes(client, state, cursor):
    """What a kiosk does with each event: fetch what changed, forget what went."""
    events, cursor = read_all(client, cursor)
    for event in events:
        kind, slug = event["object"], event["slug"]
        if kind == "topic":
            listed = client.get("/api/v1/topics", query_string={"page_size": 100}).get_json()
            state["topics"] = {t["slug"]: t for t in listed}
            tree = client.get("/api/v1/topics", query_string={"tree": "true"}).get_json()
            state["topic_tree"] = _tree(tree)
            continue
        collection = state[f"{kind}s"]
        collection.pop(event["previous_slug"], None)
        collection.pop(slug, None)
        if event["type"].endswith((".published", ".updated", ".created")):
            response = client.get(f"/api/v1/{kind}s/{slug}")
            if response.status_code == 200:
                collection[slug] = response.get_json()
                collection[slug].pop("published_article_count", None)
    return state, cursor


def test_a_bundle_plus_the_changes_after_it_equals_a_fresh_bundle(
    kiosk, make, editor, frozen_clock
):
    content(make, frozen_clock)
    bundle = fetch_bundle(kiosk)
    assert "draft" not in str(bundle["articles"]) and "soon" not in keyed(bundle)["articles"]
    state = keyed(bundle)

    steps = [
        lambda: make.article(slug="new-one", topics=["skin"]),
        lambda: make.update_article("eczema", title="Eczema in children"),
        lambda: make.update_article("sciatica", slug="sciatica-explained"),  # a link follows
        lambda: make.update_article("knee-pain", status=ArticleStatus.DRAFT),
        lambda: editor.edit("/api/v1/topics/back", {"name": "Back and spine"}),
        lambda: editor.edit("/api/v1/authors/dr-lee", {"name": "Dr Ana Lee"}),
        lambda: frozen_clock.advance(hours=1),  # "soon" is published now
    ]
    cursor = bundle["cursor"]
    for step in steps:  # the kiosk syncs after each change, as it would every few minutes
        frozen_clock.advance(minutes=1)
        step()
        state, cursor = apply_changes(kiosk, state, cursor)
        assert state == keyed(fetch_bundle(kiosk))
    assert "sciatica-explained" in state["articles"]["back-pain"]["body_html"]
    assert state["articles"]["back-pain"]["author"]["name"] == "Dr Ana Lee"
    assert "soon" in state["articles"] and "knee-pain" not in state["articles"]
    assert "learn/soon" in state["articles"]["eczema"]["body_html"]


def test_bundle_is_self_contained(kiosk, make, frozen_clock):
    content(make, frozen_clock)
    bundle = fetch_bundle(kiosk)
    articles = {a["slug"]: a for a in bundle["articles"]}
    assert sorted(articles) == ["back-pain", "eczema", "knee-pain", "sciatica"]
    assert articles["knee-pain"] == kiosk.get("/api/v1/articles/knee-pain").get_json()
    assert 'href="https://clinic.example/learn/back-pain"' in articles["knee-pain"]["body_html"]
    assert {a["slug"] for a in bundle["authors"]} >= {
        a["author"]["slug"] for a in articles.values()
    }
    assert bundle["topic_tree"] == [
        node("musculoskeletal", node("back"), node("knee")),
        node("skin"),
    ]
    assert {t["slug"]: t["pillar"] for t in bundle["topics"]}["back"]["slug"] == "back-pain"
    for slug in articles:
        related = kiosk.get(f"/api/v1/articles/{slug}/related").get_json()
        assert bundle["related"][slug] == [r["article"]["slug"] for r in related]
    assert bundle["cursor"] == read_all(kiosk)[1]


def test_topic_bundle_holds_the_subtree(kiosk, make, frozen_clock):
    content(make, frozen_clock)
    bundle = fetch_bundle(kiosk, "/api/v1/bundles/topics/musculoskeletal")
    assert sorted(a["slug"] for a in bundle["articles"]) == ["back-pain", "knee-pain", "sciatica"]
    assert bundle["topic"] == "musculoskeletal"
    assert sorted(t["slug"] for t in bundle["topics"]) == ["back", "knee", "musculoskeletal"]
    assert [a["slug"] for a in bundle["authors"]] == sorted(
        {a["author"]["slug"] for a in bundle["articles"]}
    )
    back = fetch_bundle(kiosk, "/api/v1/bundles/topics/back")
    assert back["topic_tree"] == [node("back")]
    problem(kiosk.get("/api/v1/bundles/topics/nope"), 404)


def test_gzip_is_honoured(kiosk, make, frozen_clock):
    content(make, frozen_clock)
    plain = kiosk.get(ALL)
    assert "Content-Encoding" not in plain.headers
    assert "Accept-Encoding" in plain.headers["Vary"]
    zipped = kiosk.get(ALL, headers={"Accept-Encoding": "br, gzip;q=0.8"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert gzip.decompress(zipped.data) == plain.data
    assert len(zipped.data) < len(plain.data) / 2
    refused = kiosk.get(ALL, headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers


def test_bundle_queries_do_not_grow_with_content(client, make, count_queries, frozen_clock):
    def measure():
        with count_queries() as counter:
            assert client.get(ALL).status_code == 200
        return counter.count

    content(make, frozen_clock)
    small = measure()
    for number in range(6):
        make.article(topics=["back", "skin"], body_markdown=f"Links [[back-pain]] {number}.")
    assert measure() == small
    assert small <= 10

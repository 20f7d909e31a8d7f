"""The topic graph export, and the demo content tried as a new user would."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from api.articles.models import ArticleStatus
from api.importer.cli import SEED_DIRECTORY
from api.taxonomy.models import TopicRelation
from api.topics.models import Topic
from api.users.models import Role
from tests.support.staff import staff_headers

MAST_CELLS = "mast-cell-activation-back-pain-flares"


def connected(graph) -> bool:
    neighbours = {node["id"]: set() for node in graph["nodes"]}
    for edge in graph["edges"]:
        neighbours[edge["source"]].add(edge["target"])
        neighbours[edge["target"]].add(edge["source"])
    start = next(iter(neighbours))
    seen, stack = {start}, [start]
    while stack:
        for other in neighbours[stack.pop()] - seen:
            seen.add(other)
            stack.append(other)
    return seen == set(neighbours)


def test_graph_has_typed_edges_and_public_articles_only(app, client, make):
    make.topic(slug="back-pain", name="Back pain")
    make.topic(slug="posture", name="Posture", parent="back-pain")
    make.topic(slug="gut-health", name="Gut health")
    editor = staff_headers(app, Role.EDITOR)
    client.put("/api/v1/topics/posture/related", json={"related": ["gut-health"]}, headers=editor)
    make.article(slug="desk", title="Desk", topics=["posture"], body_markdown="[[gut]] [[hidden]]")
    make.article(slug="gut", title="Gut", topics=["gut-health"])
    make.article(slug="hidden", topics=["gut-health"], status=ArticleStatus.DRAFT)

    topics_only = client.get("/api/v1/topics/graph").get_json()
    assert {node["id"] for node in topics_only["nodes"]} == {
        "topic:back-pain",
        "topic:posture",
        "topic:gut-health",
    }
    edges = [(e["type"], {e["source"], e["target"]}) for e in topics_only["edges"]]
    assert sorted(edges, key=lambda edge: edge[0]) == [
        ("parent", {"topic:posture", "topic:back-pain"}),
        ("related", {"topic:posture", "topic:gut-health"}),  # once per pair
    ]
    parent = next(e for e in topics_only["edges"] if e["type"] == "parent")
    assert (parent["source"], parent["target"]) == ("topic:posture", "topic:back-pain")
    assert connected(topics_only)

    full = client.get("/api/v1/topics/graph?include=articles").get_json()
    articles = [node for node in full["nodes"] if node["type"] == "article"]
    assert [(a["id"], a["label"]) for a in articles] == [
        ("article:desk", "Desk"),
        ("article:gut", "Gut"),
    ]
    typed = {(e["type"], e["source"], e["target"]) for e in full["edges"]}
    assert ("article-topic", "article:desk", "topic:posture") in typed
    assert ("article-link", "article:desk", "article:gut") in typed
    assert not any("hidden" in e["source"] + e["target"] for e in full["edges"])
    assert connected(full)
    assert client.get("/api/v1/topics/graph?include=authors").status_code == 422


def test_graph_costs_constant_queries(client, make, count_queries):
    counts = []
    for batch in (2, 12):
        topic = make.topic().slug
        previous = None
        for _ in range(batch):
            body = f"[[{previous}]]" if previous else "x"
            previous = make.article(topics=[topic], body_markdown=body).slug
        with count_queries() as counter:
            assert client.get("/api/v1/topics/graph?include=articles").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1] <= 6, (
        counts
    )  # + 1: the content validator of HTTP caching (api/caching)


@pytest.fixture
def demo(runner, db_session):
    # db_session: the seed command runs in the app context it pushes, as `flask seed` does.
    result = runner.invoke(args=["seed"])
    db_session.rollback()
    assert result.exit_code == 0, result.output


def test_demo_mast_cell_article_leads_to_the_pillar_and_gut_health(client, demo):
    items = client.get(f"/api/v1/articles/{MAST_CELLS}/related").get_json()
    slugs = [item["article"]["slug"] for item in items]
    assert slugs[0] == "back-pain-guide"
    assert "gut-health-and-back-pain" in slugs[:3]
    guide, gut = items[0], items[slugs.index("gut-health-and-back-pain")]
    assert "pillar article of: Back pain" in guide["reasons"]
    assert {"links to this article", "linked from this article"} <= set(guide["reasons"])
    assert gut["reasons"][0] == "shared topic: Gut health"
    assert "pillar article of: Gut health" in gut["reasons"]


def test_demo_topics_have_synonyms_codes_pillars_and_see_also(client, demo):
    mast = client.get("/api/v1/topics/mast-cell-activation").get_json()
    assert "MCAS" in mast["synonyms"] and mast["codes"] == {"icd10": "D89.40"}
    assert [r["topic"]["slug"] for r in mast["related"]] == ["gut-health"]
    back = client.get("/api/v1/topics/back-pain").get_json()
    assert back["pillar"]["slug"] == "back-pain-guide"
    assert back["codes"] == {"mesh": "D001416", "icd10": "M54.9", "snomed": "161891005"}
    assert back["published_article_count"] == 9  # the sleep article is a draft
    tree = client.get("/api/v1/topics?tree=true").get_json()
    assert [root["slug"] for root in tree] == [
        "back-pain",
        "gut-health",
        "nutrition",
        "sleep-health",
    ]


def test_demo_unpublishing_turns_links_into_text_and_reports_them(app, client, make, demo):
    def links_to_gut(slug):
        body = client.get(f"/api/v1/articles/{slug}").get_json()["body_html"]
        return re.findall(r'<a href="[^"]*gut-health-and-back-pain"', body)

    assert links_to_gut(MAST_CELLS)
    make.update_article("gut-health-and-back-pain", status=ArticleStatus.DRAFT)
    assert not links_to_gut(MAST_CELLS)
    body = client.get(f"/api/v1/articles/{MAST_CELLS}").get_json()["body_html"]
    assert "Gut health and back pain has more on this connection" in body
    report = client.get("/api/v1/link-report", headers=staff_headers(app, Role.EDITOR)).get_json()
    sources = {
        i["source"]["slug"] for i in report if i["written_slug"] == "gut-health-and-back-pain"
    }
    assert MAST_CELLS in sources and "back-pain-guide" in sources


def test_demo_graph_is_connected(client, demo):
    assert connected(client.get("/api/v1/topics/graph").get_json())
    full = client.get("/api/v1/topics/graph?include=articles").get_json()
    assert connected(full)
    assert {e["type"] for e in full["edges"]} == {
        "parent",
        "related",
        "article-topic",
        "article-link",
    }


def test_seeding_twice_changes_nothing(runner, demo, db_session, frozen_clock):
    def snapshot():
        topics = db_session.execute(
            select(Topic.slug, Topic.updated_at, Topic.pillar_article_id, Topic.codes).order_by(
                Topic.slug
            )
        ).all()
        relations = db_session.scalar(select(func.count()).select_from(TopicRelation))
        db_session.rollback()
        return topics, relations

    before = snapshot()
    frozen_clock.advance(minutes=5)  # any UPDATE would now show in updated_at
    assert runner.invoke(args=["seed"]).exit_code == 0
    assert snapshot() == before
    assert before[1] == 2 * 9  # the nine see-also pairs of topics.yaml, stored both ways


def demo_articles(editor):
    """Every demo article as staff read it (drafts too), with its body as patients see it."""
    slugs = [path.stem for path in sorted((SEED_DIRECTORY / "articles").glob("*.md"))]
    return {slug: editor.get(f"/api/v1/articles/{slug}").get_json() for slug in slugs}


def test_every_demo_article_includes_the_back_pain_red_flags_block(demo, editor):
    block = editor.get("/api/v1/shared-blocks/red-flags/back-pain").get_json()
    assert block["topic"] == "back-pain" and block["live_revision"] == 1
    assert block["approval"]["reviewed_by"]["name"] == "Dr Sam Ellis"  # the demo reviewer
    assert "Call 911 or go to the nearest emergency department now" in block["body_html"]
    articles = demo_articles(editor)
    assert block["included_by"] == sorted(articles)
    for slug, article in articles.items():
        assert "::: include red-flags/back-pain" in article["body_markdown"], slug
        text = article["body_html"]
        assert text.count("Loss of control of your bladder") == 1, slug
        assert text.count('data-callout="emergency"') == text.count('data-callout="urgent"') == 1
        assert "contact your clinician soon" not in text.lower(), slug
        assert "{{" not in article["body_markdown"], slug
        kinds = [section["kind"] for section in article["sections"]]
        assert {"callout:emergency", "callout:urgent"} <= set(kinds), slug


def test_demo_text_claims_no_review_and_no_unsupported_studies(demo, editor):
    for slug, article in demo_articles(editor).items():
        text = " ".join(
            [article["summary"], article["meta_description"] or "", article["body_markdown"]]
        ).lower()
        for claim in ("clinician-reviewed", "studies show", "research shows", "studies have"):
            assert claim not in text, (slug, claim)


def test_demo_feature_images_are_drawn_media_with_real_alt_text(client, demo):
    for slug in ("back-pain-guide", "gentle-exercise-for-a-sore-back"):
        image = client.get(f"/api/v1/articles/{slug}").get_json()["feature_image"]
        assert image is not None and image["format"] == "png" and image["srcset"]["webp"]
        assert len(image["alt"]) > 40 and not image["alt_missing"]
        path = "/" + image["url"].split("://", 1)[1].split("/", 1)[1]
        assert client.get(path).status_code == 200
    plate = client.get("/api/v1/articles/anti-inflammatory-diet-basics").get_json()
    assert "half vegetables" in plate["feature_image"]["alt"]

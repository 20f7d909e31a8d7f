"""Topic tree, topic detail additions, related topics (see-also and co-occurrence), codes."""

from __future__ import annotations

import marshmallow as ma
import pytest

from api.articles.models import ArticleStatus
from api.core.errors import Problem
from api.extensions import db
from api.topics.schemas import TopicSchema
from api.topics.services import set_parent, topic_or_404
from api.users.models import Role
from tests.support.staff import staff_headers
from tests.support.urls import article_ref, topic_ref


@pytest.fixture
def tree(make):
    make.topic(slug="back-pain", name="Back pain", position=0)
    make.topic(slug="gut-health", name="Gut health", position=1)
    make.topic(slug="nutrition", name="Nutrition", position=1)  # same position: by name
    make.topic(slug="posture", name="Posture", parent="back-pain", position=2)
    make.topic(slug="inflammatory", name="Inflammatory", parent="back-pain", position=1)
    make.topic(slug="mast-cells", name="Mast cells", parent="inflammatory", synonyms=["MCAS"])


def shape(nodes):
    return [(node["slug"], shape(node["children"])) for node in nodes]


def test_tree_is_nested_and_ordered_by_position_then_name(client, tree):
    response = client.get("/api/v1/topics?tree=true&page_size=1")
    assert shape(response.get_json()) == [
        ("back-pain", [("inflammatory", [("mast-cells", [])]), ("posture", [])]),
        ("gut-health", []),
        ("nutrition", []),
    ]
    assert '"total": 3' in response.headers["X-Pagination"]
    mast = response.get_json()[0]["children"][0]["children"][0]
    assert mast["parent"] == "inflammatory" and mast["synonyms"] == ["MCAS"]
    # The flat list stays flat and paged.
    flat = client.get("/api/v1/topics?page_size=2").get_json()
    assert len(flat) == 2 and "children" not in flat[0]


def test_tree_costs_two_queries_whatever_its_size(client, make, count_queries):
    counts = []
    parent = None
    for size in (2, 15):
        for _ in range(size):
            parent = make.topic(parent=parent.slug if parent else None)
        with count_queries() as counter:
            assert client.get("/api/v1/topics?tree=true").status_code == 200
        counts.append(counter.count)
    # The topics, their article counts; + 1: the content validator of HTTP caching.
    assert counts == [3, 3]


def test_topic_detail_has_pillar_only_when_public_and_counts_descendants(client, make, tree):
    make.article(slug="hub", topics=["back-pain"])
    make.article(topics=["mast-cells"])
    make.article(topics=["mast-cells", "inflammatory"])
    make.article(topics=["inflammatory"], status=ArticleStatus.DRAFT)
    make.topic(slug="spine", name="Spine")
    _save_topic(make, "back-pain", pillar="hub", codes={"mesh": "D001416", "icd10": "M54.50"})
    detail = client.get("/api/v1/topics/back-pain").get_json()
    hub = article_ref("hub", detail["pillar"]["title"])
    assert detail["pillar"] == hub
    assert detail["published_article_count"] == 3
    assert detail["codes"] == {"mesh": "D001416", "icd10": "M54.50"}
    assert client.get("/api/v1/topics/inflammatory").get_json()["published_article_count"] == 2
    listed = {t["slug"]: t for t in client.get("/api/v1/topics").get_json()}
    assert listed["back-pain"]["pillar"] == hub  # one shape in lists, the tree and details
    tree_nodes = client.get("/api/v1/topics?tree=true").get_json()
    assert next(t for t in tree_nodes if t["slug"] == "back-pain")["pillar"] == hub
    by_code = client.get("/api/v1/topics?code=MeSH:D001416").get_json()
    assert [t["pillar"] for t in by_code] == [hub]
    make.update_article("hub", status=ArticleStatus.DRAFT)
    assert client.get("/api/v1/topics/back-pain").get_json()["pillar"] is None
    listed = {t["slug"]: t for t in client.get("/api/v1/topics").get_json()}
    assert listed["back-pain"]["pillar"] is None  # a draft's slug is never shown


def _save_topic(make, slug, **fields):
    from api.topics.services import save_topic

    return make._commit(lambda: save_topic(topic_or_404(slug), fields))


def test_unknown_pillar_is_a_422_naming_the_field(make, app, tree):
    with pytest.raises(Problem) as raised:
        _save_topic(make, "back-pain", pillar="nope")
    assert raised.value.code == 422 and raised.value.errors == {"pillar": ["Unknown article."]}


def test_topic_schema_validates_codes_and_reserved_slugs():
    schema = TopicSchema()
    loaded = schema.load(
        {"slug": "mcas", "name": "MCAS", "codes": {"icd10": "D89.40"}, "pillar": "guide"}
    )
    assert loaded["codes"] == {"icd10": "D89.40"} and loaded["pillar"] == "guide"
    with pytest.raises(ma.ValidationError) as raised:
        schema.load({"slug": "graph", "name": "x", "codes": {"mesh": "bad", "loinc": "1"}})
    assert set(raised.value.messages) == {"slug", "codes"}
    assert set(raised.value.messages["codes"]) == {"mesh", "loinc"}


def test_moving_a_topic_under_its_descendant_is_a_409(app, tree):
    with app.app_context():
        topic = topic_or_404("back-pain")
        with pytest.raises(Problem) as raised:
            set_parent(topic, "mast-cells")
        assert raised.value.code == 409 and "parent" in raised.value.errors
        db.session.rollback()


def test_see_also_is_symmetric_replaced_by_put_and_for_editors_only(app, client, tree):
    url = "/api/v1/topics/mast-cells/related"
    body = {"related": ["gut-health", "nutrition"]}
    assert client.put(url, json=body).status_code == 401
    assert client.put(url, json=body, headers=staff_headers(app, Role.WRITER)).status_code == 403
    editor = staff_headers(app, Role.EDITOR)
    response = client.put(url, json=body, headers=editor)
    assert response.status_code == 200
    assert [r["topic"]["slug"] for r in response.get_json()] == ["gut-health", "nutrition"]
    back = client.get("/api/v1/topics/gut-health/related").get_json()
    assert back == [
        {
            "topic": topic_ref("mast-cells", "Mast cells"),
            "score": 1.0,
            "see_also": True,
            "shared_articles": 0,
            "reasons": ["see also (chosen by editors)"],
        }
    ]
    client.put(url, json={"related": ["nutrition"]}, headers=editor)
    assert client.get("/api/v1/topics/gut-health/related").get_json() == []


@pytest.mark.parametrize(
    "body, field",
    [
        ({"related": ["nope"]}, "related"),
        ({"related": ["mast-cells"]}, "related"),
        ({"related": ["Not A Slug"]}, "related"),
        ({"related": "gut-health"}, "related"),
        ({"topics": []}, "topics"),
    ],
)
def test_bad_see_also_is_a_422_naming_the_field(app, client, tree, body, field):
    editor = staff_headers(app, Role.EDITOR)
    response = client.put("/api/v1/topics/mast-cells/related", json=body, headers=editor)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
    assert client.get("/api/v1/topics/mast-cells/related").get_json() == []


def test_put_on_unknown_topic_is_a_404(app, client):
    editor = staff_headers(app, Role.EDITOR)
    response = client.put("/api/v1/topics/nope/related", json={"related": []}, headers=editor)
    assert response.status_code == 404


def test_co_occurrence_ranks_topics_filed_together_on_public_articles(client, make, tree):
    for _ in range(2):
        make.article(topics=["mast-cells", "gut-health"])
    make.article(topics=["mast-cells", "nutrition"])
    make.article(topics=["mast-cells", "posture", "inflammatory"])
    make.article(topics=["mast-cells", "nutrition"], status=ArticleStatus.DRAFT)
    related = client.get("/api/v1/topics/mast-cells/related").get_json()
    # The parent (inflammatory) is a tree relative, not a "related" topic.
    assert [(r["topic"]["slug"], r["shared_articles"]) for r in related] == [
        ("gut-health", 2),
        ("nutrition", 1),
        ("posture", 1),
    ]
    assert related[0]["reasons"] == ["appears together on 2 published articles"]
    assert related[0]["score"] > related[1]["score"]
    assert (
        client.get("/api/v1/topics/mast-cells/related?limit=1").get_json()[0]["topic"]["slug"]
        == "gut-health"
    )
    assert client.get("/api/v1/topics/mast-cells/related?limit=0").status_code == 422
    assert client.get("/api/v1/topics/nope/related").status_code == 404


@pytest.mark.parametrize("url", ["/api/v1/topics/mast-cells/related", "/api/v1/topics/mast-cells"])
def test_related_topics_and_detail_cost_constant_queries(
    app, client, make, tree, count_queries, url
):
    editor = staff_headers(app, Role.EDITOR)
    client.put("/api/v1/topics/mast-cells/related", json={"related": ["nutrition"]}, headers=editor)
    make.article(slug="hub", topics=["mast-cells"])
    _save_topic(make, "mast-cells", pillar="hub")
    counts = []
    for batch in (1, 6):
        for index in range(batch):
            other = make.topic().slug
            make.article(topics=["mast-cells", other, "gut-health" if index % 2 else "posture"])
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1] <= 12, (
        counts
    )  # + 1: the content validator of HTTP caching (api/caching)

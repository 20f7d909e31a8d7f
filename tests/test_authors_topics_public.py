"""Public authors and topics: lists, details with counts and tree position, their articles."""

from __future__ import annotations

from api.articles.models import ArticleStatus
from tests.support.urls import topic_ref


def test_author_list_and_detail_with_published_count(client, make):
    author = make.author(
        slug="jane-doe", name="Jane Doe", credentials="MD, FACP", bio_markdown="Writes **clearly**."
    )
    make.article(author=author.slug)
    make.article(author=author.slug, status=ArticleStatus.DRAFT)
    listed = client.get("/api/v1/authors").get_json()
    assert [a["slug"] for a in listed] == ["jane-doe"]
    detail = client.get("/api/v1/authors/jane-doe").get_json()
    assert detail["published_article_count"] == 1
    assert detail["credentials"] == "MD, FACP"
    assert detail["bio_html"] == "<p>Writes <strong>clearly</strong>.</p>\n"
    assert client.get("/api/v1/authors/nobody").status_code == 404
    assert client.get("/api/v1/authors/nobody/articles").status_code == 404


def test_topic_list_has_parent_slug_and_synonyms(client, make):
    make.topic(slug="back-pain", name="Back pain")
    make.topic(
        slug="mast-cell-activation",
        name="Mast cell activation",
        parent="back-pain",
        synonyms=["MCAS"],
    )
    topics = {t["slug"]: t for t in client.get("/api/v1/topics").get_json()}
    assert topics["back-pain"]["parent"] is None
    assert topics["mast-cell-activation"]["parent"] == "back-pain"
    assert topics["mast-cell-activation"]["synonyms"] == ["MCAS"]


def test_topic_detail_has_parent_children_and_breadcrumbs_from_root(client, make):
    make.topic(slug="back-pain", name="Back pain")
    make.topic(slug="inflammatory", name="Inflammatory back pain", parent="back-pain")
    make.topic(slug="mast-cells", name="Mast cell activation", parent="inflammatory")
    detail = client.get("/api/v1/topics/inflammatory").get_json()
    assert detail["parent"] == "back-pain"
    assert detail["children"] == [topic_ref("mast-cells", "Mast cell activation")]
    deep = client.get("/api/v1/topics/mast-cells").get_json()
    assert [crumb["slug"] for crumb in deep["breadcrumbs"]] == ["back-pain", "inflammatory"]
    assert client.get("/api/v1/topics/back-pain").get_json()["breadcrumbs"] == []


def test_topic_articles_include_descendants(client, make):
    make.topic(slug="back-pain", name="Back pain")
    make.topic(slug="posture", name="Posture", parent="back-pain")
    article = make.article(topics=["posture"])
    assert [a["slug"] for a in client.get("/api/v1/topics/back-pain/articles").get_json()] == [
        article.slug
    ]
    assert client.get("/api/v1/topics/nope/articles").status_code == 404

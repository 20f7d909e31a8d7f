"""Staff writes to authors and topics: create, PATCH with If-Match, DELETE with guards."""

from __future__ import annotations

from tests.support.staff import problem
from tests.support.urls import topic_ref


def test_author_lifecycle_with_etags(editor, client):
    created = editor.post(
        "/api/v1/authors", {"slug": "jane-doe", "name": "Jane Doe", "bio_markdown": "**Physio**"}
    )
    assert created.status_code == 201
    assert created.get_json()["bio_html"] == "<p><strong>Physio</strong></p>\n"
    assert created.get_json()["published_article_count"] == 0
    url = "/api/v1/authors/jane-doe"
    # Staff read with their token to edit: the public ETag validates the public response.
    etag = editor.etag(url)
    assert etag == created.headers["ETag"] != client.get(url).headers["ETag"]
    problem(editor.patch(url, {"name": "J. Doe"}), 428)
    response = editor.patch(url, {"name": "J. Doe", "slug": "j-doe"}, if_match=etag)
    assert response.status_code == 200 and response.get_json()["slug"] == "j-doe"
    problem(editor.patch("/api/v1/authors/j-doe", {"name": "Lost"}, if_match=etag), 412)
    body = problem(editor.patch("/api/v1/authors/j-doe", {"id": 3}, if_match=etag), 422)
    assert "id" in body["errors"]
    problem(editor.delete("/api/v1/authors/j-doe", if_match=etag), 412)
    new_etag = editor.etag("/api/v1/authors/j-doe")
    assert editor.delete("/api/v1/authors/j-doe", if_match=new_etag).status_code == 204
    problem(client.get("/api/v1/authors/j-doe"), 404)


def test_authors_with_articles_cannot_be_deleted(make, editor):
    make.author(slug="jane-doe")
    make.article(author="jane-doe")
    url = "/api/v1/authors/jane-doe"
    body = problem(editor.delete(url, if_match=editor.etag(url)), 409)
    assert "1 article" in body["detail"]
    assert (
        "slug"
        in problem(editor.post("/api/v1/authors", {"slug": "jane-doe", "name": "J"}), 409)["errors"]
    )


def test_topic_lifecycle_moves_and_guards(make, editor, client):
    assert (
        editor.post("/api/v1/topics", {"slug": "back-pain", "name": "Back pain"}).status_code == 201
    )
    child = editor.post(
        "/api/v1/topics", {"slug": "sciatica", "name": "Sciatica", "parent": "back-pain"}
    )
    assert child.status_code == 201
    assert child.get_json()["breadcrumbs"] == [topic_ref("back-pain", "Back pain")]
    url = "/api/v1/topics/back-pain"
    body = problem(editor.patch(url, {"parent": "sciatica"}, if_match=editor.etag(url)), 409)
    assert "parent" in body["errors"]
    body = problem(editor.delete(url, if_match=editor.etag(url)), 409)
    assert "subtopics" in body["detail"]
    body = problem(editor.post("/api/v1/topics", {"slug": "x", "name": "X", "parent": "nope"}), 422)
    assert "parent" in body["errors"]
    make.author(slug="jane-doe")
    make.article(author="jane-doe", topics=["sciatica"])
    leaf = "/api/v1/topics/sciatica"
    assert "Articles" in problem(editor.delete(leaf, if_match=editor.etag(leaf)), 409)["detail"]
    renamed = editor.patch(leaf, {"name": "Sciatic pain"}, if_match=editor.etag(leaf))
    assert renamed.status_code == 200 and renamed.get_json()["name"] == "Sciatic pain"

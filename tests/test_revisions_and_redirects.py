"""Revisions (list, read, diff, restore as a new revision) and old slugs that redirect."""

from __future__ import annotations

import pytest

from api.articles.models import ArticleStatus
from tests.support.staff import new_article, problem

URL = "/api/v1/articles/doc"


@pytest.fixture
def doc(make, editor):
    make.author(slug="jane-doe")
    make.author(slug="sam-lee")
    make.topic(slug="back-pain", name="Back pain")
    body = new_article(slug="doc", title="One", body_markdown="Line a\nLine b\n", comment="First")
    assert editor.post("/api/v1/articles", body).status_code == 201
    return editor


def test_every_content_change_is_a_revision_with_who_when_why(doc, make_staff, frozen_clock):
    writer = make_staff("editor", name="Second Editor")
    frozen_clock.advance(minutes=5)
    writer.edit(URL, {"title": "Two", "comment": "Clearer title"})
    frozen_clock.advance(minutes=5)
    doc.edit(URL, {"body_markdown": "Line a\nLine B\nLine c\n", "topics": ["back-pain"]})
    doc.edit(URL, {"canonical_url": "https://clinic.example/metadata-is-not-a-revision"})
    history = doc.get(f"{URL}/revisions").get_json()
    assert [(r["number"], r["comment"], r["created_by"]["name"]) for r in history] == [
        (3, "", doc.user.name),
        (2, "Clearer title", "Second Editor"),
        (1, "First", doc.user.name),
    ]
    assert history[1]["created_at"] == "2026-01-15T09:05:00+00:00"
    second = doc.get(f"{URL}/revisions/2").get_json()
    assert second["content"]["title"] == "Two"
    assert second["content"]["body_markdown"] == "Line a\nLine b\n"
    assert second["content"]["author"] == "jane-doe"
    problem(doc.get(f"{URL}/revisions/9"), 404)
    problem(doc.get("/api/v1/articles/nothing/revisions"), 404)


def test_diff_is_a_unified_markdown_diff_plus_changed_fields(doc):
    doc.edit(URL, {"title": "Two"})
    doc.edit(URL, {"body_markdown": "Line a\nLine B\nLine c\n", "topics": ["back-pain"]})
    diff = doc.get(f"{URL}/revisions/3/diff?against=1").get_json()
    assert diff["from_revision"] == 1 and diff["to_revision"] == 3
    assert diff["body_markdown_diff"].splitlines() == [
        "--- revision 1",
        "+++ revision 3",
        "@@ -1,2 +1,3 @@",
        " Line a",
        "-Line b",
        "+Line B",
        "+Line c",
    ]
    assert diff["changed_fields"] == {
        "title": {"from": "One", "to": "Two"},
        "topics": {"from": [], "to": ["back-pain"]},
        "primary_topic": {"from": None, "to": "back-pain"},
    }
    default = doc.get(f"{URL}/revisions/2/diff").get_json()
    assert default["from_revision"] == 1 and default["body_markdown_diff"] == ""
    first = doc.get(f"{URL}/revisions/1/diff").get_json()
    assert first["from_revision"] is None and "+Line a" in first["body_markdown_diff"]
    body = problem(doc.get(f"{URL}/revisions/2/diff?against=7"), 422)
    assert "against" in body["errors"]


def test_restore_makes_a_new_revision_and_never_rewrites_history(doc):
    doc.edit(URL, {"title": "Two", "body_markdown": "Rewritten\n", "author": "sam-lee"})
    response = doc.post(f"{URL}/revisions/1/restore", {"comment": "Back to the original"})
    assert response.status_code == 200
    restored = response.get_json()
    assert (restored["title"], restored["body_markdown"]) == ("One", "Line a\nLine b\n")
    assert restored["author"]["slug"] == "jane-doe"
    assert restored["current_revision"] == 3
    assert response.headers["ETag"] == doc.etag(URL)
    history = doc.get(f"{URL}/revisions").get_json()
    assert [(r["number"], r["comment"]) for r in history] == [
        (3, "Back to the original"),
        (2, ""),
        (1, "First"),
    ]
    assert doc.get(f"{URL}/revisions/2").get_json()["content"]["title"] == "Two"
    restored_again = doc.post(f"{URL}/revisions/2/restore")
    assert restored_again.get_json()["title"] == "Two"
    assert doc.get(f"{URL}/revisions/4").get_json()["comment"] == "Restored revision 2."
    problem(doc.post(f"{URL}/revisions/4/restore", if_match='"article-1-v1"'), 412)


def test_imported_content_gets_a_baseline_revision_on_its_first_change(make, editor):
    make.author(slug="jane-doe")
    make.article(slug="imported", author="jane-doe", status=ArticleStatus.DRAFT, title="Old")
    editor.edit("/api/v1/articles/imported", {"title": "New"})
    history = editor.get("/api/v1/articles/imported/revisions").get_json()
    assert [(r["number"], r["created_by"]) for r in history][1] == (1, None)
    assert editor.get("/api/v1/articles/imported/revisions/1").get_json()["content"]["title"] == (
        "Old"
    )


def test_revision_list_statement_count_is_constant(doc, count_queries):
    doc.get("/api/v1/users/me")
    counts = []
    for edits in (2, 12):
        for number in range(edits):
            doc.edit(URL, {"summary": f"Summary {edits}-{number}"})
        with count_queries() as counter:
            assert doc.get(f"{URL}/revisions?page_size=100").status_code == 200
        counts.append(counter.count)
    # token, article (+ its topics), count, page
    assert counts[0] == counts[1] <= 5, counts


def test_slug_rename_keeps_the_old_slug_as_a_301(make, editor, client):
    make.author(slug="jane-doe")
    make.article(slug="old-name", author="jane-doe")
    response = editor.edit("/api/v1/articles/old-name", {"slug": "new-name"})
    assert response.status_code == 200
    redirected = client.get("/api/v1/articles/old-name")
    assert redirected.status_code == 301
    assert redirected.headers["Location"] == "/api/v1/articles/new-name"
    assert client.get("/api/v1/articles/old-name", follow_redirects=True).get_json()["slug"] == (
        "new-name"
    )
    editor.edit("/api/v1/articles/new-name", {"slug": "newest-name"})
    for old in ("old-name", "new-name"):
        assert client.get(f"/api/v1/articles/{old}").headers["Location"] == (
            "/api/v1/articles/newest-name"
        )
    # The article may take an old slug of its own back; another article may not take it.
    body = problem(editor.post("/api/v1/articles", new_article(slug="old-name")), 409)
    assert "slug" in body["errors"]
    editor.edit("/api/v1/articles/newest-name", {"slug": "old-name"})
    assert client.get("/api/v1/articles/old-name").status_code == 200
    assert client.get("/api/v1/articles/newest-name").status_code == 301


def test_redirects_do_not_reveal_unpublished_articles(make, editor, client):
    make.author(slug="jane-doe")
    make.article(slug="was-draft", author="jane-doe", status=ArticleStatus.DRAFT)
    editor.edit("/api/v1/articles/was-draft", {"slug": "still-draft"})
    problem(client.get("/api/v1/articles/was-draft"), 404)
    assert editor.get("/api/v1/articles/was-draft").status_code == 301

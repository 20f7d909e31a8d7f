"""A published article stays online while its next revision is in review (issue 14, item 3).

Walked through the HTTP API: the public keeps the approved revision (same body, same ETag,
no change event) while staff edit, submit, approve or reject the next one; its author cannot
approve it; publishing makes it live with a new ETag and an `article.updated` event.
"""

from __future__ import annotations

import hashlib
import json

import pytest

from tests.support.changes import read_all
from tests.support.importer import write
from tests.support.staff import new_article, problem

URL = "/api/v1/articles/doc"
OLD_BODY = "First paragraph.\n\n## A part\n\nMore text.\n"
NEW_BODY = "Walk a little every day.\n\n## Heat\n\nA warm pack for twenty minutes helps.\n"


@pytest.fixture
def feed(make_app):
    return make_app(CHANGES_SAFETY_LAG_SECONDS=0).test_client()


@pytest.fixture
def actors(frozen_clock, make, make_staff):
    make.author(slug="jane-doe")
    writer = make_staff("writer")
    assert writer.post("/api/v1/articles", new_article(slug="doc")).status_code == 201
    actors = {
        "writer": writer,
        "reviewer": make_staff("reviewer", credentials="MD"),
        "other_reviewer": make_staff("reviewer", credentials="MD, Board-certified physiatrist"),
        "editor": make_staff("editor"),
        "admin": make_staff("admin", credentials="MD"),
    }
    for who, action in [("writer", "submit"), ("reviewer", "approve"), ("editor", "publish")]:
        assert act(actors[who], action).status_code == 200
    return actors


def act(staff, action: str, **body):
    return staff.post(f"{URL}/transitions", {"action": action, **body})


def public(client, etag: str | None = None):
    headers = {"If-None-Match": etag} if etag else {}
    return client.get(URL, headers=headers)


def sha256_of(content: dict) -> str:
    """The documented hash of reviewed content: SHA-256 of its canonical JSON."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def test_the_next_revision_goes_live_only_once_approved_and_published(
    actors, client, feed, frozen_clock
):
    live = public(client)
    assert live.status_code == 200
    etag, updated_at = live.headers["ETag"], live.get_json()["updated_at"]
    _, cursor = read_all(feed)
    admin, editor = actors["admin"], actors["editor"]

    # An admin (who could approve) edits the body: staff see the working copy.
    edited = admin.edit(URL, {"body_markdown": NEW_BODY, "comment": "Add heat"})
    assert edited.status_code == 200, edited.get_json()
    staff_copy = edited.get_json()
    assert staff_copy["status"] == "published"
    assert staff_copy["body_markdown"] == NEW_BODY and "A warm pack" in staff_copy["body_html"]
    assert staff_copy["current_revision"] == 2 and staff_copy["live_revision"] == 1
    assert staff_copy["pending_revision"] == {"number": 2, "state": "draft"}
    assert staff_copy["allowed_actions"] == ["submit", "approve", "unpublish", "archive"]
    assert admin.get(URL).get_json()["body_markdown"] == NEW_BODY

    # The public still gets the approved revision: 200, same ETag (a 304), no event.
    assert public(client, etag).status_code == 304
    served = public(client)
    assert served.status_code == 200 and served.headers["ETag"] == etag
    assert "More text." in served.get_json()["body_html"]
    assert "A warm pack" not in served.get_json()["body_html"]
    assert served.get_json()["updated_at"] == updated_at
    listed = client.get("/api/v1/articles").get_json()
    assert [(a["slug"], a["updated_at"]) for a in listed] == [("doc", updated_at)]
    assert read_all(feed, cursor)[0] == []

    # Submitted: still live, still the old body; its author cannot approve it.
    submitted = act(editor, "submit")
    assert submitted.status_code == 200
    assert submitted.get_json()["status"] == "published"
    assert submitted.get_json()["pending_revision"] == {"number": 2, "state": "in_review"}
    assert "approve" in admin.get(URL).get_json()["allowed_actions"]
    assert "approve" not in admin.get(URL).get_json()["your_actions"]
    refused = problem(act(admin, "approve"), 403)
    assert "revision 2" in refused["detail"]
    not_yet = problem(act(editor, "publish"), 409)
    assert not_yet["detail"].startswith("Cannot publish revision 2, pending (in_review)")
    assert public(client, etag).status_code == 304

    # Another reviewer approves exactly the pending content.
    reviewer = actors["other_reviewer"]
    assert "approve" in reviewer.get(URL).get_json()["your_actions"]
    approved = act(reviewer, "approve", comment="Sound.")
    assert approved.status_code == 200, approved.get_json()
    assert approved.get_json()["pending_revision"] == {"number": 2, "state": "approved"}
    [record, first] = reviewer.get(f"{URL}/reviews").get_json()
    pending_content = reviewer.get(f"{URL}/revisions/2").get_json()["content"]
    assert record["revision"] == 2 and first["revision"] == 1
    assert record["content_sha256"] == sha256_of(pending_content)
    assert public(client, etag).status_code == 304
    assert public(client).get_json()["review"]["reviewed_by"]["credentials"] == "MD"

    # Published: the public sees the new body, a new ETag, an article.updated event.
    frozen_clock.advance(minutes=1)
    published = act(editor, "publish")
    assert published.status_code == 200
    body = published.get_json()
    assert body["status"] == "published" and body["pending_revision"] is None
    assert body["live_revision"] == 2
    assert public(client, etag).status_code == 200
    now_live = public(client)
    assert now_live.headers["ETag"] != etag
    assert "A warm pack" in now_live.get_json()["body_html"]
    assert now_live.get_json()["updated_at"] != updated_at
    review = now_live.get_json()["review"]["reviewed_by"]
    assert review == {"name": reviewer.user.name, "credentials": "MD, Board-certified physiatrist"}
    events = read_all(feed, cursor)[0]
    assert [(e["type"], e["slug"]) for e in events] == [("article.updated", "doc")]


def test_a_rejected_revision_goes_back_to_its_writers_and_the_article_stays(actors, client):
    editor, reviewer = actors["editor"], actors["reviewer"]
    etag = public(client).headers["ETag"]
    assert editor.edit(URL, {"title": "A new title"}).status_code == 200
    assert act(editor, "submit").status_code == 200
    problem(act(reviewer, "reject"), 422)  # a reason is required
    rejected = act(reviewer, "reject", comment="Cite a source for the heat advice.")
    assert rejected.status_code == 200
    body = rejected.get_json()
    assert body["status"] == "published" and body["title"] == "A new title"
    assert body["pending_revision"] == {"number": 2, "state": "draft"}
    assert body["review_comment"] == "Cite a source for the heat advice."
    assert public(client, etag).status_code == 304
    # Edited again and resubmitted: the same road.
    assert editor.edit(URL, {"title": "A better title"}).status_code == 200
    assert editor.get(URL).get_json()["pending_revision"] == {"number": 3, "state": "draft"}
    assert act(editor, "submit").status_code == 200
    assert act(reviewer, "approve").status_code == 200
    assert act(editor, "publish").status_code == 200
    assert public(client).get_json()["title"] == "A better title"


@pytest.mark.parametrize(
    "change",
    [
        {"meta_description": "New words patients read in search results."},
        {"feature_image_url": "https://media.clinic.example/new.jpg", "feature_image_alt": "A"},
    ],
)
def test_meta_description_and_feature_image_take_the_same_road(actors, client, change):
    editor = actors["editor"]
    before = public(client)
    edited = editor.edit(URL, change)
    assert edited.status_code == 200
    assert edited.get_json()["pending_revision"] == {"number": 2, "state": "draft"}
    assert {name: edited.get_json()[name] for name in change} == change
    assert public(client, before.headers["ETag"]).status_code == 304
    for name in change:
        assert public(client).get_json()[name] == before.get_json()[name]
    assert act(editor, "submit").status_code == 200
    assert act(actors["reviewer"], "approve").status_code == 200
    assert act(editor, "publish").status_code == 200
    assert {name: public(client).get_json()[name] for name in change} == change


def test_metadata_applies_at_once_and_unpublish_takes_the_working_copy(actors, client):
    editor = actors["editor"]
    etag = public(client).headers["ETag"]
    canonical = {"canonical_url": "https://clinic.example/canonical"}
    assert editor.edit(URL, canonical).get_json()["pending_revision"] is None
    assert public(client, etag).status_code == 200  # metadata patients' pages carry: news
    assert public(client).get_json()["canonical_url"] == canonical["canonical_url"]
    assert editor.edit(URL, {"summary": "Pending summary."}).status_code == 200
    problem(act(editor, "publish", published_at="2026-02-01T00:00:00+00:00"), 409)
    unpublished = act(editor, "unpublish")
    assert unpublished.status_code == 200
    body = unpublished.get_json()
    assert body["status"] == "draft" and body["summary"] == "Pending summary."
    assert body["pending_revision"] is None and body["live_revision"] is None
    problem(public(client), 404)


def test_archive_keeps_the_pending_revision_and_the_live_content(actors):
    editor = actors["editor"]
    assert editor.edit(URL, {"summary": "Pending summary."}).status_code == 200
    archived = act(editor, "archive")
    assert archived.status_code == 200
    assert archived.get_json()["pending_revision"] == {"number": 2, "state": "draft"}
    assert archived.get_json()["allowed_actions"] == ["unpublish"]
    assert editor.edit(URL, {"summary": "Still pending."}).status_code == 200
    assert editor.get(URL).get_json()["pending_revision"]["number"] == 3


def test_the_author_of_the_revision_under_review_is_not_offered_approve(
    actors, make_app, make_staff
):
    admin = actors["admin"]
    assert admin.edit(URL, {"summary": "Changed by the admin."}).status_code == 200
    assert act(admin, "submit").status_code == 200
    assert "approve" not in admin.get(URL).get_json()["your_actions"]
    # The clinic allows self-approval: then it is offered, and recorded as such.
    lenient = make_app(REVIEW_ALLOW_SELF_APPROVAL=True).test_client()
    headers = {"Authorization": f"Bearer {admin.token}"}
    assert "approve" in lenient.get(URL, headers=headers).get_json()["your_actions"]
    approved = lenient.post(f"{URL}/transitions", json={"action": "approve"}, headers=headers)
    assert approved.status_code == 200, approved.get_json()
    assert admin.get(f"{URL}/reviews").get_json()[0]["self_approved"] is True
    # Without credentials approving is not something a reviewer can do at all.
    bare = make_staff("reviewer", credentials="")
    assert "approve" not in bare.get(URL).get_json()["your_actions"]


def test_reimporting_a_published_slug_makes_a_pending_revision(
    actors, client, runner, tmp_path, make
):
    make.topic(slug="back-pain", name="Back pain")
    editor = actors["editor"]
    etag = public(client).headers["ETag"]
    live = public(client).get_json()
    text = (
        "---\n"
        f'title: "{live["title"]}"\n'
        "slug: doc\n"
        f'summary: "{live["summary"]}"\n'
        "author: jane-doe\n"
        "---\n\n"
        "Take 800 mg ibuprofen.\n"
    )
    path = write(tmp_path, "doc.md", text)
    result = runner.invoke(args=["import-articles", str(path)])
    assert result.exit_code == 0, result.output
    staff_copy = editor.get(URL).get_json()
    assert staff_copy["pending_revision"] == {"number": 2, "state": "draft"}
    assert staff_copy["body_markdown"] == "Take 800 mg ibuprofen.\n"
    assert public(client, etag).status_code == 304
    assert "ibuprofen" not in public(client).get_json()["body_html"]
    # Importing the same file again writes nothing; --submit sends it for review.
    again = runner.invoke(args=["import-articles", str(path)])
    assert again.exit_code == 0 and editor.get(URL).get_json()["current_revision"] == 2
    write(tmp_path, "doc.md", text.replace("800 mg", "400 mg"))
    submitted = runner.invoke(args=["import-articles", "--submit", str(path)])
    assert submitted.exit_code == 0, submitted.output
    staff_copy = editor.get(URL).get_json()
    assert staff_copy["pending_revision"] == {"number": 3, "state": "in_review"}
    assert staff_copy["status"] == "published"
    assert public(client, etag).status_code == 304


def test_a_pending_revision_in_review_is_in_the_review_queue(actors):
    editor, reviewer = actors["editor"], actors["reviewer"]

    def queue():
        return [(a["slug"], a["reason"]) for a in reviewer.get("/api/v1/review-queue").get_json()]

    assert queue() == []
    assert editor.edit(URL, {"summary": "Pending summary."}).status_code == 200
    assert queue() == []  # a draft is not the reviewers' yet
    assert act(editor, "submit").status_code == 200
    assert queue() == [("doc", "awaiting_review")]
    assert act(reviewer, "approve").status_code == 200
    assert queue() == []


def test_withdrawing_an_overdue_article_sends_its_newest_revision_to_review(
    actors, make_app, frozen_clock
):
    editor = actors["editor"]
    assert editor.edit(URL, {"summary": "Pending summary."}).status_code == 200
    app = make_app(REVIEW_OVERDUE_ACTION="withdraw", REVIEW_GRACE_DAYS=7)
    frozen_clock.advance(days=400)
    result = app.test_cli_runner().invoke(args=["review", "withdraw-overdue"])
    assert result.output.strip() == "withdrew 1 article(s): doc"
    withdrawn = editor.get(URL).get_json()
    assert withdrawn["status"] == "in_review" and withdrawn["summary"] == "Pending summary."
    assert withdrawn["pending_revision"] is None and withdrawn["live_revision"] is None
    assert withdrawn["current_revision"] == 2


def test_a_preview_of_a_published_article_shows_its_pending_revision(actors, client):
    editor = actors["editor"]
    assert editor.edit(URL, {"body_markdown": NEW_BODY}).status_code == 200
    token = editor.post(f"{URL}/previews").get_json()["token"]

    preview = client.get(f"/api/v1/previews/{token}").get_json()
    assert "A warm pack" in preview["body_html"]
    # The public still reads the approved revision.
    assert "A warm pack" not in public(client).get_json()["body_html"]

"""The editorial workflow: every transition from every state, legal and illegal; approval of
the current revision; edits to published content wait as a pending revision; scheduled
publishing with time travel."""

from __future__ import annotations

import pytest

from tests.support.staff import new_article, problem

URL = "/api/v1/articles/doc"
ACTIONS = ["submit", "approve", "reject", "publish", "unpublish", "archive"]


@pytest.fixture
def actors(make, make_staff):
    make.author(slug="jane-doe")
    writer = make_staff("writer")
    assert writer.post("/api/v1/articles", new_article(slug="doc")).status_code == 201
    return {
        "writer": writer,
        "reviewer": make_staff("reviewer", credentials="MD"),
        "editor": make_staff("editor"),
        # Approving needs credentials, admins included.
        "admin": make_staff("admin", credentials="MD"),
    }


def act(staff, action: str, **body):
    return staff.post(f"{URL}/transitions", {"action": action, **body})


STEPS = {
    "draft": [],
    "in_review": [("writer", "submit")],
    "approved": [("writer", "submit"), ("reviewer", "approve")],
    "published": [("writer", "submit"), ("reviewer", "approve"), ("editor", "publish")],
    "archived": [
        ("writer", "submit"),
        ("reviewer", "approve"),
        ("editor", "publish"),
        ("editor", "archive"),
    ],
}


def bring_to(state: str, actors) -> None:
    """Walk the article to a state through the API, each step by the role that does it."""
    for who, action in STEPS[state]:
        assert act(actors[who], action, comment="ok").status_code == 200


# state -> {legal action: resulting status}; every other action is a 409.
LEGAL = {
    "draft": {"submit": "in_review"},
    "in_review": {"approve": "in_review", "reject": "draft"},
    "approved": {"reject": "draft", "publish": "published"},
    "published": {"approve": "published", "unpublish": "draft", "archive": "archived"},
    "archived": {"unpublish": "draft"},
}


@pytest.mark.parametrize("state", list(LEGAL))
@pytest.mark.parametrize("action", ACTIONS)
def test_every_transition_from_every_state(actors, state, action):
    bring_to(state, actors)
    admin = actors["admin"]
    before = admin.get(URL).get_json()
    response = act(admin, action, comment="Because.")
    if action in LEGAL[state]:
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["status"] == LEGAL[state][action]
    else:
        body = problem(response, 409)
        assert body["allowed_actions"] == sorted(LEGAL[state], key=ACTIONS.index)
        assert body["your_actions"] == body["allowed_actions"]  # an admin may do them all
        after = admin.get(URL).get_json()
        assert after["status"] == before["status"] and after["version"] == before["version"]


def test_the_409_lists_what_the_state_allows_and_what_you_may_do(actors):
    body = problem(act(actors["editor"], "publish"), 409)
    assert body["allowed_actions"] == ["submit"] and body["your_actions"] == ["submit"]
    act(actors["writer"], "submit")
    body = problem(act(actors["editor"], "publish"), 409)
    assert body["allowed_actions"] == ["approve", "reject"] and body["your_actions"] == []


def test_roles_are_checked_before_states(actors):
    problem(act(actors["writer"], "publish"), 403)
    problem(act(actors["writer"], "approve"), 403)
    problem(act(actors["reviewer"], "submit"), 403)
    problem(act(actors["editor"], "approve"), 403)


def test_reject_needs_a_comment_and_shows_it_to_the_writer(actors):
    bring_to("in_review", actors)
    body = problem(act(actors["reviewer"], "reject"), 422)
    assert "comment" in body["errors"]
    response = act(actors["reviewer"], "reject", comment="Cite the 2024 guideline.")
    assert response.get_json()["status"] == "draft"
    seen = actors["writer"].get(URL).get_json()
    assert seen["review_comment"] == "Cite the 2024 guideline."
    assert seen["allowed_actions"] == ["submit"]


def test_publishing_needs_an_approval_given_after_the_last_content_change(actors):
    bring_to("approved", actors)
    editor = actors["editor"]
    assert editor.edit(URL, {"body_markdown": "Changed after the review."}).status_code == 200
    body = problem(act(editor, "publish"), 409)
    assert body["allowed_actions"] == ["approve", "reject"]
    assert act(actors["reviewer"], "approve").status_code == 200
    assert act(editor, "publish").get_json()["status"] == "published"


def test_metadata_changes_keep_the_approval(actors):
    bring_to("approved", actors)
    editor = actors["editor"]
    assert editor.edit(URL, {"canonical_url": "https://clinic.example/x"}).status_code == 200
    assert act(editor, "publish").status_code == 200


@pytest.mark.parametrize(
    "change",
    [
        {"meta_description": "For search engines."},
        {"feature_image_url": "https://media.clinic.example/other.jpg"},
        {"feature_image_alt": "Another picture"},
    ],
)
def test_what_patients_see_needs_a_new_approval(actors, change):
    """Meta description and feature image are reviewed content: a change is a revision."""
    bring_to("approved", actors)
    editor = actors["editor"]
    edited = editor.edit(URL, change).get_json()
    assert edited["current_revision"] == 2 and edited["approved_revision"] == 1
    problem(act(editor, "publish"), 409)
    assert act(actors["reviewer"], "approve").status_code == 200
    assert act(editor, "publish").status_code == 200


def test_published_content_changes_wait_for_review_but_metadata_does_not(actors, client):
    bring_to("published", actors)
    editor = actors["editor"]
    edited = editor.edit(URL, {"title": "Live edit", "summary": "x"})
    assert edited.status_code == 200
    assert edited.get_json()["pending_revision"] == {"number": 2, "state": "draft"}
    assert edited.get_json()["allowed_actions"] == ["submit", "approve", "unpublish", "archive"]
    assert client.get(URL).get_json()["title"] != "Live edit"  # the public keeps revision 1
    response = editor.edit(URL, {"canonical_url": "https://clinic.example/c"})
    assert response.status_code == 200
    assert client.get(URL).get_json()["canonical_url"] == "https://clinic.example/c"
    assert act(editor, "unpublish").get_json()["status"] == "draft"
    assert editor.get(URL).get_json()["title"] == "Live edit"
    assert editor.edit(URL, {"title": "Edited while a draft"}).status_code == 200


def test_writers_edit_only_while_draft(actors):
    writer = actors["writer"]
    bring_to("in_review", actors)
    body = problem(writer.patch(URL, {"title": "x"}, if_match=writer.etag(URL)), 409)
    assert body["article_status"] == "in_review"


def test_approval_records_the_medical_review(actors, client, frozen_clock, make_app):
    bring_to("published", actors)
    public = client.get(URL).get_json()
    reviewer = actors["reviewer"].user
    assert public["reviewed_by"] == {"name": reviewer.name, "credentials": "MD"}
    assert public["last_reviewed_at"] == "2026-01-15T09:00:00+00:00"
    assert public["next_review_due"] == "2027-01-15"
    frozen_clock.advance(days=400)
    other = make_app(REVIEW_INTERVAL_DAYS=90).test_client()
    response = other.post(
        f"{URL}/transitions",
        json={"action": "approve"},
        headers={"Authorization": f"Bearer {actors['reviewer'].token}"},
    )
    assert response.status_code == 200
    assert response.get_json()["status"] == "published"
    assert response.get_json()["next_review_due"] == "2027-05-20"  # 2026-01-15 + 400 days + 90 days


def test_scheduled_publishing_with_time_travel(actors, client, frozen_clock):
    bring_to("approved", actors)
    editor = actors["editor"]
    response = act(editor, "publish", published_at="2026-01-15T12:00:00+00:00")
    assert response.get_json()["status"] == "published"
    problem(client.get(URL), 404)
    assert client.get("/api/v1/articles").get_json() == []
    frozen_clock.advance(hours=2, minutes=59)
    problem(client.get(URL), 404)
    frozen_clock.advance(minutes=1)
    assert client.get(URL).status_code == 200
    assert [a["slug"] for a in client.get("/api/v1/articles").get_json()] == ["doc"]


def test_publish_time_set_beforehand_with_patch(actors, client, frozen_clock):
    editor = actors["editor"]
    assert editor.edit(URL, {"published_at": "2026-02-01T08:00:00+00:00"}).status_code == 200
    bring_to("approved", actors)
    assert act(editor, "publish").get_json()["published_at"] == "2026-02-01T08:00:00+00:00"
    problem(client.get(URL), 404)
    frozen_clock.advance(days=17)
    assert client.get(URL).status_code == 200


def test_published_at_goes_with_publish_only(actors):
    body = problem(act(actors["writer"], "submit", published_at="2026-02-01T08:00:00+00:00"), 422)
    assert "published_at" in body["errors"]
    problem(act(actors["writer"], "dance"), 422)
    problem(actors["writer"].post(f"{URL}/transitions", {}), 422)

"""Clinical governance (issue 14 items 4 and 5): separation of duties, reviewer credentials,
the review record staff audit and the review patients see."""

from __future__ import annotations

import hashlib
import json

import pytest

from tests.support.staff import Staff, new_article, problem

URL = "/api/v1/articles/doc"


@pytest.fixture
def drafted(make, make_staff):
    """An article in review, written by a writer."""
    make.author(slug="jane-doe")
    writer = make_staff("writer")
    assert writer.post("/api/v1/articles", new_article(slug="doc")).status_code == 201
    assert writer.post(f"{URL}/transitions", {"action": "submit"}).status_code == 200
    return writer


def act(staff: Staff, action: str, **body):
    return staff.post(f"{URL}/transitions", {"action": action, **body})


def test_nobody_approves_their_own_change_not_even_an_admin(drafted, make_staff):
    admin = make_staff("admin", name="Dr Ada", credentials="MD")
    assert admin.edit(URL, {"summary": "Admin wording."}).status_code == 200
    body = problem(act(admin, "approve"), 403)
    assert "separation of duties" in body["detail"] and "action" in body["errors"]
    staff_view = admin.get(URL).get_json()
    assert staff_view["approved_revision"] is None
    assert admin.get(f"{URL}/reviews").get_json() == []
    # Someone else who did not make revision 2 may approve it.
    other = make_staff("reviewer", name="Dr Bo", credentials="DO")
    assert act(other, "approve").status_code == 200


def test_a_writer_turned_reviewer_cannot_sign_their_own_revision(drafted, make_staff, admin):
    url = f"/api/v1/users/{drafted.user.id}"
    changed = admin.patch(url, {"role": "reviewer", "credentials": "RN"}, if_match=admin.etag(url))
    assert changed.status_code == 200
    problem(act(drafted, "approve"), 403)


def test_self_approval_when_the_clinic_allows_it_is_recorded(drafted, make_staff, make_app):
    admin = make_staff("admin", name="Dr Ada", credentials="MD")
    assert admin.edit(URL, {"summary": "Admin wording."}).status_code == 200
    lenient = Staff(
        make_app(REVIEW_ALLOW_SELF_APPROVAL=True).test_client(), admin.user, admin.token
    )
    assert act(lenient, "approve").status_code == 200
    [record] = admin.get(f"{URL}/reviews").get_json()
    assert record["self_approved"] is True and record["revision"] == 2


@pytest.mark.parametrize(
    ("profile", "missing"),
    [({"credentials": None}, ["credentials"]), ({"credentials": "   "}, ["credentials"])],
)
def test_approval_needs_a_reviewer_with_credentials(drafted, make_staff, admin, profile, missing):
    reviewer = make_staff("reviewer", name="Dr Rivera", **profile)
    body = problem(act(reviewer, "approve"), 409)
    assert sorted(body["errors"]) == missing and "credentials" in body["detail"]
    assert admin.get(URL).get_json()["approved_revision"] is None
    url = f"/api/v1/users/{reviewer.user.id}"
    assert (
        admin.patch(
            url, {"credentials": "MD, Board-certified physiatrist"}, if_match=admin.etag(url)
        ).status_code
        == 200
    )
    assert act(reviewer, "approve").status_code == 200


def test_users_create_takes_credentials_that_let_a_reviewer_approve(drafted, runner, app):
    result = runner.invoke(
        args=[
            "users", "create", "--name", "Dr Cole", "--email", "cole@clinic.example",
            "--role", "reviewer", "--credentials", "MD, Board-certified physiatrist",
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    from api.core.auth import issue_token
    from api.extensions import db
    from api.users.models import User

    with app.app_context(), db.transaction():
        user = db.session.query(User).filter_by(email="cole@clinic.example").one()
        _token, plain = issue_token(user, "tests")
    cole = Staff(app.test_client(), user, plain)
    assert act(cole, "approve").status_code == 200
    [record] = cole.get(f"{URL}/reviews").get_json()
    assert record["reviewer_credentials"] == "MD, Board-certified physiatrist"


def canonical_sha256(content: dict) -> str:
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def test_each_approval_is_recorded_with_what_was_signed(
    drafted, make_staff, admin, editor, frozen_clock
):
    reviewer = make_staff("reviewer", name="Dr Rivera", credentials="MD")
    assert act(reviewer, "approve", comment="Accurate.").status_code == 200
    assert act(editor, "publish").status_code == 200
    article = admin.get(URL).get_json()
    signed = {
        "title": article["title"],
        "summary": article["summary"],
        "body_markdown": article["body_markdown"],
        "language": "en",
        "author": "jane-doe",
        "topics": [],
        "primary_topic": None,
        "meta_description": None,
        "feature_image_url": None,
        "feature_image_alt": None,
        "feature_image_id": None,
        "media_text": {},
        "audience": "patient",
        "disclaimer_markdown": None,
        "references": [],
    }
    # The reviewer's profile changes later; the record keeps what they were when they signed.
    url = f"/api/v1/users/{reviewer.user.id}"
    admin.patch(url, {"credentials": "MD, PhD"}, if_match=admin.etag(url))
    frozen_clock.advance(days=200)
    assert act(reviewer, "approve", comment="Still right.").status_code == 200
    newest, first = admin.get(f"{URL}/reviews").get_json()
    assert first == {
        "revision": 1,
        "reviewer_id": reviewer.user.id,
        "reviewer_name": "Dr Rivera",
        "reviewer_credentials": "MD",
        "content_sha256": canonical_sha256(signed),
        "reviewed_at": "2026-01-15T09:00:00+00:00",
        "next_review_due": "2027-01-15",
        "comment": "Accurate.",
        "self_approved": False,
    }
    assert newest["reviewer_credentials"] == "MD, PhD"
    assert newest["reviewed_at"].startswith("2026-08-03") and newest["comment"] == "Still right."
    audit = admin.get("/api/v1/audit?object_type=article").get_json()
    approvals = [entry for entry in audit if entry["action"] == "article.approve"]
    assert approvals[-1]["changes"]["content_sha256"] == canonical_sha256(signed)


def test_the_history_is_for_staff_only(drafted, client):
    problem(client.get(f"{URL}/reviews"), 401)
    problem(drafted.get("/api/v1/articles/nothing/reviews"), 404)


def test_patients_see_who_reviewed_and_whether_the_review_is_current(
    drafted, make_staff, editor, client, frozen_clock
):
    reviewer = make_staff("reviewer", name="Dr Rivera", credentials="MD, FACP")
    act(reviewer, "approve")
    act(editor, "publish")
    review = client.get(URL).get_json()["review"]
    assert review == {
        "reviewed_by": {"name": "Dr Rivera", "credentials": "MD, FACP"},
        "reviewed_at": "2026-01-15T09:00:00+00:00",
        "next_review_due": "2027-01-15",
        "status": "current",
    }
    frozen_clock.advance(days=340)  # 2026-12-21: within 30 days of the due date
    assert client.get(URL).get_json()["review"]["status"] == "due_soon"
    frozen_clock.advance(days=26)  # 2027-01-16: past it
    assert client.get(URL).get_json()["review"]["status"] == "overdue"
    act(reviewer, "approve")
    assert client.get(URL).get_json()["review"]["status"] == "current"


def test_an_article_never_reviewed_says_so(make, client):
    make.article(slug="doc")
    assert client.get(URL).get_json()["review"] is None

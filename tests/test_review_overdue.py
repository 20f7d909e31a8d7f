"""Overdue reviews have consequences (issue 14 item 6): flagged by default, withdrawn under
REVIEW_OVERDUE_ACTION=withdraw after the grace days, and reviewers mailed daily."""

from __future__ import annotations

import pytest

from tests.support.changes import read_all
from tests.support.newsletter import run_outbox
from tests.support.staff import Staff, new_article, staff_headers

URL = "/api/v1/articles/doc"


def publish(writer: Staff, reviewer: Staff, editor: Staff, slug: str = "doc") -> None:
    """Write, review and publish an article through the API (on the frozen clock's day)."""
    assert writer.post("/api/v1/articles", new_article(slug=slug)).status_code == 201
    url = f"/api/v1/articles/{slug}/transitions"
    for who, action in ((writer, "submit"), (reviewer, "approve"), (editor, "publish")):
        assert who.post(url, {"action": action}).status_code == 200


@pytest.fixture
def team(make, make_staff):
    make.author(slug="jane-doe")
    return {
        "writer": make_staff("writer"),
        "reviewer": make_staff("reviewer", name="Dr Rivera", credentials="MD"),
        "editor": make_staff("editor"),
    }


def on(app, staff: Staff) -> Staff:
    return Staff(app.test_client(), staff.user, staff.token)


def test_by_default_an_overdue_article_stays_public_flagged(team, client, runner, frozen_clock):
    publish(**team)
    frozen_clock.advance(days=400)
    result = runner.invoke(args=["review", "withdraw-overdue"])
    assert "overdue articles stay public, flagged" in result.output
    response = client.get(URL)
    assert response.status_code == 200 and response.get_json()["review"]["status"] == "overdue"


def test_withdraw_takes_an_overdue_article_offline_until_approved_again(
    team, make_app, frozen_clock
):
    app = make_app(
        REVIEW_OVERDUE_ACTION="withdraw",
        REVIEW_GRACE_DAYS=7,
        CHANGES_SAFETY_LAG_SECONDS=0,
        WEBHOOK_ALLOW_PRIVATE_TARGETS=True,
    )
    public = app.test_client()
    writer, reviewer, editor = (on(app, team[role]) for role in ("writer", "reviewer", "editor"))
    publish(writer, reviewer, editor)  # 2026-01-15: next review due 2027-01-15
    headers = staff_headers(app)
    hook = public.post(
        "/api/v1/webhooks",
        json={"url": "http://127.0.0.1:9/hook", "events": ["*"], "secret": "s" * 24},
        headers=headers,
    )
    assert hook.status_code == 201, hook.get_json()

    frozen_clock.advance(days=372)  # 2027-01-22: due + 7 grace days, not past them
    assert "withdrew 0" in app.test_cli_runner().invoke(args=["review", "withdraw-overdue"]).output
    assert public.get(URL).status_code == 200
    frozen_clock.advance(days=1)
    result = app.test_cli_runner().invoke(args=["review", "withdraw-overdue"])
    assert result.output.strip() == "withdrew 1 article(s): doc"
    assert public.get(URL).status_code == 404
    events, _ = read_all(public)
    assert [(e["type"], e["slug"]) for e in events if e["object"] == "article"] == [
        ("article.published", "doc"),
        ("article.unpublished", "doc"),
    ]
    sent = public.get(f"/api/v1/webhooks/{hook.get_json()['id']}/deliveries", headers=headers)
    assert [d["event_type"] for d in sent.get_json()] == ["article.unpublished"]
    staff_view = editor.get(URL).get_json()
    assert staff_view["status"] == "in_review" and staff_view["approved_revision"] is None
    assert "overdue" in staff_view["review_comment"]
    audit = public.get("/api/v1/audit?object_type=article", headers=headers).get_json()
    assert audit[0]["action"] == "article.withdraw" and audit[0]["actor"] is None

    # Re-approved and published, it is back, its review current again.
    assert reviewer.post(f"{URL}/transitions", {"action": "approve"}).status_code == 200
    assert editor.post(f"{URL}/transitions", {"action": "publish"}).status_code == 200
    assert public.get(URL).get_json()["review"]["status"] == "current"


def test_a_bad_overdue_action_stops_the_start_up(make_app, monkeypatch):
    from api.config import from_environment

    monkeypatch.setenv("REVIEW_OVERDUE_ACTION", "delete")
    with pytest.raises(ValueError, match="REVIEW_OVERDUE_ACTION must be one of flag, withdraw"):
        from_environment()


def test_reviewers_are_mailed_their_due_and_overdue_articles_once_a_day(
    team, make_staff, mail_app, smtp_server, frozen_clock
):
    other = make_staff("reviewer", name="Dr Okafor", credentials="DO")
    publish(**team, slug="early")  # due 2027-01-15
    frozen_clock.advance(days=60)
    publish(team["writer"], other, team["editor"], slug="later")  # due 2027-03-16
    frozen_clock.advance(days=300)  # 2027-01-10: "early" due within 30 days, "later" not
    runner = mail_app.test_cli_runner()
    assert "queued 1 review reminder" in runner.invoke(args=["review", "notify"]).output
    assert "queued 0" in runner.invoke(args=["review", "notify"]).output  # same day: no repeat
    assert run_outbox(mail_app) == 1
    [mail] = smtp_server.messages
    assert mail["To"] == team["reviewer"].user.email
    assert mail["Subject"] == "1 article(s) due for medical review"
    assert "due 2027-01-15" in mail.get_content() and "/learn/early" in mail.get_content()

    frozen_clock.advance(days=60)  # 2027-03-11: "early" overdue, "later" due soon
    assert "queued 2" in runner.invoke(args=["review", "notify"]).output
    assert run_outbox(mail_app) == 2
    by_recipient = {m["To"]: m.get_content() for m in smtp_server.messages[1:]}
    assert "OVERDUE 2027-01-15" in by_recipient[team["reviewer"].user.email]
    assert "due 2027-03-16" in by_recipient[other.user.email]

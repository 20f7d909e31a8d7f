"""Newsletter issues through the API and a real SMTP server: `auto` picks each subscriber's new
articles in their language and topics, the mail is well formed and compliant, a sent issue is
immutable, the preview is what is sent, test sends reach staff only."""

from __future__ import annotations

import datetime as dt
import re
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qs, quote, urlsplit

from tests.support.issues import (
    ISSUES,
    NOW,
    POSTAL_ADDRESS,
    SUBSCRIBERS,
    as_staff,
    mails_to,
    parts,
    subscribe,
    subscriber_id,
)
from tests.support.newsletter import link_token, run_outbox
from tests.support.staff import problem

MESSAGE_ID = re.compile(r"<[^<>@\s]+@[^<>@\s]+>")


def _article_slugs(text: str) -> list[str]:
    return re.findall(r"https://clinic\.example/learn/([a-z0-9-]+)\?", text)


def _people(issue_app, smtp_server, make):
    """Topics, articles of the last days in two languages, and five signups."""
    spine, heart, knee = (make.topic(slug=slug) for slug in ("spine", "heart", "knee"))
    ago = lambda days: NOW - dt.timedelta(days=days)  # noqa: E731
    make.article(slug="back-pain", topics=[spine.slug], published_at=ago(2))
    make.article(slug="heart-rate", topics=[heart.slug], published_at=ago(3))
    make.article(slug="dolor-lumbar", topics=[spine.slug], language="es", published_at=ago(1))
    make.article(slug="old-spine", topics=[spine.slug], published_at=ago(90))  # before the window
    make.article(slug="draft-spine", topics=[spine.slug], status="draft", published_at=None)
    subscribe(issue_app, smtp_server, "alice@example.com", topics=["spine"])
    subscribe(issue_app, smtp_server, "bob@example.com", topics=["heart"])
    subscribe(issue_app, smtp_server, "carla@example.com", topics=["spine"], language="es")
    subscribe(issue_app, smtp_server, "dan@example.com", topics=[knee.slug])  # nothing new
    subscribe(issue_app, smtp_server, "erin@example.com", confirm=False, topics=["spine"])
    smtp_server.handler.messages.clear()


def _auto_issue(editor, **fields):
    body = {
        "subject": "News from the clinic",
        "preheader": "What is new this month",
        "intro_markdown": "Hello **readers**.<script>alert(1)</script>",
        "articles": "auto",
        **fields,
    }
    response = editor.post(ISSUES, json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_auto_issue_reaches_each_subscriber_with_their_new_articles_in_their_language(
    issue_app, smtp_server, newsletter, editor, make, frozen_clock
):
    _people(issue_app, smtp_server, make)
    editor = as_staff(issue_app, editor)
    issue = _auto_issue(editor)
    assert issue["status"] == "draft" and issue["articles"] == "auto"
    assert "<strong>readers</strong>" in issue["intro_html"] and "script" not in issue["intro_html"]

    sent = editor.post(f"{ISSUES}/{issue['id']}/send", json={})
    assert sent.status_code == 202 and sent.get_json()["status"] == "scheduled"
    assert smtp_server.messages == []  # queued by the worker's next round, not the request
    run_outbox(issue_app)

    received = {mail["To"]: _article_slugs(parts(mail)[0]) for mail in smtp_server.messages}
    assert received == {
        "alice@example.com": ["back-pain"],
        "bob@example.com": ["heart-rate"],
        "carla@example.com": ["dolor-lumbar"],
    }
    [carla] = mails_to(smtp_server, "carla@example.com")
    assert '<html lang="es">' in parts(carla)[1]

    listed = editor.get(ISSUES).get_json()
    assert [row["id"] for row in listed] == [issue["id"]]
    assert listed[0]["status"] == "sent"
    assert listed[0]["stats"] == {
        "queued": 3,
        "not_receiving": 1,  # dan: nothing new in his topics; erin never confirmed
        "pending": 0,
        "sent": 3,
        "failed": 0,
        "bounced": 0,
        "skipped": 0,
        "unsubscribed_after": 0,
    }


def test_next_auto_issue_carries_only_what_was_published_since_the_last_one(
    issue_app, smtp_server, newsletter, editor, make, frozen_clock
):
    _people(issue_app, smtp_server, make)
    editor = as_staff(issue_app, editor)
    first = _auto_issue(editor)
    editor.post(f"{ISSUES}/{first['id']}/send", json={})
    run_outbox(issue_app)
    smtp_server.handler.messages.clear()

    frozen_clock.advance(days=7)
    make.article(slug="new-spine", topics=["spine"], published_at=NOW + dt.timedelta(days=3))
    second = _auto_issue(editor, subject="A week later")
    editor.post(f"{ISSUES}/{second['id']}/send", json={})
    run_outbox(issue_app)

    assert [(m["To"], _article_slugs(parts(m)[0])) for m in smtp_server.messages] == [
        ("alice@example.com", ["new-spine"])
    ]


def test_issue_mail_is_multipart_compliant_and_tagged_for_the_campaign(
    issue_app, smtp_server, newsletter, editor, make, frozen_clock
):
    _people(issue_app, smtp_server, make)
    editor = as_staff(issue_app, editor)
    issue = _auto_issue(editor)
    editor.post(f"{ISSUES}/{issue['id']}/send", json={})
    run_outbox(issue_app)
    [mail] = mails_to(smtp_server, "alice@example.com")

    assert mail.get_content_type() == "multipart/alternative"
    assert parsedate_to_datetime(mail["Date"]) == frozen_clock.current
    assert MESSAGE_ID.fullmatch(mail["Message-ID"])
    assert mail["List-Id"] == '"Spine health" <spine-health.newsletter.api.clinic.example>'
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.search(r"<(https://[^>]+)>", mail["List-Unsubscribe"]).group(1)
    assert unsubscribe.startswith("https://api.clinic.example/api/v1/newsletter/unsubscribe?")
    text, html = parts(mail)
    assert POSTAL_ADDRESS in text and POSTAL_ADDRESS.replace(",", ",") in html
    assert unsubscribe in text
    assert '<meta name="color-scheme" content="light dark">' in html
    assert "<img" not in html and "<script" not in html
    assert "What is new this month" in html  # the preheader
    link = re.search(r'href="(https://clinic\.example/learn/back-pain[^"]+)"', html).group(1)
    query = parse_qs(urlsplit(link.replace("&amp;", "&")).query)
    assert query == {
        "utm_source": ["newsletter"],
        "utm_medium": ["email"],
        "utm_campaign": [f"spine-health-{issue['id']}"],
    }


def test_public_api_accepts_the_campaign_tags(client, make):
    make.article(slug="back-pain")
    tagged = "/api/v1/articles/back-pain?utm_source=newsletter&utm_medium=email&utm_campaign=x-1"
    assert client.get(tagged).status_code == 200


def test_mailto_unsubscribe_is_listed_when_configured(
    make_app, smtp_server, newsletter, editor, make, frozen_clock
):
    app = make_app(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_server.port,
        CLINIC_POSTAL_ADDRESS=POSTAL_ADDRESS,
        NEWSLETTER_UNSUBSCRIBE_MAILTO="leave@clinic.example",
    )
    make.topic(slug="spine")
    make.article(slug="back-pain", topics=["spine"], published_at=NOW - dt.timedelta(days=1))
    subscribe(app, smtp_server, "alice@example.com", topics=["spine"])
    editor = as_staff(app, editor)
    issue = _auto_issue(editor)
    editor.post(f"{ISSUES}/{issue['id']}/send", json={})
    run_outbox(app)
    [_confirmation, mail] = mails_to(smtp_server, "alice@example.com")
    targets = re.findall(r"<([^>]+)>", mail["List-Unsubscribe"])
    assert [target.split(":")[0] for target in targets] == ["http", "mailto"]


def test_preview_is_exactly_what_the_subscriber_receives(
    issue_app, smtp_server, newsletter, editor, admin, make, frozen_clock
):
    _people(issue_app, smtp_server, make)
    editor, admin = as_staff(issue_app, editor), as_staff(issue_app, admin)
    issue = _auto_issue(editor)
    url = f"{ISSUES}/{issue['id']}/preview"
    alice = subscriber_id(admin, "alice@example.com")
    preview = editor.get(url, query_string={"subscriber": alice}).get_json()
    assert preview["receives"] is True and preview["to"] == "alice@example.com"

    dan = editor.get(url, query_string={"subscriber": subscriber_id(admin, "dan@example.com")})
    assert dan.get_json()["receives"] is False and dan.get_json()["html"] is None
    problem(editor.get(url, query_string={"subscriber": 99999}), 422)

    editor.post(f"{ISSUES}/{issue['id']}/send", json={})
    run_outbox(issue_app)
    [mail] = mails_to(smtp_server, "alice@example.com")
    assert mail["Subject"] == preview["subject"]
    assert parts(mail) == (preview["text"], preview["html"])
    for name, value in preview["headers"].items():
        assert mail[name] == value, name
    # After sending, the preview still shows what went out (the article window is fixed).
    again = editor.get(url, query_string={"subscriber": alice}).get_json()
    assert (again["text"], again["html"]) == (preview["text"], preview["html"])


def test_sent_issue_is_immutable_and_sending_twice_is_a_conflict(
    issue_app, smtp_server, newsletter, editor, make, frozen_clock
):
    _people(issue_app, smtp_server, make)
    editor = as_staff(issue_app, editor)
    issue = _auto_issue(editor)
    item = f"{ISSUES}/{issue['id']}"
    changed = editor.patch(item, json={"subject": "Better subject"})
    assert changed.status_code == 200 and changed.get_json()["subject"] == "Better subject"

    assert editor.post(f"{item}/send", json={}).status_code == 202
    problem(editor.post(f"{item}/send", json={}), 409)  # scheduled: not twice
    run_outbox(issue_app)
    assert len(smtp_server.messages) == 3
    problem(editor.post(f"{item}/send", json={}), 409)
    problem(editor.patch(item, json={"subject": "Too late"}), 409)
    assert editor.get(item).get_json()["subject"] == "Better subject"
    run_outbox(issue_app)
    assert len(smtp_server.messages) == 3


def test_scheduled_issue_waits_for_its_time_then_the_cli_queues_it(
    issue_app, smtp_server, newsletter, editor, make, frozen_clock
):
    _people(issue_app, smtp_server, make)
    editor = as_staff(issue_app, editor)
    issue = _auto_issue(editor)
    later = (NOW + dt.timedelta(hours=2)).isoformat()
    scheduled = editor.post(f"{ISSUES}/{issue['id']}/send", json={"send_at": later})
    assert scheduled.get_json()["status"] == "scheduled"
    assert scheduled.get_json()["send_at"] == later
    runner = issue_app.test_cli_runner()
    assert runner.invoke(args=["newsletter", "send-due"]).output == "0 newsletter issues queued\n"

    frozen_clock.advance(hours=2)
    assert runner.invoke(args=["newsletter", "send-due"]).output == "1 newsletter issues queued\n"
    assert editor.get(f"{ISSUES}/{issue['id']}").get_json()["stats"]["pending"] == 3
    run_outbox(issue_app)
    assert len(smtp_server.messages) == 3


def test_chosen_articles_must_exist_and_be_public_when_sent(
    issue_app, smtp_server, newsletter, editor, make, frozen_clock
):
    _people(issue_app, smtp_server, make)
    editor = as_staff(issue_app, editor)
    unknown = editor.post(ISSUES, json={"subject": "S", "articles": ["nope"]})
    assert "articles" in problem(unknown, 422)["errors"]
    twice = editor.post(ISSUES, json={"subject": "S", "articles": ["back-pain", "back-pain"]})
    assert "articles" in problem(twice, 422)["errors"]

    chosen = {"subject": "Picked for you", "articles": ["heart-rate", "draft-spine"]}
    issue = editor.post(ISSUES, json=chosen).get_json()
    refused = problem(editor.post(f"{ISSUES}/{issue['id']}/send", json={}), 409)
    assert "articles" in refused["errors"]
    editor.patch(f"{ISSUES}/{issue['id']}", json={"articles": ["heart-rate", "back-pain"]})
    assert editor.post(f"{ISSUES}/{issue['id']}/send", json={}).status_code == 202
    run_outbox(issue_app)
    # Chosen articles go to every confirmed subscriber, whatever their topics, in their language.
    received = {mail["To"]: _article_slugs(parts(mail)[0]) for mail in smtp_server.messages}
    expected = ["heart-rate", "back-pain"]
    assert received == {
        "alice@example.com": expected,
        "bob@example.com": expected,
        "dan@example.com": expected,
    }


def test_test_send_reaches_staff_only(
    issue_app, smtp_server, newsletter, editor, make_staff, admin, make, frozen_clock
):
    _people(issue_app, smtp_server, make)
    editor = as_staff(issue_app, editor)
    colleague = make_staff("writer")
    issue = _auto_issue(editor)
    url = f"{ISSUES}/{issue['id']}/test"

    mine = editor.post(url, json={})
    assert mine.status_code == 202 and mine.get_json() == {"sent_to": [editor.user.email]}
    carla = subscriber_id(as_staff(issue_app, admin), "carla@example.com")
    theirs = editor.post(url, json={"users": [colleague.user.id], "subscriber": carla})
    assert theirs.get_json() == {"sent_to": [colleague.user.email]}
    assert "users" in problem(editor.post(url, json={"users": [99999]}), 422)["errors"]
    run_outbox(issue_app)

    assert sorted(mail["To"] for mail in smtp_server.messages) == sorted(
        [editor.user.email, colleague.user.email]
    )
    as_carla = mails_to(smtp_server, colleague.user.email)[0]
    assert as_carla["Subject"] == "[Test] News from the clinic"
    assert _article_slugs(parts(as_carla)[0]) == ["dolor-lumbar"]
    # Its links carry no subscriber's token: following them unsubscribes no one.
    assert "token=test-message" in as_carla["List-Unsubscribe"]
    assert editor.get(f"{ISSUES}/{issue['id']}").get_json()["status"] == "draft"


def test_sending_without_a_postal_address_is_a_conflict_naming_it(
    make_app, smtp_server, newsletter, editor, make
):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    editor = as_staff(app, editor)
    issue = _auto_issue(editor)
    for response in (
        editor.post(f"{ISSUES}/{issue['id']}/send", json={}),
        editor.post(f"{ISSUES}/{issue['id']}/test", json={}),
    ):
        body = problem(response, 409)
        assert "CLINIC_POSTAL_ADDRESS" in body["detail"]
        assert "CLINIC_POSTAL_ADDRESS" in body["errors"]
    assert editor.get(f"{ISSUES}/{issue['id']}").get_json()["status"] == "draft"


def test_issues_are_for_editors(client, newsletter, writer, make_staff):
    assert problem(client.get(ISSUES), 401)
    assert problem(writer.get(ISSUES), 403)
    assert problem(writer.post(ISSUES, json={"subject": "S", "articles": "auto"}), 403)
    assert make_staff("admin").get(ISSUES).status_code == 200
    assert problem(make_staff("editor").get("/api/v1/newsletters/nope/issues"), 404)


def test_subscribers_choose_the_language_of_their_mail(
    issue_app, smtp_server, newsletter, admin, make
):
    client = issue_app.test_client()
    bad = client.post(
        "/api/v1/newsletter/subscriptions",
        json={"email": "x@example.com", "consent": True, "language": "not a tag"},
    )
    assert "language" in problem(bad, 422)["errors"]
    subscribe(issue_app, smtp_server, "carla@example.com", language="es")
    admin = as_staff(issue_app, admin)
    [row] = admin.get(SUBSCRIBERS, query_string={"email": "carla@example.com"}).get_json()
    assert row["language"] == "es"

    token = link_token(mails_to(smtp_server, "carla@example.com")[0], "preferences")
    preferences = f"/api/v1/newsletter/preferences?token={quote(token)}"
    assert client.get(preferences).get_json()["language"] == "es"
    changed = client.patch(preferences, json={"language": "pt-BR"})
    assert changed.status_code == 200 and changed.get_json()["language"] == "pt-BR"
    [row] = admin.get(SUBSCRIBERS, query_string={"email": "carla@example.com"}).get_json()
    assert row["language"] == "pt-BR"

"""Queueing an issue in chunks, resumed after a crash without a second message to anyone;
the per-issue stats (sent, bounced, unsubscribed after it); lists without N+1 queries."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from api.issues import queueing
from tests.support.issues import ISSUES, NOW, SUBSCRIBERS, as_staff, mails_to, subscribe
from tests.support.newsletter import run_outbox, unsubscribe_url

ADDRESSES = [f"reader{number}@example.com" for number in range(5)]


def _readers(app, smtp_server, make):
    make.topic(slug="spine")
    make.article(slug="back-pain", topics=["spine"], published_at=NOW - dt.timedelta(days=1))
    for address in ADDRESSES:
        subscribe(app, smtp_server, address, topics=["spine"])
    smtp_server.handler.messages.clear()


def _send(editor, **fields):
    body = {"subject": "Monthly", "articles": "auto", **fields}
    issue = editor.post(ISSUES, json=body).get_json()
    assert editor.post(f"{ISSUES}/{issue['id']}/send", json={}).status_code == 202
    return issue["id"]


def test_a_crash_between_chunks_is_resumed_without_sending_anyone_twice(
    make_app, smtp_server, newsletter, editor, make, frozen_clock
):
    app = make_app(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_server.port,
        CLINIC_POSTAL_ADDRESS="1 Harbor Way, Springfield",
        NEWSLETTER_QUEUE_CHUNK_SIZE=2,
        OUTBOX_LEASE_SECONDS=300,
    )
    _readers(app, smtp_server, make)
    editor = as_staff(app, editor)
    issue_id = _send(editor)

    with app.app_context():
        assert queueing.claim_due() == issue_id
        # The process queues one chunk and dies: the issue stays claimed under its lease.
        assert queueing.queue_issue(issue_id, max_chunks=1) == 2
        assert queueing.send_due() == 0  # nobody else takes it while the lease runs
    assert editor.get(f"{ISSUES}/{issue_id}").get_json()["status"] == "sending"

    frozen_clock.advance(seconds=301)
    run_outbox(app)  # the worker's round resumes the issue, then delivers everything
    with app.app_context():
        # A late straggler of the dead process would find nobody left to queue.
        assert queueing.queue_issue(issue_id) == 0

    assert sorted(mail["To"] for mail in smtp_server.messages) == ADDRESSES
    issue = editor.get(f"{ISSUES}/{issue_id}").get_json()
    assert issue["status"] == "sent"
    assert (issue["stats"]["queued"], issue["stats"]["sent"]) == (5, 5)


def test_stats_count_bounces_and_unsubscriptions_after_each_issue(
    issue_app, smtp_server, newsletter, editor, make, frozen_clock
):
    _readers(issue_app, smtp_server, make)
    editor = as_staff(issue_app, editor)
    smtp_server.handler.refuse = {ADDRESSES[4]}
    first = _send(editor)
    run_outbox(issue_app)
    client = issue_app.test_client()

    def one_click(address):
        [*_, mail] = mails_to(smtp_server, address)
        url = urlsplit(unsubscribe_url(mail))
        response = client.post(
            f"{url.path}?{url.query}",
            data="List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 200

    frozen_clock.advance(hours=1)
    one_click(ADDRESSES[0])  # after the first issue
    frozen_clock.advance(days=1)
    second = _send(editor, articles=["back-pain"])
    run_outbox(issue_app)
    frozen_clock.advance(hours=1)
    one_click(ADDRESSES[1])  # after the second

    stats = {row["id"]: row["stats"] for row in editor.get(ISSUES).get_json()}
    assert stats[first] == {
        "queued": 5,
        "not_receiving": 0,
        "pending": 0,
        "sent": 4,
        "failed": 1,
        "bounced": 1,
        "skipped": 0,
        "unsubscribed_after": 1,
    }
    # The second went to the four still subscribed: one hard bounce does not suspend an
    # address (BOUNCE_LIMIT is 3), so the refused address is tried, and bounces, again.
    assert (stats[second]["queued"], stats[second]["sent"]) == (4, 3)
    assert (stats[second]["failed"], stats[second]["bounced"]) == (1, 1)
    assert stats[second]["unsubscribed_after"] == 1


def test_issue_list_costs_the_same_queries_for_one_or_many_issues(
    client, newsletter, editor, count_queries
):
    def listing() -> int:
        with count_queries() as counter:
            response = editor.get(ISSUES)
            assert response.status_code == 200
        return counter.count

    editor.post(ISSUES, json={"subject": "One", "articles": "auto"})
    one = listing()
    for number in range(4):
        editor.post(ISSUES, json={"subject": f"More {number}", "articles": "auto"})
    assert listing() == one


def test_erasing_a_recipient_keeps_the_issue_counts_without_their_mail(
    issue_app, smtp_server, newsletter, editor, admin, make, frozen_clock
):
    _readers(issue_app, smtp_server, make)
    editor, admin = as_staff(issue_app, editor), as_staff(issue_app, admin)
    issue_id = _send(editor)
    with issue_app.app_context():
        assert queueing.send_due() == 1  # queued, not sent yet
    [row] = admin.get(SUBSCRIBERS, query_string={"email": ADDRESSES[0]}).get_json()
    assert admin.delete(f"{SUBSCRIBERS}/{row['id']}").status_code == 204

    run_outbox(issue_app)
    assert sorted(mail["To"] for mail in smtp_server.messages) == ADDRESSES[1:]
    stats = editor.get(f"{ISSUES}/{issue_id}").get_json()["stats"]
    assert (stats["queued"], stats["sent"], stats["pending"]) == (5, 4, 0)


def test_a_reader_who_unsubscribes_between_queueing_and_sending_gets_nothing(
    issue_app, smtp_server, newsletter, editor, make, frozen_clock
):
    [*staying, leaving] = ADDRESSES
    make.topic(slug="spine")
    make.article(slug="back-pain", topics=["spine"], published_at=NOW - dt.timedelta(days=1))
    for address in ADDRESSES:
        subscribe(issue_app, smtp_server, address, topics=["spine"])
    # The one-click link of the mail the leaving reader already has (their confirmation).
    [confirmation] = mails_to(smtp_server, leaving)
    link = urlsplit(unsubscribe_url(confirmation))
    smtp_server.handler.messages.clear()
    editor = as_staff(issue_app, editor)
    issue_id = _send(editor)
    with issue_app.app_context():
        assert queueing.send_due() == 1  # queued; the worker has not run yet
    assert smtp_server.messages == []

    unsubscribed = issue_app.test_client().post(
        f"{link.path}?{link.query}",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert unsubscribed.status_code == 200

    run_outbox(issue_app)
    assert sorted(str(mail["To"]) for mail in smtp_server.messages) == staying
    stats = editor.get(f"{ISSUES}/{issue_id}").get_json()["stats"]
    assert (stats["queued"], stats["sent"], stats["skipped"]) == (5, 4, 1)

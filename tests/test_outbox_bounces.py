"""What the worker does for the newsletter between queueing and sending, over a real SMTP server:
a subscriber who left meanwhile gets nothing (the message is `skipped`); permanent refusals
(550) count hard bounces and suspend the subscription at BOUNCE_LIMIT, visibly for staff and in
the export; a new signup confirmed again clears it. Also: retries keep their Message-ID, and the
per-process rate spaces sends."""

from __future__ import annotations

import csv
import email
import email.policy
import io

from sqlalchemy import select

from api.extensions import db
from api.outbox import mailer, worker
from api.outbox.models import OutboxMessage, OutboxStatus
from api.outbox.pacing import Pace, claim_size
from api.outbox.services import enqueue
from tests.support.newsletter import SIGNUP, link_token, run_outbox, signup_body
from tests.support.outbox import enqueue_mails
from tests.support.staff import staff_headers

CONFIRM = "/api/v1/newsletter/confirm"
UNSUBSCRIBE = "/api/v1/newsletter/unsubscribe"
SUBSCRIBERS = "/api/v1/newsletter/subscribers"


def _subscribe(app, smtp_server, address: str) -> tuple[int, str]:
    """A confirmed subscriber, through the API; returns its id and its unsubscribe token."""
    client = app.test_client()
    client.post(SIGNUP, json=signup_body(address))
    run_outbox(app)
    confirmation = smtp_server.messages[-1]
    confirmed = client.post(CONFIRM, json={"token": link_token(confirmation)})
    assert confirmed.status_code == 200, confirmed.get_json()
    admin = staff_headers(app)
    [subscriber] = client.get(SUBSCRIBERS, query_string={"email": address}, headers=admin).json
    return subscriber["id"], link_token(confirmation, "prefer")


def _queue_issue(app, subscribers: dict[int, str], subject: str = "Issue 1") -> None:
    """One message per subscriber, as a newsletter issue queues them (`subscription_id`)."""
    with app.app_context(), db.transaction():
        for subscription_id, address in subscribers.items():
            payload = {"to": address, "subject": subject, "text": "News."}
            enqueue("email", {**payload, "subscription_id": subscription_id})


def _issue_statuses(app) -> list[tuple[str, str, str | None]]:
    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        return [
            (row.payload["to"], row.status.value, row.last_error)
            for row in rows
            if "subscription_id" in row.payload
        ]


def test_a_subscriber_who_left_after_queueing_gets_nothing(mail_app, smtp_server, newsletter):
    stays, _ = _subscribe(mail_app, smtp_server, "stays@example.com")
    leaves, token = _subscribe(mail_app, smtp_server, "leaves@example.com")
    _queue_issue(mail_app, {stays: "stays@example.com", leaves: "leaves@example.com"})
    client = mail_app.test_client()
    assert client.post(UNSUBSCRIBE, json={"token": token}).status_code == 200
    before = len(smtp_server.messages)

    run_outbox(mail_app)
    issue = [str(m["To"]) for m in smtp_server.messages[before:]]
    assert issue == ["stays@example.com"]
    [(_, sent, _), (_, skipped, reason)] = _issue_statuses(mail_app)
    assert (sent, skipped) == ("sent", "skipped")
    assert reason == "the subscription is unsubscribed"
    admin = staff_headers(mail_app)
    listed = client.get("/api/v1/outbox", query_string={"status": "skipped"}, headers=admin)
    assert [m["attempts"] for m in listed.json] == [0]  # never attempted


def test_hard_bounces_suspend_at_the_limit_and_a_new_confirmation_clears_it(
    mail_app, smtp_server, newsletter
):
    assert mail_app.config["BOUNCE_LIMIT"] == 3
    subscription_id, _ = _subscribe(mail_app, smtp_server, "bouncy@example.com")
    smtp_server.handler.refuse.add("bouncy@example.com")
    client, admin = mail_app.test_client(), staff_headers(mail_app)

    def subscriber() -> dict:
        query = {"email": "bouncy@example.com"}
        [listed] = client.get(SUBSCRIBERS, query_string=query, headers=admin).json
        return listed

    for number in (1, 2, 3):
        _queue_issue(mail_app, {subscription_id: "bouncy@example.com"}, f"Issue {number}")
        run_outbox(mail_app)
        assert subscriber()["hard_bounces"] == number
    suspended = subscriber()
    assert suspended["status"] == "suspended" and suspended["suspended_at"]
    assert [s["id"] for s in client.get(SUBSCRIBERS, query_string={"status": "suspended"},
                                         headers=admin).json] == [subscription_id]  # fmt: skip
    export = client.get(f"{SUBSCRIBERS}/export", headers=admin).get_data(as_text=True)
    [row] = csv.DictReader(io.StringIO(export))
    assert (row["status"], row["hard_bounces"]) == ("suspended", "3") and row["suspended_at"]
    # Failed for good at once (no retries of a 550), then the next issue is not even tried.
    assert [status for _, status, _ in _issue_statuses(mail_app)] == ["failed"] * 3
    _queue_issue(mail_app, {subscription_id: "bouncy@example.com"}, "Issue 4")
    run_outbox(mail_app)
    assert _issue_statuses(mail_app)[-1][1:] == ("skipped", "the subscription is suspended")

    # The mailbox works again and its owner signs up and confirms: mail flows again.
    smtp_server.handler.refuse.clear()
    client.post(SIGNUP, json=signup_body("bouncy@example.com"))
    run_outbox(mail_app)
    assert subscriber()["status"] == "pending"  # not mailed until confirmed
    assert client.post(CONFIRM, json={"token": link_token(smtp_server.messages[-1])}).status_code
    cleared = subscriber()
    assert (cleared["status"], cleared["hard_bounces"], cleared["suspended_at"]) == (
        "active",
        0,
        None,
    )
    assert cleared["last_bounced_at"]  # the history stays
    _queue_issue(mail_app, {subscription_id: "bouncy@example.com"}, "Issue 5")
    run_outbox(mail_app)
    assert str(smtp_server.messages[-1]["Subject"]) == "Issue 5"


def test_a_temporary_failure_is_retried_under_the_same_message_id(
    mail_app, smtp_server, frozen_clock
):
    deferred: list[bytes] = []
    accept = smtp_server.handler.handle_DATA

    async def defer_once(server, session, envelope):
        if not deferred:
            deferred.append(envelope.content)
            return "451 4.3.0 try again later"
        return await accept(server, session, envelope)

    smtp_server.handler.handle_DATA = defer_once
    with mail_app.app_context(), db.transaction():
        message_id = enqueue("email", {"to": "later@example.com", "subject": "S", "text": "T"}).id
    run_outbox(mail_app)
    with mail_app.app_context():
        row = db.session.get(OutboxMessage, message_id)
        assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
        assert "451" in row.last_error
        frozen_clock.current = row.next_attempt_at
    run_outbox(mail_app)
    [received] = smtp_server.messages
    first = email.message_from_bytes(deferred[0], policy=email.policy.default)
    assert received["Message-ID"] == first["Message-ID"]
    assert received["Message-ID"].startswith(f"<{message_id}.")


def test_the_worker_spaces_its_sends_at_the_rate(mail_app, smtp_server):
    mail_app.config["MAIL_RATE_PER_MINUTE"] = 120
    enqueue_mails(mail_app, count=3)
    clock, waits = [0.0], []

    def wait(seconds: float) -> None:  # the stop event's wait, on a clock the test moves
        waits.append(seconds)
        clock[0] += seconds

    with mail_app.app_context():
        pace = Pace(mail_app.config["MAIL_RATE_PER_MINUTE"], now=lambda: clock[0], wait=wait)
        try:
            assert worker.process_due("paced-worker", pace=pace) == 3
        finally:
            mailer.hang_up()  # run() does this when the queue is empty
    assert waits == [0.5, 0.5] and len(smtp_server.messages) == 3


def test_the_rate_spaces_sends_and_bounds_the_claim():
    clock, waits = [100.0], []

    def wait(seconds: float) -> None:
        waits.append(seconds)
        clock[0] += seconds

    pace = Pace(120, now=lambda: clock[0], wait=wait)
    for _ in range(3):
        assert pace.ready()
        pace.spent()
    assert waits == [0.5, 0.5]  # 120 a minute: one every half second, the first at once
    assert Pace(0, now=lambda: clock[0], wait=wait).interval == 0  # 0: unlimited
    config = {"OUTBOX_BATCH_SIZE": 20, "OUTBOX_LEASE_SECONDS": 300, "MAIL_TIMEOUT": 10}
    assert claim_size({**config, "MAIL_RATE_PER_MINUTE": 0}) == 20
    # 2 a minute: (300 s lease - 90 s send margin) holds 7 sends, not 20.
    assert claim_size({**config, "MAIL_RATE_PER_MINUTE": 2}) == 7

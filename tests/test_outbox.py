"""The outbox worker: real SMTP delivery, backoff, failures visible to staff, parallel workers."""

from __future__ import annotations

import datetime as dt
import logging
import threading

from sqlalchemy import select

from api.core import clock
from api.extensions import db
from api.outbox import worker
from api.outbox.models import OutboxMessage, OutboxStatus
from api.outbox.services import enqueue
from api.users.models import Role
from tests.support.newsletter import free_port, run_outbox
from tests.support.outbox import enqueue_mails
from tests.support.staff import staff_headers

OUTBOX = "/api/v1/outbox"


def _messages(app):
    with app.app_context():
        return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def _waits_between(at, now, low, high):
    return dt.timedelta(seconds=low) <= at - now <= dt.timedelta(seconds=high)


def _our_logs(caplog):
    """What the app logged (the test SMTP server's own "mail.log" is not ours)."""
    return [record.getMessage() for record in caplog.records if record.name != "mail.log"]


def test_message_is_delivered_over_smtp_and_marked_sent(mail_app, smtp_server, frozen_clock):
    enqueue_mails(mail_app)
    assert run_outbox(mail_app) == 1
    [received] = smtp_server.messages
    assert received["Subject"] == "Message 0"
    assert received["From"] == mail_app.config["MAIL_DEFAULT_SENDER"]
    [message] = _messages(mail_app)
    assert message.status is OutboxStatus.SENT
    assert message.sent_at == frozen_clock.current and message.attempts == 1
    assert message.claimed_by is None


def test_failures_back_off_then_fail_visibly_for_staff(make_app, frozen_clock, caplog):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), OUTBOX_MAX_ATTEMPTS=3)
    enqueue_mails(app, to="hidden.person@example.com")
    assert run_outbox(app) == 1
    [message] = _messages(app)
    assert message.status is OutboxStatus.PENDING and message.attempts == 1
    # Exponential backoff with jitter: after attempt n, between half and all of 30 s * 2^(n-1).
    assert _waits_between(message.next_attempt_at, frozen_clock.current, 15, 30)
    assert message.last_error and "ConnectionRefusedError" in message.last_error
    assert run_outbox(app) == 0  # not due yet

    frozen_clock.current = message.next_attempt_at
    assert run_outbox(app) == 1
    assert _waits_between(_messages(app)[0].next_attempt_at, frozen_clock.current, 30, 60)
    frozen_clock.current = _messages(app)[0].next_attempt_at
    assert run_outbox(app) == 1
    [message] = _messages(app)
    assert message.status is OutboxStatus.FAILED and message.attempts == 3
    assert not any("hidden.person" in text for text in _our_logs(caplog))

    admin = staff_headers(app)
    client = app.test_client()
    failed = client.get(OUTBOX, query_string={"status": "failed"}, headers=admin).get_json()
    assert [(m["id"], m["attempts"], m["status"]) for m in failed] == [(message.id, 3, "failed")]
    assert "payload" not in failed[0]
    assert client.get(OUTBOX, query_string={"status": "pending"}, headers=admin).get_json() == []
    retried = client.post(f"{OUTBOX}/{message.id}/retry", headers=admin)
    assert retried.status_code == 200 and retried.get_json()["status"] == "pending"
    assert client.post(f"{OUTBOX}/{message.id}/retry", headers=admin).status_code == 409
    assert client.post(f"{OUTBOX}/999/retry", headers=admin).status_code == 404


def test_outbox_is_admin_only(client, app):
    assert client.get(OUTBOX).status_code == 401
    editor = staff_headers(app, Role.EDITOR)
    assert client.get(OUTBOX, headers=editor).status_code == 403
    assert client.get(OUTBOX, query_string={"status": "nope"}, headers=editor).status_code in (
        403,
        422,
    )


def test_refused_recipient_fails_at_once_without_leaking_the_address(mail_app, smtp_server, caplog):
    smtp_server.handler.refuse.add("gone@example.com")
    enqueue_mails(mail_app, to="gone@example.com")
    with caplog.at_level(logging.INFO):
        run_outbox(mail_app)
    [message] = _messages(mail_app)
    assert message.status is OutboxStatus.FAILED and message.attempts == 1
    assert "550" in message.last_error and "gone@" not in message.last_error
    assert not any("gone@example.com" in text for text in _our_logs(caplog))


def test_two_workers_in_parallel_send_each_mail_once(mail_app, smtp_server):
    smtp_server.handler.delay = 0.02
    mail_app.config["OUTBOX_BATCH_SIZE"] = 3
    enqueue_mails(mail_app, count=30)
    claimed: dict[str, int] = {}

    def work(name: str) -> None:
        with mail_app.app_context():
            claimed[name] = worker.run(once=True, worker=name)

    threads = [threading.Thread(target=work, args=(f"worker-{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    subjects = sorted(str(message["Subject"]) for message in smtp_server.messages)
    assert subjects == sorted(f"Message {n}" for n in range(30))  # each exactly once
    assert sum(claimed.values()) == 30 and all(claimed.values()), claimed  # both worked
    assert {m.status for m in _messages(mail_app)} == {OutboxStatus.SENT}


def test_a_lapsed_claim_is_taken_over(mail_app, smtp_server, frozen_clock):
    [message_id] = enqueue_mails(mail_app)
    with mail_app.app_context():
        from api.outbox.services import claim_due

        [claim] = claim_due("crashed-worker", 10)  # claimed, then the worker died
        assert claim.id == message_id
    assert run_outbox(mail_app) == 0  # the lease still holds
    frozen_clock.advance(seconds=mail_app.config["OUTBOX_LEASE_SECONDS"] + 1)
    assert run_outbox(mail_app) == 1
    [message] = _messages(mail_app)
    assert message.status is OutboxStatus.SENT and message.attempts == 2
    assert len(smtp_server.messages) == 1


def test_dev_mailer_prints_mail_to_the_log_with_addresses_redacted(app, caplog):
    assert app.config["MAIL_SERVER"] is None
    enqueue_mails(app, to="dev@example.com")
    with caplog.at_level(logging.INFO):
        run_outbox(app)
    dev_records = [r for r in caplog.records if r.name == "careleaf.dev_mail"]
    assert len(dev_records) == 1 and "To: <email>" in dev_records[0].getMessage()
    # Emails never reach a log, not even the dev mailer's (see docs/security.md).
    assert not any("dev@example.com" in record.getMessage() for record in caplog.records)
    assert _messages(app)[0].status is OutboxStatus.SENT


def test_cli_runs_once(runner, app, caplog):
    enqueue_mails(app, count=2)
    result = runner.invoke(args=["outbox", "run", "--once"])
    assert result.exit_code == 0, result.output
    assert "claiming 2 messages" in result.output
    assert {m.status for m in _messages(app)} == {OutboxStatus.SENT}


def test_unknown_kind_fails_for_good(app):
    with app.app_context(), db.transaction():
        enqueue("carrier-pigeon", {"to": "x"})
    run_outbox(app)
    [message] = _messages(app)
    assert message.status is OutboxStatus.FAILED and "carrier-pigeon" in message.last_error
    assert clock.now() >= message.updated_at

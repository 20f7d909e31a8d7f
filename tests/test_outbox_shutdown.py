"""The real worker command (`flask --app wsgi outbox run`) stops promptly on SIGTERM: it finishes
the message in hand, hands the rest of its batch back at once, and exits within MAIL_TIMEOUT + 1 s.
The SMTP server takes 1 s per message, so a batch of five is still mostly unsent when asked."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from api.extensions import db
from api.outbox import services
from api.outbox.models import OutboxMessage, OutboxStatus
from tests.support.newsletter import RecordingHandler, free_port
from tests.support.outbox import enqueue_mails, start_worker

MAIL_TIMEOUT = 3
pytestmark = pytest.mark.slow


class SlowHandler(RecordingHandler):
    """1 s per message; `started` counts the messages whose DATA has begun."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay
        self.started = 0
        self.first_started = threading.Event()
        self.second_started = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.started += 1
        self.first_started.set()
        if self.started == 2:
            self.second_started.set()
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_smtp(request: pytest.FixtureRequest) -> Iterator[tuple[SlowHandler, int]]:
    handler = SlowHandler(delay=getattr(request, "param", 1.0))
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def _worker(database_url: str, smtp_port: int) -> subprocess.Popen[bytes]:
    # A lease far longer than the test: only a release frees rows.
    return start_worker(
        database_url, smtp_port, MAIL_TIMEOUT=MAIL_TIMEOUT, OUTBOX_LEASE_SECONDS=300
    )


def _stop_worker_once(process: subprocess.Popen[bytes], started: threading.Event) -> bytes:
    """SIGTERM the worker once `started` is set; it must exit cleanly within MAIL_TIMEOUT + 1 s.

    Returns what the worker printed."""
    try:
        assert started.wait(timeout=60), process.communicate(timeout=5)[0]
        process.send_signal(signal.SIGTERM)
        asked = time.monotonic()
        output, _ = process.communicate(timeout=30)
        took = time.monotonic() - asked
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, output
    assert took < MAIL_TIMEOUT + 1, output
    return output


def test_sigterm_finishes_the_message_in_hand_and_releases_the_rest_at_once(
    worker_store, slow_smtp
):
    (app, database_url), (handler, port) = worker_store, slow_smtp
    enqueue_mails(app, count=5)
    _stop_worker_once(_worker(database_url, port), handler.second_started)
    # The message in hand was finished, not abandoned: two mails arrived, two rows are sent.
    assert len(handler.messages) == 2
    with app.app_context():
        db.session.rollback()  # read what the worker wrote, not an older snapshot
        rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert sorted(row.status.value for row in rows) == ["pending"] * 3 + ["sent"] * 2
        unsent = [row for row in rows if row.status is OutboxStatus.PENDING]
        assert {row.claimed_by for row in unsent} == {None}
        assert {row.attempts for row in unsent} == {0}  # no attempt was made on them
        unsent_ids = [row.id for row in unsent]
        db.session.rollback()
        # Claimable by another worker right now, not after the 300 s lease.
        claimed = services.claim_due("another-worker", 20)
    assert [message.id for message in claimed] == unsent_ids


@pytest.mark.parametrize("slow_smtp", [60.0], indirect=True)  # a server that hangs on DATA
def test_a_hung_send_does_not_hold_the_exit_past_the_mail_timeout(worker_store, slow_smtp):
    (app, database_url), (handler, port) = worker_store, slow_smtp
    enqueue_mails(app, count=3)
    output = _stop_worker_once(_worker(database_url, port), handler.first_started)
    with app.app_context():
        db.session.rollback()  # read what the worker wrote, not an older snapshot
        rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        states = sorted(
            (row.attempts, row.status.value, row.claimed_by, bool(row.last_error)) for row in rows
        )
    # The message in hand counts as a failed attempt, retried later (it may have arrived: delivery
    # is at least once); the two never started are free again, their attempts intact.
    assert states == [
        (0, "pending", None, False),
        (0, "pending", None, False),
        (1, "pending", None, True),
    ], (states, output)

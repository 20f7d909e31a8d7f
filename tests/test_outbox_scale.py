"""Two real worker processes (`flask --app wsgi outbox run`) on one store; one is killed with
SIGKILL while a message is in its hands and restarted. Every one of 240 messages reaches the
SMTP servers exactly once (by recipient and Message-ID), the cut message included: its lease
lapses, another worker sends it again, under the same Message-ID.

Each worker mails its own SMTP server (two ports, one sink), so the test knows which process
is mid-send. The killed worker's message hangs in DATA when the kill comes: no "250" ever
reached it, which is the case the outbox promises exactly-once for (a kill in the instant
between the server's "250" and the worker's commit would be sent twice; docs/newsletter.md).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from api.extensions import db
from api.outbox import services
from api.outbox.models import OutboxMessage, OutboxStatus
from tests.support.newsletter import RecordingHandler, free_port
from tests.support.outbox import start_worker

pytestmark = pytest.mark.slow
MESSAGES = 240
LEASE_SECONDS = 6
SETTINGS = {
    "OUTBOX_LEASE_SECONDS": LEASE_SECONDS,
    "MAIL_TIMEOUT": 2,  # the send margin is then min(9 x 2 s, lease / 2) = 3 s
    "OUTBOX_BATCH_SIZE": 10,
    "OUTBOX_POLL_SECONDS": 1,
    "MAIL_RATE_PER_MINUTE": 0,
}


class HangingHandler(RecordingHandler):
    """Takes `delay` per message; the `hang_at`-th DATA never gets its answer (it hangs until
    the client goes away, which cancels it: the message is not accepted)."""

    def __init__(self, delay: float, hang_at: int | None = None) -> None:
        super().__init__()
        self.delay = delay
        self.hang_at = hang_at
        self.started = 0
        self.hanging = threading.Event()
        self.hung_message_id: str | None = None

    async def handle_DATA(self, server, session, envelope):
        self.started += 1
        if self.started == self.hang_at:
            self.hang_at = None
            self.hung_message_id = _message_id(envelope.content)
            self.hanging.set()
            await asyncio.sleep(3600)  # cancelled when the killed client's socket closes
        return await super().handle_DATA(server, session, envelope)


def _message_id(raw: bytes) -> str:
    for line in raw.decode().splitlines():
        if line.lower().startswith("message-id:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError("no Message-ID")


@pytest.fixture
def two_sinks() -> Iterator[tuple[HangingHandler, HangingHandler, int, int]]:
    first, second = HangingHandler(0.02, hang_at=25), HangingHandler(0.02)
    ports = free_port(), free_port()
    controllers = [
        Controller(handler, hostname="127.0.0.1", port=port)
        for handler, port in zip((first, second), ports, strict=True)
    ]
    for controller in controllers:
        controller.start()
    try:
        yield first, second, *ports
    finally:
        for controller in controllers:
            controller.stop()


def _enqueue(app) -> None:
    with app.app_context(), db.transaction():
        for number in range(MESSAGES):
            services.enqueue(
                "email",
                {"to": f"patient{number}@example.com", "subject": "Issue 1", "text": "Hello."},
            )


def _counts(app) -> dict[str, int]:
    with app.app_context():
        db.session.rollback()  # a fresh snapshot of what the workers wrote
        rows = db.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
        db.session.rollback()
    return {str(status): count for status, count in rows}


def _claimed_by(app, pid: int) -> int:
    with app.app_context():
        db.session.rollback()
        count = db.session.scalar(
            select(func.count()).where(
                OutboxMessage.status == OutboxStatus.SENDING,
                OutboxMessage.claimed_by.like(f"%:{pid}:%"),
            )
        )
        db.session.rollback()
    return count or 0


def _wait_until_all_sent(app, workers: list[subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + 180  # a bound on a stuck run, not a timing assertion
    while _counts(app).get("sent", 0) < MESSAGES:
        assert all(worker.poll() is None for worker in workers), "a worker exited"
        assert time.monotonic() < deadline, _counts(app)
        time.sleep(0.5)


def _stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def test_two_workers_one_killed_mid_batch_deliver_every_message_once(
    worker_store, two_sinks, tmp_path
):
    (app, database_url), (first, second, first_port, second_port) = worker_store, two_sinks
    _enqueue(app)
    log = (tmp_path / "workers.log").open("wb")
    workers = [
        start_worker(database_url, first_port, log, **SETTINGS),
        start_worker(database_url, second_port, log, **SETTINGS),
    ]
    try:
        assert first.hanging.wait(timeout=120), "the first worker never reached its 25th mail"
        os.kill(workers[0].pid, signal.SIGKILL)
        workers[0].wait()
        # Killed mid-batch: the message in hand and the rest of its batch stay claimed.
        assert _claimed_by(app, workers[0].pid) >= 1
        workers.append(start_worker(database_url, first_port, log, **SETTINGS))
        _wait_until_all_sent(app, workers[1:])
    finally:
        _stop(workers)
        log.close()

    received = [
        (str(message["To"]), str(message["Message-ID"]))
        for handler in (first, second)
        for message in handler.messages
    ]
    duplicates = [key for key, count in Counter(received).items() if count > 1]
    assert duplicates == [], (tmp_path / "workers.log").read_text()
    assert {to for to, _ in received} == {f"patient{n}@example.com" for n in range(MESSAGES)}
    assert len(received) == MESSAGES
    assert first.messages and second.messages  # both servers, so both workers, delivered
    # The message cut mid-DATA arrived once, later, under the Message-ID it had then.
    assert first.hung_message_id in {message_id for _, message_id in received}
    assert _counts(app) == {"sent": MESSAGES}

"""The delivery loop: claim due messages, hand each to the handler of its kind, record it.

Each outcome is committed on its own right after it happens (sent, failed, skipped), so a
worker killed at any point leaves at most the message in hand unrecorded: its lease lapses and
another worker sends it again (the at-least-once window, docs/newsletter.md).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from flask import current_app

from api.core import clock
from api.extensions import db
from api.outbox import mailer, services
from api.outbox.mailer import PermanentFailure, send_email
from api.outbox.pacing import Pace, claim_size, send_margin

log = logging.getLogger(__name__)
Handler = Callable[[Mapping[str, Any], Mapping[str, Any]], None]
# A guard says why a claimed message must not be sent any more (None: send it).
Guard = Callable[[services.ClaimedMessage], str | None]
# A refusal hook reacts to a message refused for good (a hard bounce), in its transaction.
RefusalHook = Callable[[services.ClaimedMessage], None]

# kind -> deliver(payload, app config); raise PermanentFailure when retrying cannot help. The
# payload carries `outbox_key` besides the stored keys: stable across attempts at one message.
HANDLERS: dict[str, Handler] = {"email": send_email}
GUARDS: list[Guard] = []
REFUSAL_HOOKS: list[RefusalHook] = []
# Run at the start of every round: lets owners turn due work into messages (scheduled
# newsletter issues), so that one process, the worker, does both.
PRODUCERS: list[Callable[[], object]] = []
# True while a handler has a message in hand: only then may a stop deadline interrupt it
# (interrupting the bookkeeping around it would leave rows claimed until the lease ends).
handing_over = False


def register_handler(kind: str, handler: Handler) -> None:
    """Teach the worker a new kind of message (webhooks, ...)."""
    HANDLERS[kind] = handler


def register_guard(guard: Guard) -> None:
    """Let the owner of messages veto one just before it is sent (an unsubscribe meanwhile)."""
    GUARDS.append(guard)


def register_producer(producer: Callable[[], object]) -> None:
    """Run `producer` (it commits what it queues) before each round of claiming."""
    if producer not in PRODUCERS:
        PRODUCERS.append(producer)


def _run_producers() -> None:
    for producer in PRODUCERS:
        try:
            producer()
        except Exception:
            db.session.rollback()
            log.exception("outbox producer %s failed; the worker keeps delivering", producer)


def register_refusal_hook(hook: RefusalHook) -> None:
    """Let the owner of messages react when one is permanently refused (a hard bounce)."""
    REFUSAL_HOOKS.append(hook)


def _refused(message: services.ClaimedMessage) -> None:
    for hook in REFUSAL_HOOKS:
        hook(message)


def _veto(message: services.ClaimedMessage) -> str | None:
    try:
        return next((reason for guard in GUARDS if (reason := guard(message))), None)
    finally:
        db.session.rollback()  # no transaction stays open while the message is sent


def worker_name() -> str:
    """A name unique to this worker: host, process and a random suffix (threads share a pid)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def deliver(message: services.ClaimedMessage, worker: str) -> bool:
    """Deliver one claimed message and record the outcome; True when it was delivered."""
    global handing_over
    handler = HANDLERS.get(message.kind)
    try:
        if handler is None:
            raise PermanentFailure(f"no handler for messages of kind {message.kind!r}")
        handing_over = True
        try:
            handler({**message.payload, "outbox_key": message.key}, current_app.config)
        finally:
            handing_over = False
    except Exception as error:
        _record_failure(message, worker, error)
        return False
    # Recorded the moment the server accepted it: the only window for a second copy is this
    # one commit (a crash here means a resend after the lease, under the same Message-ID).
    services.record_sent(message, worker)
    log.info("outbox message %s (%s) delivered", message.id, message.kind)
    return True


def _record_failure(message: services.ClaimedMessage, worker: str, error: Exception) -> None:
    permanent = isinstance(error, PermanentFailure)
    text = f"{type(error).__name__}: {error}"
    retry_at = services.record_failure(
        message, worker, text, permanent=permanent, on_refusal=lambda: _refused(message)
    )
    outcome = f"retry at {retry_at.isoformat()}" if retry_at else "failed for good"
    log.warning(
        "outbox message %s (%s) attempt %s: %s; %s",
        message.id,
        message.kind,
        message.attempts,
        services.redact(text),
        outcome,
    )


def _send_or_skip(message: services.ClaimedMessage, worker: str, pace: Pace) -> None:
    reason = _veto(message)
    if reason is not None:
        services.record_skipped(message, worker, reason)
        log.info("outbox message %s skipped: %s", message.id, reason)
        return
    pace.spent()
    deliver(message, worker)


def _lease_too_short(message: services.ClaimedMessage) -> bool:
    margin = dt.timedelta(seconds=send_margin(current_app.config))
    return clock.now() + margin >= message.claimed_until


def process_due(
    worker: str,
    batch_size: int | None = None,
    stop: threading.Event | None = None,
    pace: Pace | None = None,
) -> int:
    """Claim one batch and deliver it; returns how many messages were claimed.

    Once `stop` is set, the message in hand is finished and the rest of the batch is released
    at once, so another worker can send it now rather than after the lease runs out. So is the
    rest of a batch whose lease is too close to its end to start another send.
    """
    config = current_app.config
    pace = pace or Pace(config["MAIL_RATE_PER_MINUTE"])
    claimed = services.claim_due(worker, batch_size or claim_size(config))
    for position, message in enumerate(claimed):
        if not pace.ready(stop) or _lease_too_short(message):
            released = services.release(claimed[position:], worker)
            log.info("outbox worker: %s unsent messages released", released)
            break
        _send_or_skip(message, worker, pace)
    return len(claimed)


def run(*, once: bool, stop: threading.Event | None = None, worker: str | None = None) -> int:
    """Deliver until nothing is due (`once`) or until `stop` is set; returns messages claimed."""
    config = current_app.config
    worker = worker or worker_name()
    stop = stop or threading.Event()
    pace = Pace(config["MAIL_RATE_PER_MINUTE"], wait=stop.wait)
    total = 0
    try:
        while not stop.is_set():
            _run_producers()
            claimed = process_due(worker, stop=stop, pace=pace)
            total += claimed
            if claimed:
                continue
            mailer.hang_up()  # nothing due: do not keep the mail server's connection idle
            if once:
                break
            stop.wait(config["OUTBOX_POLL_SECONDS"])
    finally:
        mailer.hang_up()
    return total

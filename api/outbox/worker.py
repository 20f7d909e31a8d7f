"""The delivery loop: claim due messages, hand each to the handler of its kind, record it."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from flask import current_app

from api.extensions import db
from api.outbox import services
from api.outbox.mailer import PermanentFailure, send_email

log = logging.getLogger(__name__)
Handler = Callable[[Mapping[str, Any], Mapping[str, Any]], None]

# kind -> deliver(payload, app config); raise PermanentFailure when retrying cannot help.
HANDLERS: dict[str, Handler] = {"email": send_email}
# reference prefix -> hook(reference), run in a transaction when a message is refused for good.
REFUSAL_HOOKS: dict[str, Callable[[str], None]] = {}
# Run at the start of every round: lets owners turn due work into messages (scheduled
# newsletter issues), so that one process, the worker, does both.
PRODUCERS: list[Callable[[], object]] = []
# True while a handler has a message in hand: only then may a stop deadline interrupt it
# (interrupting the bookkeeping around it would leave rows claimed until the lease ends).
handing_over = False


def register_handler(kind: str, handler: Handler) -> None:
    """Teach the worker a new kind of message (webhooks, ...)."""
    HANDLERS[kind] = handler


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


def register_refusal_hook(reference_prefix: str, hook: Callable[[str], None]) -> None:
    """Let the owner of messages react when one is permanently refused (a hard bounce)."""
    REFUSAL_HOOKS[reference_prefix] = hook


def _run_refusal_hooks(reference: str | None) -> None:
    for prefix, hook in REFUSAL_HOOKS.items():
        if reference and reference.startswith(prefix):
            with db.transaction():
                hook(reference)


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
            handler(message.payload, current_app.config)
        finally:
            handing_over = False
    except Exception as error:
        permanent = isinstance(error, PermanentFailure)
        retry_at = services.record_failure(
            message, worker, f"{type(error).__name__}: {error}", permanent=permanent
        )
        if permanent:
            _run_refusal_hooks(message.reference)
        outcome = f"retry at {retry_at.isoformat()}" if retry_at else "failed for good"
        log.warning(
            "outbox message %s (%s) attempt %s: %s; %s",
            message.id,
            message.kind,
            message.attempts,
            services.redact(f"{type(error).__name__}: {error}"),
            outcome,
        )
        return False
    services.record_sent(message, worker)
    log.info("outbox message %s (%s) delivered", message.id, message.kind)
    return True


def process_due(worker: str, batch_size: int, stop: threading.Event | None = None) -> int:
    """Claim one batch and deliver it; returns how many messages were claimed.

    Once `stop` is set, the message in hand is finished and the rest of the batch is released
    at once, so another worker can send it now rather than after the lease runs out.
    """
    claimed = services.claim_due(worker, batch_size)
    for position, message in enumerate(claimed):
        if stop is not None and stop.is_set():
            released = services.release(claimed[position:], worker)
            log.info("outbox worker stopping: %s unsent messages released", released)
            break
        deliver(message, worker)
    return len(claimed)


def run(*, once: bool, stop: threading.Event | None = None, worker: str | None = None) -> int:
    """Deliver until nothing is due (`once`) or until `stop` is set; returns messages claimed."""
    config = current_app.config
    worker = worker or worker_name()
    stop = stop or threading.Event()
    total = 0
    while not stop.is_set():
        _run_producers()
        claimed = process_due(worker, config["OUTBOX_BATCH_SIZE"], stop)
        total += claimed
        if claimed:
            continue
        if once:
            break
        stop.wait(config["OUTBOX_POLL_SECONDS"])
    return total

from __future__ import annotations

import signal
import threading
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup

from api.outbox import services, worker


@click.group("outbox", cls=AppGroup)
def outbox_group() -> None:
    """Deliver the messages of the outbox (emails)."""


class DeliveryInterrupted(Exception):
    """The message in hand outlived the stop deadline; it is retried like any failed attempt."""


def _stop_on_signals(stop: threading.Event, deadline_seconds: float) -> None:
    """SIGTERM/SIGINT: finish the message in hand, release the rest, exit. The message in hand
    gets `deadline_seconds`: one SMTP exchange is several socket operations, each bounded by
    the timeout alone, so a deadline on the whole bounds the exit."""

    def interrupt(_signum: int, _frame: Any) -> None:
        if worker.handing_over:
            raise DeliveryInterrupted(f"still sending {deadline_seconds:g} s after the stop signal")

    def request_stop(_signum: int, _frame: Any) -> None:
        if not stop.is_set():
            stop.set()
            signal.signal(signal.SIGALRM, interrupt)
            signal.setitimer(signal.ITIMER_REAL, deadline_seconds)

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)


def _refuse_without_mail_server() -> None:
    """A shell without the server's MAIL_* settings must not send real mail to the log."""
    config = current_app.config
    if config["MAIL_SERVER"] or config["MAIL_BACKEND"] == "log":
        return
    if services.holds_mail_for_real_recipients():
        raise click.ClickException(
            "MAIL_SERVER is unset and the outbox holds mail for real recipients: start the "
            "worker with the server's MAIL_* settings (environment or .env), or set "
            "MAIL_BACKEND=log to write every mail to the log instead of sending it."
        )


@outbox_group.command("run")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit (for cron).")
def run_command(once: bool) -> None:
    """Deliver due messages: forever (stop with SIGTERM or Ctrl-C), or once with --once."""
    _refuse_without_mail_server()
    stop = threading.Event()
    if not once:
        # MAIL_TIMEOUT - 1 s for the message in hand leaves the last second of the promised
        # MAIL_TIMEOUT + 1 s for recording it, releasing the batch and exiting, even on a busy host.
        _stop_on_signals(stop, max(current_app.config["MAIL_TIMEOUT"] - 1, 1))
    name = worker.worker_name()
    click.echo(f"outbox worker {name} started")
    try:
        total = worker.run(once=once, stop=stop, worker=name)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    click.echo(f"outbox worker {name} stopped after claiming {total} messages")

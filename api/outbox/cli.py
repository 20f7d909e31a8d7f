from __future__ import annotations

import signal
import threading
from typing import Any

import click
from flask.cli import AppGroup

from api.outbox import worker


@click.group("outbox", cls=AppGroup)
def outbox_group() -> None:
    """Deliver the messages of the outbox (emails)."""


@outbox_group.command("run")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit (for cron).")
def run_command(once: bool) -> None:
    """Deliver due messages: forever (stop with SIGTERM or Ctrl-C), or once with --once."""
    stop = threading.Event()
    if not once:

        def request_stop(_signum: int, _frame: Any) -> None:
            stop.set()  # finish the message in hand, then exit

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
    name = worker.worker_name()
    click.echo(f"outbox worker {name} started")
    total = worker.run(once=once, stop=stop, worker=name)
    click.echo(f"outbox worker {name} stopped after claiming {total} messages")

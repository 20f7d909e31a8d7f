from __future__ import annotations

import click
from flask.cli import AppGroup

from api.issues import queueing


@click.group("newsletter", cls=AppGroup)
def newsletter_cli() -> None:
    """Newsletter issues."""


@newsletter_cli.command("send-due")
def send_due_command() -> None:
    """Queue the issues whose time has come (the outbox worker also does, every round)."""
    count = queueing.send_due()
    click.echo(f"{count} newsletter issues queued")

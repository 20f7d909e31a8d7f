"""`flask review notify` and `flask review withdraw-overdue`: daily jobs (cron)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from api.extensions import db
from api.review.notify import notify_reviewers
from api.review.overdue import WITHDRAW, withdraw_overdue

review_cli = AppGroup("review", help="Periodic medical review: reminders and overdue articles.")


@review_cli.command("notify")
def notify_command() -> None:
    """Mail each reviewer their due and overdue articles (through the outbox)."""
    with db.transaction():
        queued = notify_reviewers()
    click.echo(f"queued {queued} review reminder(s)")


@review_cli.command("withdraw-overdue")
def withdraw_command() -> None:
    """Under REVIEW_OVERDUE_ACTION=withdraw, take overdue articles out of public view."""
    if current_app.config["REVIEW_OVERDUE_ACTION"] != WITHDRAW:
        click.echo("REVIEW_OVERDUE_ACTION is flag: overdue articles stay public, flagged")
        return
    with db.transaction():
        slugs = withdraw_overdue()
    click.echo(f"withdrew {len(slugs)} article(s)" + (f": {', '.join(slugs)}" if slugs else ""))

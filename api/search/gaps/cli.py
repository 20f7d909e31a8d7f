"""`flask search prune`: a daily job (cron) enforcing SEARCH_LOG_RETENTION_DAYS."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from api.extensions import db
from api.search.gaps.services import prune

search_cli = AppGroup("search", help="Search housekeeping.")


@search_cli.command("prune")
def prune_command() -> None:
    """Delete search counts older than SEARCH_LOG_RETENTION_DAYS."""
    with db.transaction():
        deleted = prune()
    days = current_app.config["SEARCH_LOG_RETENTION_DAYS"]
    click.echo(f"deleted {deleted} search count(s) older than {days} day(s)")

"""Registers every resource's CLI commands on the app."""

from __future__ import annotations

from flask import Flask

from api.importer.cli import import_articles_command, seed_command
from api.issues.cli import newsletter_cli
from api.outbox.cli import outbox_group
from api.review.cli import review_cli
from api.search.gaps.cli import search_cli
from api.users.cli import tokens_cli, users_cli


def init_app(app: Flask) -> None:
    app.cli.add_command(import_articles_command)
    app.cli.add_command(seed_command)
    app.cli.add_command(outbox_group)
    app.cli.add_command(newsletter_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(tokens_cli)
    app.cli.add_command(review_cli)
    app.cli.add_command(search_cli)

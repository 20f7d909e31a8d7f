"""Outbox messages for tests that send or stop workers, the store a worker process shares with
the test, and the real worker command (`flask --app wsgi outbox run`) as a subprocess."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from flask import Flask

from api.extensions import db
from api.outbox.services import enqueue
from tests.conftest import alembic_config

ROOT = Path(__file__).resolve().parents[2]


def enqueue_mails(
    app: Flask, count: int = 1, to: str = "someone@example.com", reference: str | None = None
) -> list[int]:
    """Queue `count` plain mails to `to` in one committed transaction; returns their ids."""
    with app.app_context(), db.transaction():
        return [
            enqueue(
                "email",
                {"to": to, "subject": f"Message {number}", "text": "Hello."},
                reference=reference,
            ).id
            for number in range(count)
        ]


@pytest.fixture
def worker_store(database_url: str, make_app: Any, tmp_path: Path) -> tuple[Flask, str]:
    """(app, URL) of the store worker processes and the test share: the test store on
    PostgreSQL; on SQLite a file of this test's own, so that no connection another test left
    open in this process has the file that a second process writes to."""
    if not database_url.startswith("sqlite"):
        return make_app(), database_url
    url = f"sqlite:///{tmp_path / 'outbox.db'}"
    command.upgrade(alembic_config(url), "head")
    return make_app(DATABASE_URL=url), url


def start_worker(
    database_url: str, smtp_port: int, output: Any = subprocess.PIPE, **settings: Any
) -> subprocess.Popen[bytes]:
    """`flask --app wsgi outbox run` against `database_url`, mailing to 127.0.0.1:`smtp_port`."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "outbox-worker-tests",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
        "LOG_LEVEL": "WARNING",
        **{name: str(value) for name, value in settings.items()},
    }
    command = [str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "outbox", "run"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)

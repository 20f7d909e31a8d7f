"""`create_app` is the only place that wires the app: session hooks and the commit rule."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import update

from api.authors.models import Author
from api.core.errors import Problem
from api.extensions import db

SESSION_EVENTS = (
    "before_flush",
    "after_flush",
    "after_flush_postexec",
    "do_orm_execute",
    "before_commit",
    "after_commit",
    "after_rollback",
    "after_soft_rollback",
    "after_begin",
    "after_transaction_create",
    "after_transaction_end",
    "before_attach",
    "after_attach",
)


def _listeners(session, name: str) -> list[str]:
    return [f"{f.__module__}.{f.__qualname__}" for f in getattr(session.dispatch, name)]


def test_importing_every_module_registers_no_session_listener():
    """A fresh interpreter imports all of `api` and creates an app: `Session` stays bare."""
    script = textwrap.dedent(
        f"""
        import importlib, pkgutil
        import api
        from sqlalchemy.orm import Session, sessionmaker
        for module in pkgutil.walk_packages(api.__path__, "api."):
            importlib.import_module(module.name)
        api.create_app({{"DATABASE_URL": "sqlite://"}})
        for session in (Session(), sessionmaker()()):
            for name in {SESSION_EVENTS!r}:
                found = list(getattr(session.dispatch, name))
                assert not found, (name, found)
        print("bare")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parent.parent,  # this checkout's `api`
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "bare"


def test_the_apps_sessions_carry_every_hook_in_the_documented_order(app):
    with app.app_context():
        session = db.session
        assert _listeners(session, "after_flush") == [
            "api.articles.topic_index._sync_public_since",
            "api.changes.recorder._remember_writes",
        ]
        # Change events (and their webhooks) are written first; the content version last.
        assert _listeners(session, "before_commit") == [
            "api.changes.recorder.install.<locals>.write_events",
            "api.caching.state._bump_on_commit",
        ]
        # Bookkeeping-only article writes keep updated_at before the content version looks.
        assert _listeners(session, "before_flush") == [
            "api.articles.timestamps._keep_timestamp_of_bookkeeping",
            "api.caching.state._mark_flushed_content",
        ]


def test_a_session_from_an_app_without_hooks_fails_loudly():
    bare = Flask(__name__)
    bare.config.update(DATABASE_URL="sqlite://", DATABASE_ECHO=False)
    db.init_app(bare)
    try:
        with bare.app_context(), pytest.raises(RuntimeError, match="create_app"):
            db.session  # noqa: B018
    finally:
        db.dispose(bare)


@pytest.fixture
def writer(make_app):
    """An app with a route whose only write is a Core UPDATE (no ORM flush, nothing dirty)."""
    app = make_app()

    @app.post("/test/authors/<slug>/rename/<name>/<int:status>")
    def rename(slug: str, name: str, status: int):
        db.session.execute(
            update(Author)
            .where(Author.slug == slug)
            .values(name=name)
            .execution_options(synchronize_session=False)
        )
        if status == 500:
            raise RuntimeError("the view failed after writing")
        if status == 409:
            raise Problem(409, "refused after writing")
        return {"status": status}, status

    return app.test_client()


def test_a_successful_request_commits_its_core_only_write(writer, client, make):
    make.author(slug="jane-doe", name="Jane Doe")
    assert writer.post("/test/authors/jane-doe/rename/Jane Roe/200").status_code == 200
    assert client.get("/api/v1/authors/jane-doe").get_json()["name"] == "Jane Roe"


@pytest.mark.parametrize("status", [400, 409, 500])
def test_an_error_rolls_back_the_core_only_write(writer, client, make, status):
    make.author(slug="jane-doe", name="Jane Doe")
    assert writer.post(f"/test/authors/jane-doe/rename/Jane Roe/{status}").status_code == status
    assert client.get("/api/v1/authors/jane-doe").get_json()["name"] == "Jane Doe"

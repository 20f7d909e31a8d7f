"""Migration 0019 turns `bounced` subscriptions into `suspended` ones (one bounce counted), lets
outbox messages be `skipped`, and downgrades cleanly, on both stores."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from api.core.db import make_engine
from tests.conftest import alembic_config, run_sql

# Rows as they stood before 0019 (a migration test has no factories at an older revision).
INSERT_ROWS = """
    INSERT INTO newsletters (slug, name, description, created_at, updated_at)
    VALUES ('n', 'N', '', :now, :now);
    INSERT INTO newsletter_subscriptions (newsletter_id, email, email_normalized, status,
        consent_text, consent_version, consented_at, created_at, updated_at)
    VALUES (1, 'gone@example.com', 'gone@example.com', 'bounced', 'ok', 'v1', :now, :now, :now),
        (1, 'here@example.com', 'here@example.com', 'active', 'ok', 'v1', :now, :now, :now);
"""
NOW = "2026-01-01 00:00:00+00:00"


def _rows(url: str, query: str) -> list[tuple]:
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = [tuple(row) for row in connection.execute(text(query))]
    engine.dispose()
    return rows


def test_0019_suspends_bounced_subscriptions_and_allows_skipped_messages(unmigrated_store):
    config = alembic_config(unmigrated_store)
    command.upgrade(config, "0016")
    run_sql(unmigrated_store, INSERT_ROWS, {"now": NOW})

    command.upgrade(config, "0019_bounces")
    rows = _rows(
        unmigrated_store,
        "SELECT email, status, hard_bounces, suspended_at IS NOT NULL "
        "FROM newsletter_subscriptions ORDER BY id",
    )
    assert rows == [
        ("gone@example.com", "suspended", 1, True),
        ("here@example.com", "active", 0, False),
    ]
    outbox_row = (
        "INSERT INTO outbox_messages (kind, payload, status, attempts, max_attempts, "
        "next_attempt_at, created_at, updated_at) VALUES ('email', '{}', '{status}', 0, 8, "
        ":now, :now, :now)"
    )
    run_sql(unmigrated_store, outbox_row.replace("{status}", "skipped"), {"now": NOW})
    with pytest.raises(IntegrityError):  # the CHECK constraints still hold
        run_sql(unmigrated_store, outbox_row.replace("{status}", "lost"), {"now": NOW})
    with pytest.raises(IntegrityError):
        run_sql(
            unmigrated_store, "UPDATE newsletter_subscriptions SET status = 'bounced'", {"now": NOW}
        )

    command.downgrade(config, "0016")
    assert _rows(unmigrated_store, "SELECT status FROM newsletter_subscriptions ORDER BY id") == [
        ("bounced",),
        ("active",),
    ]
    assert _rows(unmigrated_store, "SELECT status FROM outbox_messages") == [("failed",)]

"""Staff tools: subscriber lists, the CSV export, erasure and statistics; and the seed."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import inspect, select, text

from api.extensions import db
from api.models import Base
from api.newsletter import export
from api.newsletter.models import Newsletter
from api.users.models import Role
from tests.support.newsletter import (
    SIGNUP,
    create_newsletter,
    link_token,
    run_outbox,
    signup_body,
)
from tests.support.staff import staff_headers

SUBSCRIBERS = "/api/v1/newsletter/subscribers"
CONFIRM = "/api/v1/newsletter/confirm"


def _signup(client, address, **fields):
    response = client.post(
        SIGNUP,
        json=signup_body(address, **fields),
        environ_base={"REMOTE_ADDR": f"10.0.0.{abs(hash(address)) % 250}"},
    )
    assert response.status_code == 202


def _confirm_all(app, client, smtp_server):
    run_outbox(app)
    for message in smtp_server.messages:
        client.post(CONFIRM, json={"token": link_token(message)})


def test_staff_endpoints_need_an_admin(client, app):
    editor = staff_headers(app, Role.EDITOR)
    for path in (SUBSCRIBERS, f"{SUBSCRIBERS}/export", "/api/v1/newsletter/stats"):
        assert client.get(path).status_code == 401
        assert client.get(path, headers=editor).status_code == 403
    assert client.delete(f"{SUBSCRIBERS}/1", headers=editor).status_code == 403


def test_list_filters_by_status_newsletter_topic_and_address(
    mail_app, smtp_server, newsletter, make, count_queries
):
    make.topic(slug="sleep")
    create_newsletter(mail_app, "clinic-news", "Clinic news")
    client = mail_app.test_client()
    _signup(client, "a@example.com", topics=["sleep"])
    _confirm_all(mail_app, client, smtp_server)
    _signup(client, "b@example.com", newsletter="clinic-news")
    _signup(client, "c@example.com")
    admin = staff_headers(mail_app)

    def emails(**query):
        response = client.get(SUBSCRIBERS, query_string=query, headers=admin)
        assert response.status_code == 200, response.get_json()
        return [row["email"] for row in response.get_json()]

    assert emails() == ["c@example.com", "b@example.com", "a@example.com"]
    assert emails(status="active") == ["a@example.com"]
    assert emails(newsletter="clinic-news") == ["b@example.com"]
    assert emails(topic="sleep") == ["a@example.com"]
    assert emails(email=" A@EXAMPLE.com") == ["a@example.com"]
    assert client.get(SUBSCRIBERS, query_string={"status": "x"}, headers=admin).status_code == 422
    [row] = client.get(SUBSCRIBERS, query_string={"status": "active"}, headers=admin).get_json()
    assert row["topics"] == ["sleep"] and row["consent_version"] and row["ip_hash"]

    with count_queries() as few:
        client.get(SUBSCRIBERS, query_string={"page_size": 1}, headers=admin)
    with count_queries() as many:
        client.get(SUBSCRIBERS, headers=admin)
    assert few.count == many.count  # no N+1


def test_export_streams_csv_with_consent_and_no_formulas(
    client, app, newsletter, monkeypatch, admin_headers
):
    monkeypatch.setattr(export, "BATCH_SIZE", 2)  # several batches
    for number in range(5):
        _signup(
            client, f"e{number}@example.com", source="=HYPERLINK(evil)" if number == 0 else "site"
        )
    response = client.get(f"{SUBSCRIBERS}/export", headers=admin_headers)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.is_streamed
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [row["email"] for row in rows] == [f"e{n}@example.com" for n in range(5)]
    assert rows[0]["source"] == "'=HYPERLINK(evil)"
    for row in rows:
        assert row["consent_text"] == app.config["NEWSLETTER_CONSENT_TEXT"]
        assert row["consent_version"] and row["consented_at"] and len(row["ip_hash"]) == 64
    filtered = client.get(f"{SUBSCRIBERS}/export?status=active", headers=admin_headers)
    assert filtered.get_data(as_text=True).count("\n") == 1  # the header only


def test_safe_cell_neutralises_formulas():
    assert export.safe_cell("=1+1") == "'=1+1"
    assert export.safe_cell("+1") == "'+1"
    assert export.safe_cell("-1") == "'-1"
    assert export.safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert export.safe_cell("plain") == "plain"
    assert export.safe_cell(None) == ""


def _store_text(app):
    """Every value of every column of every table, as text: what erasure must clean."""
    values = []
    with app.app_context(), db.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            for row in connection.execute(table.select()):
                values.extend(str(value) for value in row)
        names = inspect(connection).get_table_names()
        assert {table.name for table in Base.metadata.sorted_tables} <= set(names)
        if connection.dialect.name == "sqlite":
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    return "\n".join(values).lower()


def test_erasure_leaves_no_trace_of_the_address(
    mail_app, smtp_server, newsletter, make, admin_headers
):
    make.topic(slug="sleep")
    client = mail_app.test_client()
    _signup(client, "Erase.Me@Example.com", topics=["sleep"], source="kiosk")
    _signup(client, "keep@example.com")
    _confirm_all(mail_app, client, smtp_server)
    _signup(client, "erase.me@example.com")  # active: nothing new queued
    _signup(client, "keep@example.com")
    assert "erase.me@example.com" in _store_text(mail_app)
    rows = client.get(
        SUBSCRIBERS, query_string={"email": "erase.me@example.com"}, headers=admin_headers
    )
    [subscriber] = rows.get_json()

    response = client.delete(f"{SUBSCRIBERS}/{subscriber['id']}", headers=admin_headers)
    assert response.status_code == 204
    assert "erase.me" not in _store_text(mail_app)
    assert "keep@example.com" in _store_text(mail_app)

    [tombstone] = client.get(
        SUBSCRIBERS, query_string={"status": "erased"}, headers=admin_headers
    ).get_json()
    assert tombstone["id"] == subscriber["id"] and tombstone["email"] is None
    assert tombstone["erased_at"] and tombstone["consented_at"] and tombstone["topics"] == []
    assert tombstone["ip_hash"] is None and tombstone["user_agent"] is None
    listed = client.get(SUBSCRIBERS, headers=admin_headers).get_json()
    assert [row["email"] for row in listed] == ["keep@example.com"]
    # Erasing again is harmless; an unknown id is a 404; the address may sign up anew.
    assert (
        client.delete(f"{SUBSCRIBERS}/{subscriber['id']}", headers=admin_headers).status_code == 204
    )
    assert client.delete(f"{SUBSCRIBERS}/9999", headers=admin_headers).status_code == 404
    _signup(client, "erase.me@example.com")
    assert client.get(
        SUBSCRIBERS, query_string={"status": "pending"}, headers=admin_headers
    ).get_json()
    # The erased subscriber's old links are dead.
    first = smtp_server.messages[0]
    assert client.post(CONFIRM, json={"token": link_token(first)}).status_code == 400


def test_stats_count_by_status_newsletter_and_day(
    mail_app, smtp_server, newsletter, frozen_clock, admin_headers
):
    client = mail_app.test_client()
    _signup(client, "s1@example.com")
    _confirm_all(mail_app, client, smtp_server)
    frozen_clock.advance(days=1)
    _signup(client, "s2@example.com")
    _signup(client, "s3@example.com")
    response = client.get(
        "/api/v1/newsletter/stats", query_string={"days": 3}, headers=admin_headers
    )
    assert response.status_code == 200
    stats = response.get_json()
    assert stats["by_status"] == {
        "pending": 2,
        "active": 1,
        "unsubscribed": 0,
        "suspended": 0,
        "erased": 0,
    }
    assert stats["newsletters"][0]["slug"] == "spine-health"
    assert stats["newsletters"][0]["by_status"]["active"] == 1
    assert stats["signups_per_day"] == [
        {"date": "2026-01-14", "count": 0},
        {"date": "2026-01-15", "count": 1},
        {"date": "2026-01-16", "count": 2},
    ]
    assert stats["outbox"] == {"sent": 1, "pending": 2}
    bad = client.get("/api/v1/newsletter/stats", query_string={"days": 0}, headers=admin_headers)
    assert bad.status_code == 422


def test_seed_creates_newsletters_once(runner, db_session):
    for verb in ("created", "skipped"):
        result = runner.invoke(args=["seed"])
        assert result.exit_code == 0, result.output
        assert f"{verb} newsletter spine-health" in result.output
        assert f"{verb} newsletter clinic-news" in result.output
    slugs = db_session.scalars(select(Newsletter.slug).order_by(Newsletter.id)).all()
    assert slugs == ["spine-health", "clinic-news"]


# The file check is SQLite's; PostgreSQL reclaims dead rows with VACUUM.
@pytest.mark.sqlite_only
def test_erasure_leaves_no_bytes_in_the_sqlite_file(
    mail_app, smtp_server, newsletter, admin_headers
):
    client = mail_app.test_client()
    _signup(client, "bytes.gone@example.com")
    run_outbox(mail_app)
    path = mail_app.config["DATABASE_URL"].removeprefix("sqlite:///")

    def file_has_address():
        _store_text(mail_app)  # checkpoints the WAL into the file
        with open(path, "rb") as store:
            return b"bytes.gone" in store.read()

    assert file_has_address()
    [subscriber] = client.get(SUBSCRIBERS, headers=admin_headers).get_json()
    client.delete(f"{SUBSCRIBERS}/{subscriber['id']}", headers=admin_headers)
    assert not file_has_address()

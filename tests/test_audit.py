"""The audit log: every write, append-only, filtered by actor, object and time."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from api.audit.models import AuditEntry, AuditLogIsAppendOnly
from tests.support.staff import new_article, problem


def test_writes_are_audited_and_filterable(make, admin, editor, frozen_clock):
    make.author(slug="jane-doe")
    editor.post("/api/v1/articles", new_article(slug="doc", title="First title"))
    frozen_clock.advance(hours=1)
    editor.edit("/api/v1/articles/doc", {"title": "Better", "body_markdown": "x" * 500})
    editor.post("/api/v1/topics", {"slug": "sleep", "name": "Sleep"})
    frozen_clock.advance(hours=1)
    editor.post("/api/v1/articles/doc/transitions", {"action": "submit", "comment": "Ready"})
    everything = admin.get("/api/v1/audit").get_json()
    mine = admin.get(f"/api/v1/audit?actor={editor.user.id}").get_json()
    assert [e["action"] for e in mine] == [
        "article.submit",
        "topic.create",
        "article.update",
        "article.create",
    ]
    assert all(e["actor"]["name"] == editor.user.name for e in mine)
    assert len(everything) > len(mine)  # users created by the fixtures, from the CLI side
    update = mine[2]
    assert update["object_type"] == "article" and update["object_label"] == "doc"
    assert update["changes"]["title"] == {"from": "First title", "to": "Better"}
    assert update["changes"]["body_markdown"]["to"].endswith("(500 characters)")
    assert update["changes"]["revision"] == 2
    assert mine[0]["changes"] == {"from": "draft", "to": "in_review", "comment": "Ready"}
    article_id = update["object_id"]
    only_article = admin.get(f"/api/v1/audit?object_type=article&object_id={article_id}")
    assert [e["action"] for e in only_article.get_json()] == [
        "article.submit",
        "article.update",
        "article.create",
    ]
    window = admin.get(
        "/api/v1/audit?since=2026-01-15T10:00:00%2B00:00&until=2026-01-15T11:00:00%2B00:00"
    ).get_json()
    assert [e["action"] for e in window] == ["topic.create", "article.update"]
    problem(admin.get("/api/v1/audit?object_type=planet"), 422)
    problem(admin.get("/api/v1/audit?since=yesterday"), 422)


def test_refused_writes_leave_no_trace(make, admin, writer, reviewer):
    make.author(slug="jane-doe")
    writer.post("/api/v1/articles", new_article(slug="doc"))
    count = len(admin.get("/api/v1/audit?object_type=article").get_json())
    problem(reviewer.post("/api/v1/articles/doc/transitions", {"action": "approve"}), 409)
    problem(writer.post("/api/v1/articles/doc/transitions", {"action": "publish"}), 403)
    problem(writer.patch("/api/v1/articles/doc", {"title": "x"}), 428)
    assert len(admin.get("/api/v1/audit?object_type=article").get_json()) == count


def test_the_log_is_append_only(make, editor, app):
    from api.extensions import db

    editor.post("/api/v1/topics", {"slug": "sleep", "name": "Sleep"})
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry))
        entry.action = "rewritten"
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.scalar(select(AuditEntry)))
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.flush()
        db.session.rollback()


def test_audit_list_statement_count_is_constant(make, admin, editor, count_queries):
    admin.get("/api/v1/users/me")
    counts = []
    for batch in (2, 20):
        for number in range(batch):
            editor.post("/api/v1/topics", {"slug": f"t-{batch}-{number}", "name": "T"})
        with count_queries() as counter:
            assert admin.get("/api/v1/audit?page_size=100").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1] <= 3, counts

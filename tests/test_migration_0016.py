"""Migration 0016 gives existing articles their sections, the patient audience and the clinic
disclaimer, keeps the search triggers, and downgrades cleanly, on both stores."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from api.core.db import make_engine
from tests.conftest import alembic_config, run_sql

# Rows as they stood before 0016 (a migration test has no factories at an older revision).
INSERT_ARTICLE = """
    INSERT INTO authors (slug, name, kind, bio_markdown, bio_html, created_at, updated_at)
    VALUES ('a', 'A', 'person', '', '', :now, :now);
    INSERT INTO articles (slug, title, summary, body_markdown, body_html, body_text, toc,
        language, status, published_at, author_id, reading_time_minutes, reading_grade,
        version, created_at, updated_at)
    VALUES ('older', 'Written before sections', '', '', :html, 'A quokka.', '[]', 'en',
        'published', :now, 1, 1, 0, 1, :now, :now);
"""
BODY_HTML = '<p>A quokka.</p>\n<h2 id="care">Care</h2>\n<p>Rest.</p>\n'


def article_columns(url: str) -> set[str]:
    engine = make_engine(url)
    with engine.connect() as connection:
        names = {column["name"] for column in inspect(connection).get_columns("articles")}
    engine.dispose()
    return names


def test_0016_backfills_sections_and_keeps_search(unmigrated_store, make_app):
    config = alembic_config(unmigrated_store)
    command.upgrade(config, "0015")
    run_sql(
        unmigrated_store, INSERT_ARTICLE, {"now": "2026-01-01 00:00:00+00:00", "html": BODY_HTML}
    )

    command.upgrade(config, "head")
    client = make_app(DATABASE_URL=unmigrated_store).test_client()
    article = client.get("/api/v1/articles/older").get_json()
    assert [(s["kind"], s["anchor"], s["level"]) for s in article["sections"]] == [
        ("text", None, None),
        ("text", "care", 2),
    ]
    assert "".join(s["html"] for s in article["sections"]) == BODY_HTML
    assert article["audience"] == "patient"
    assert article["disclaimer_html"].startswith("<p>This information is for education")
    search = client.get("/api/v1/search?q=quokka").get_json()["articles"]
    assert [hit["slug"] for hit in search] == ["older"]

    command.downgrade(config, "0015")
    assert {"sections", "audience", "disclaimer_markdown"}.isdisjoint(
        article_columns(unmigrated_store)
    )
    command.upgrade(config, "head")
    assert client.get("/api/v1/search?q=quokka").get_json()["articles"]

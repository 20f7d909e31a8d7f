"""Migration 0021 adds media to content with plain ADD COLUMNs: articles written before it
keep their search triggers and read with no feature image; it downgrades cleanly, on both
stores."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from api.core.db import make_engine
from tests.conftest import alembic_config, run_sql

# Rows as they stood before 0021 (a migration test has no factories at an older revision).
INSERT_ARTICLE = """
    INSERT INTO authors (slug, name, kind, bio_markdown, bio_html, created_at, updated_at)
    VALUES ('a', 'A', 'person', '', '', :now, :now);
    INSERT INTO articles (slug, title, summary, body_markdown, body_html, body_text, toc,
        language, status, published_at, author_id, reading_time_minutes, reading_grade,
        version, created_at, updated_at)
    VALUES ('older', 'Written before media', '', 'A quokka.', :html, 'A quokka.', '[]', 'en',
        'published', :now, 1, 1, 0, 1, :now, :now);
"""
BODY_HTML = "<p>A quokka.</p>\n"


def _columns(url: str, table: str) -> set[str]:
    engine = make_engine(url)
    with engine.connect() as connection:
        names = {column["name"] for column in inspect(connection).get_columns(table)}
        tables = set(inspect(connection).get_table_names())
    engine.dispose()
    return names | ({"<media_uses table>"} if "media_uses" in tables else set())


def test_0021_keeps_articles_and_search_and_downgrades(unmigrated_store, make_app):
    config = alembic_config(unmigrated_store)
    command.upgrade(config, "0020_issues")
    run_sql(
        unmigrated_store, INSERT_ARTICLE, {"now": "2026-01-01 00:00:00+00:00", "html": BODY_HTML}
    )

    command.upgrade(config, "head")
    client = make_app(DATABASE_URL=unmigrated_store).test_client()
    article = client.get("/api/v1/articles/older").get_json()
    assert article["feature_image"] is None and article["feature_image_id"] is None
    assert client.get("/api/v1/search?q=quokka").get_json()["articles"][0]["slug"] == "older"

    command.downgrade(config, "0020_issues")
    assert {"feature_image_id", "media_text"}.isdisjoint(_columns(unmigrated_store, "articles"))
    assert "avatar_id" not in _columns(unmigrated_store, "authors")
    assert "<media_uses table>" not in _columns(unmigrated_store, "authors")
    command.upgrade(config, "head")
    assert client.get("/api/v1/search?q=quokka").get_json()["articles"]

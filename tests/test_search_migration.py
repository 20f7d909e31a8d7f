"""Migration 0005 indexes articles that already exist, and downgrades cleanly, on both stores."""

from __future__ import annotations

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from api.core.db import make_engine
from tests.conftest import alembic_config

INSERT_ARTICLE = """
    INSERT INTO authors (slug, name, kind, bio_markdown, bio_html, created_at, updated_at)
    VALUES ('a', 'A', 'person', '', '', :now, :now);
    INSERT INTO articles (slug, title, summary, body_markdown, body_html, body_text, toc,
        language, status, published_at, author_id, reading_time_minutes, reading_grade,
        version, created_at, updated_at)
    VALUES ('older', 'Written before search', '', '', '', 'Mentions a quokka.', '[]', 'en',
        'published', :now, 1, 1, 0, 1, :now, :now);
"""


def search_object_names(url: str) -> set[str]:
    engine = make_engine(url)
    with engine.connect() as connection:
        inspector = inspect(connection)
        names = set(inspector.get_table_names())
        names |= {column["name"] for column in inspector.get_columns("articles")}
        names |= {index["name"] for index in inspector.get_indexes("articles")}
    engine.dispose()
    return {name for name in names if "fts" in name or "search" in name or "prefix" in name}


def test_upgrade_indexes_existing_articles_and_downgrade_removes_the_index(
    unmigrated_store, make_app
):
    config = alembic_config(unmigrated_store)
    command.upgrade(config, "0001")
    engine = make_engine(unmigrated_store)
    with engine.begin() as connection:
        for statement in filter(str.strip, INSERT_ARTICLE.split(";")):
            connection.execute(text(statement), {"now": "2026-01-01 00:00:00+00:00"})
    engine.dispose()

    command.upgrade(config, "head")
    client = make_app(DATABASE_URL=unmigrated_store).test_client()
    response = client.get("/api/v1/search?q=quokka")
    assert [hit["slug"] for hit in response.get_json()["articles"]] == ["older"]
    assert search_object_names(unmigrated_store)

    before_search = ScriptDirectory.from_config(config).get_revision("0005").down_revision
    command.downgrade(config, before_search)
    assert search_object_names(unmigrated_store) == set()
    command.upgrade(config, "head")
    assert [hit["slug"] for hit in client.get("/api/v1/search?q=quokka").get_json()["articles"]]


SYNONYM_TOPIC = """
    INSERT INTO topics (slug, name, description, description_html, position, synonyms, codes,
        version, created_at, updated_at)
    VALUES ('marsupials', 'Marsupials', '', '', 0, '["wallaby"]', '{}', 1, :now, :now);
    INSERT INTO article_topics (article_id, topic_id, position, is_primary)
    VALUES (1, 1, 0, true);
"""


def test_0013_backfills_synonyms_vocabulary_and_suggestions(unmigrated_store, make_app):
    config = alembic_config(unmigrated_store)
    command.upgrade(config, "0012")
    engine = make_engine(unmigrated_store)
    with engine.begin() as connection:
        for statement in filter(str.strip, (INSERT_ARTICLE + SYNONYM_TOPIC).split(";")):
            connection.execute(text(statement), {"now": "2026-01-01 00:00:00+00:00"})
    engine.dispose()

    command.upgrade(config, "head")
    client = make_app(DATABASE_URL=unmigrated_store).test_client()
    found = client.get("/api/v1/search?q=wallaby").get_json()  # the topic's synonym
    assert [hit["slug"] for hit in found["articles"]] == ["older"]
    corrected = client.get("/api/v1/search?q=quokkka").get_json()  # the backfilled vocabulary
    assert corrected["did_you_mean"] == "quokka"
    suggested = client.get("/api/v1/search/suggest?q=wal").get_json()
    assert suggested["topics"][0]["label"] == "Marsupials (wallaby)"
    assert client.get("/api/v1/search/suggest?q=before").get_json()["articles"][0]["slug"] == (
        "older"
    )

    command.downgrade(config, "0012")
    engine = make_engine(unmigrated_store)
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            query = "SELECT id FROM articles WHERE search_vector @@ to_tsquery('english', 'quokka')"
        else:
            query = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'quokka'"
        assert connection.execute(text(query)).scalars().all() == [1]  # the old index works
        assert "search_words" not in inspect(connection).get_table_names()
    engine.dispose()
    command.upgrade(config, "head")

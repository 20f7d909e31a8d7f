"""full-text search index and prefix indexes

SQLite: an FTS5 external-content table over articles (porter stemming) kept current by
triggers. PostgreSQL: a weighted tsvector generated column with a GIN index. Both: lowercase
prefix indexes on article titles and topic names. See api/search/index.py.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 01:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_TRIGGERS = {
    "articles_fts_after_insert": """
        CREATE TRIGGER articles_fts_after_insert AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts (rowid, title, summary, body_text)
            VALUES (new.id, new.title, new.summary, new.body_text);
        END""",
    "articles_fts_after_delete": """
        CREATE TRIGGER articles_fts_after_delete AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts (articles_fts, rowid, title, summary, body_text)
            VALUES ('delete', old.id, old.title, old.summary, old.body_text);
        END""",
    "articles_fts_after_update": """
        CREATE TRIGGER articles_fts_after_update AFTER UPDATE OF title, summary, body_text
        ON articles BEGIN
            INSERT INTO articles_fts (articles_fts, rowid, title, summary, body_text)
            VALUES ('delete', old.id, old.title, old.summary, old.body_text);
            INSERT INTO articles_fts (rowid, title, summary, body_text)
            VALUES (new.id, new.title, new.summary, new.body_text);
        END""",
}

# Title weighs most (A), then the summary (B), then the body (C).
SEARCH_VECTOR = """
    setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(summary, '')), 'B')
    || setweight(to_tsvector('english'::regconfig, coalesce(body_text, '')), 'C')
"""


def _is_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if _is_postgresql():
        op.execute(
            f"ALTER TABLE articles ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({SEARCH_VECTOR}) STORED"
        )
        op.execute("CREATE INDEX ix_articles_search_vector ON articles USING gin (search_vector)")
        # Byte order ("C"): a prefix is one range whatever the database collation, and the
        # index also gives the order, so a type-ahead page reads a handful of entries.
        op.execute('CREATE INDEX ix_articles_title_prefix ON articles ((lower(title) COLLATE "C"))')
        op.execute('CREATE INDEX ix_topics_name_prefix ON topics ((lower(name) COLLATE "C"))')
        return
    op.execute(
        "CREATE VIRTUAL TABLE articles_fts USING fts5(title, summary, body_text, "
        "content='articles', content_rowid='id', tokenize='porter unicode61')"
    )
    for ddl in SQLITE_TRIGGERS.values():
        op.execute(ddl)
    op.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
    op.execute("CREATE INDEX ix_articles_title_prefix ON articles (title COLLATE NOCASE)")
    op.execute("CREATE INDEX ix_topics_name_prefix ON topics (name COLLATE NOCASE)")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_topics_name_prefix")
    op.execute("DROP INDEX IF EXISTS ix_articles_title_prefix")
    if _is_postgresql():
        op.execute("DROP INDEX IF EXISTS ix_articles_search_vector")
        op.execute("ALTER TABLE articles DROP COLUMN IF EXISTS search_vector")
        return
    for name in SQLITE_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS articles_fts")

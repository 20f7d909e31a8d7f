"""search: reader fields (topic synonyms, headings), vocabulary and type-ahead keys

The index now holds five fields, weighted title > synonyms of the article's topics > summary >
headings > body. SQLite: the FTS5 table is rebuilt with the two new columns and its triggers
recreated; PostgreSQL: the generated `search_vector` is recomputed with the new weights.
New tables: `search_words` (the vocabulary "did you mean" corrects against; PostgreSQL adds a
pg_trgm index when the extension can be enabled) and `search_suggestions` (type-ahead keys,
one per word start of every title, topic name and synonym). Existing rows are backfilled here;
from now on api/search/indexing.py keeps them in step. See api/search/index.py.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 06:40:00
"""

import json
import re

# ruff: noqa: S608  (trigger DDL from this module's column-name constants only)
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FTS_COLUMNS = "title, search_synonyms, summary, search_headings, body_text"
OLD_FTS_COLUMNS = "title, summary, body_text"


def _triggers(columns: str) -> dict[str, str]:
    # Column names are this module's constants: nothing here comes from input.
    new = ", ".join(f"new.{c}" for c in columns.split(", "))
    old = ", ".join(f"old.{c}" for c in columns.split(", "))
    return {
        "articles_fts_after_insert": f"""
            CREATE TRIGGER articles_fts_after_insert AFTER INSERT ON articles BEGIN
                INSERT INTO articles_fts (rowid, {columns}) VALUES (new.id, {new});
            END""",
        "articles_fts_after_delete": f"""
            CREATE TRIGGER articles_fts_after_delete AFTER DELETE ON articles BEGIN
                INSERT INTO articles_fts (articles_fts, rowid, {columns})
                VALUES ('delete', old.id, {old});
            END""",
        "articles_fts_after_update": f"""
            CREATE TRIGGER articles_fts_after_update AFTER UPDATE OF {columns}
            ON articles BEGIN
                INSERT INTO articles_fts (articles_fts, rowid, {columns})
                VALUES ('delete', old.id, {old});
                INSERT INTO articles_fts (rowid, {columns}) VALUES (new.id, {new});
            END""",
    }


# Title A, synonyms B, summary C, headings and body D (headings are in the body too, so a
# word of a heading counts twice).
SEARCH_VECTOR = """
    setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(search_synonyms, '')), 'B')
    || setweight(to_tsvector('english'::regconfig, coalesce(summary, '')), 'C')
    || setweight(to_tsvector('english'::regconfig, coalesce(search_headings, '')), 'D')
    || setweight(to_tsvector('english'::regconfig, coalesce(body_text, '')), 'D')
"""
OLD_SEARCH_VECTOR = """
    setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(summary, '')), 'B')
    || setweight(to_tsvector('english'::regconfig, coalesce(body_text, '')), 'C')
"""


def _is_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _replace_search_vector(expression: str) -> None:
    op.execute("DROP INDEX IF EXISTS ix_articles_search_vector")
    op.execute("ALTER TABLE articles DROP COLUMN IF EXISTS search_vector")
    op.execute(
        f"ALTER TABLE articles ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS ({expression}) STORED"
    )
    op.execute("CREATE INDEX ix_articles_search_vector ON articles USING gin (search_vector)")


def _replace_fts_table(columns: str) -> None:
    for name in _triggers(columns):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS articles_fts")
    op.execute(
        f"CREATE VIRTUAL TABLE articles_fts USING fts5({columns}, "
        "content='articles', content_rowid='id', tokenize='porter unicode61')"
    )
    for ddl in _triggers(columns).values():
        op.execute(ddl)
    op.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")


def _try_trigram_index() -> None:
    """pg_trgm where the role may enable it; without it corrections use the length index."""
    bind = op.get_bind()
    savepoint = bind.begin_nested()
    try:
        bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        bind.execute(
            sa.text(
                "CREATE INDEX ix_search_words_trgm ON search_words USING gin (word gin_trgm_ops)"
            )
        )
        savepoint.commit()
    except sa.exc.DBAPIError:
        savepoint.rollback()


WORD = re.compile(r"[^\W\d_]{2,40}")


def _keys(text: str) -> list[str]:
    words = re.findall(r"[^\W_]+", text.lower())
    return [" ".join(words[i:])[:300] for i in range(len(words))]


def _backfill() -> None:
    """Headings, synonyms, vocabulary and type-ahead keys of the rows that exist already."""
    bind = op.get_bind()
    topics = {
        row.id: (
            row.name,
            json.loads(row.synonyms) if isinstance(row.synonyms, str) else row.synonyms or [],
        )
        for row in bind.execute(sa.text("SELECT id, name, synonyms FROM topics"))
    }
    filed: dict[int, list[int]] = {}
    for row in bind.execute(
        sa.text("SELECT article_id, topic_id FROM article_topics ORDER BY article_id, position")
    ):
        filed.setdefault(row.article_id, []).append(row.topic_id)
    words: set[str] = set()
    suggestions: list[dict[str, object]] = []
    articles = bind.execute(sa.text("SELECT id, title, summary, body_text, toc FROM articles"))
    for row in articles.all():
        toc = json.loads(row.toc) if isinstance(row.toc, str) else row.toc or []
        headings = " ".join(entry.get("text", "") for entry in toc)
        synonyms = " ".join(s for t in filed.get(row.id, []) for s in topics[t][1])
        bind.execute(
            sa.text(
                "UPDATE articles SET search_headings = :h, search_synonyms = :s WHERE id = :id"
            ),
            {"h": headings, "s": synonyms, "id": row.id},
        )
        for text in (row.title, row.summary, row.body_text, headings, synonyms):
            words.update(w.lower() for w in WORD.findall(text or ""))
        for position, key in enumerate(_keys(row.title)):
            suggestions.append(
                {"key": key, "rank": min(position, 1), "label": row.title, "a": row.id, "t": None}
            )
    for topic_id, (name, synonyms) in topics.items():
        words.update(w.lower() for text in (name, *synonyms) for w in WORD.findall(text))
        for position, key in enumerate(_keys(name)):
            suggestions.append(
                {"key": key, "rank": min(position, 1), "label": name, "a": None, "t": topic_id}
            )
        for synonym in synonyms:
            for position, key in enumerate(_keys(synonym)):
                label = f"{name} ({synonym})"
                suggestions.append(
                    {
                        "key": key,
                        "rank": 2 + min(position, 1),
                        "label": label,
                        "a": None,
                        "t": topic_id,
                    }
                )
    if words:
        bind.execute(
            sa.text("INSERT INTO search_words (word, initial, length) VALUES (:w, :i, :n)"),
            [{"w": w, "i": w[0], "n": len(w)} for w in sorted(words)],
        )
    if suggestions:
        bind.execute(
            sa.text(
                "INSERT INTO search_suggestions (key, rank, label, article_id, topic_id) "
                "VALUES (:key, :rank, :label, :a, :t)"
            ),
            suggestions,
        )


def upgrade() -> None:
    op.add_column(
        "articles",
        sa.Column("search_headings", sa.Text(), server_default=sa.text("''"), nullable=False),
    )
    op.add_column(
        "articles",
        sa.Column("search_synonyms", sa.Text(), server_default=sa.text("''"), nullable=False),
    )
    op.create_table(
        "search_words",
        sa.Column("word", sa.String(length=40), nullable=False),
        sa.Column("initial", sa.String(length=1), nullable=False),
        sa.Column("length", sa.SmallInteger(), nullable=False),
        sa.PrimaryKeyConstraint("word", name=op.f("pk_search_words")),
    )
    op.create_index(
        "ix_search_words_length_initial", "search_words", ["length", "initial"], unique=False
    )
    op.create_table(
        "search_suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("rank", sa.SmallInteger(), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("topic_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"],
            name=op.f("fk_search_suggestions_article_id_articles"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"], ["topics.id"],
            name=op.f("fk_search_suggestions_topic_id_topics"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_suggestions")),
    )  # fmt: skip
    op.create_index(op.f("ix_search_suggestions_article_id"), "search_suggestions", ["article_id"])
    op.create_index(op.f("ix_search_suggestions_topic_id"), "search_suggestions", ["topic_id"])
    _backfill()
    if _is_postgresql():
        # Byte order: a prefix is one index range whatever the database collation.
        op.execute(
            'CREATE INDEX ix_search_suggestions_key ON search_suggestions ((key COLLATE "C"))'
        )
        _replace_search_vector(SEARCH_VECTOR)
        _try_trigram_index()
        return
    op.execute("CREATE INDEX ix_search_suggestions_key ON search_suggestions (key)")
    _replace_fts_table(FTS_COLUMNS)


def downgrade() -> None:
    if _is_postgresql():
        op.execute("DROP INDEX IF EXISTS ix_search_words_trgm")
        _replace_search_vector(OLD_SEARCH_VECTOR)
    else:
        _replace_fts_table(OLD_FTS_COLUMNS)
    op.execute("DROP INDEX IF EXISTS ix_search_suggestions_key")
    op.drop_table("search_suggestions")
    op.drop_table("search_words")
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("search_synonyms")
        batch.drop_column("search_headings")
    if not _is_postgresql():
        # Batch mode rebuilt `articles` and dropped its triggers: recreate them (see 0005).
        for ddl in _triggers(OLD_FTS_COLUMNS).values():
            op.execute(ddl)

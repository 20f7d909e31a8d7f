"""article_topics public_since for topic indexes

Copies each article's publication time onto its topic rows while it is published (kept in step
by api/articles/topic_index.py), and indexes (topic_id, public_since, article_id): a topic's
public articles newest first, from the index alone.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 02:01:00.709177
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import api.core.db

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("article_topics", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("public_since", api.core.db.UTCDateTime(timezone=True), nullable=True)
        )
    op.execute(
        "UPDATE article_topics SET public_since = ("
        "SELECT CASE WHEN articles.status = 'published' THEN articles.published_at END "
        "FROM articles WHERE articles.id = article_topics.article_id)"
    )
    with op.batch_alter_table("article_topics", schema=None) as batch_op:
        batch_op.create_index(
            "ix_article_topics_topic_id_public_since",
            ["topic_id", "public_since", "article_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("article_topics", schema=None) as batch_op:
        batch_op.drop_index("ix_article_topics_topic_id_public_since")
        batch_op.drop_column("public_since")

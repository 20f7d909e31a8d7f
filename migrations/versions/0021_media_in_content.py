"""media in content: feature images, body images and avatars from the media library

Revision ID: 0021_media
Revises: 0020_issues
Create Date: 2026-11-29 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0021_media"
down_revision: str | None = "0020_issues"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN (batch mode would rebuild `articles` and drop its FTS
    # triggers); the foreign keys to media live in media_uses, a new table.
    op.add_column("articles", sa.Column("feature_image_id", sa.Integer(), nullable=True))
    op.add_column(
        "articles", sa.Column("media_text", JSON, server_default=sa.text("'{}'"), nullable=False)
    )
    op.create_index("ix_articles_feature_image_id", "articles", ["feature_image_id"])
    op.add_column("authors", sa.Column("avatar_id", sa.Integer(), nullable=True))
    op.create_index("ix_authors_avatar_id", "authors", ["avatar_id"])
    op.create_table(
        "media_uses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("media_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("place", sa.String(length=20), nullable=False),
        sa.Column("pending", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "(article_id IS NULL) <> (author_id IS NULL)",
            name=op.f("ck_media_uses_media_use_one_owner"),
        ),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_media_uses_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["authors.id"],
            name=op.f("fk_media_uses_author_id_authors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["media_id"],
            ["media_items.id"],
            name=op.f("fk_media_uses_media_id_media_items"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_uses")),
    )
    op.create_index("ix_media_uses_media_id", "media_uses", ["media_id"])
    op.create_index("ix_media_uses_author_id", "media_uses", ["author_id"])
    op.create_index("ix_media_uses_article_id_pending", "media_uses", ["article_id", "pending"])


def downgrade() -> None:
    op.drop_table("media_uses")
    op.drop_index("ix_authors_avatar_id", table_name="authors")
    op.drop_index("ix_articles_feature_image_id", table_name="articles")
    # SQLite 3.35+ and PostgreSQL drop a column in place (no rebuild: the triggers stay).
    op.execute("ALTER TABLE authors DROP COLUMN avatar_id")
    for column in ("media_text", "feature_image_id"):
        op.execute(f"ALTER TABLE articles DROP COLUMN {column}")

"""article preview links

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 06:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import api.core.db

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "article_previews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", api.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_previews_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_article_previews_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_previews")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_article_previews_token_hash")),
    )
    with op.batch_alter_table("article_previews", schema=None) as batch_op:
        batch_op.create_index(
            "ix_article_previews_article_id_expires_at",
            ["article_id", "expires_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("article_previews", schema=None) as batch_op:
        batch_op.drop_index("ix_article_previews_article_id_expires_at")
    op.drop_table("article_previews")

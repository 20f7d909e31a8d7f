"""article review records

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 04:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import api.core.db

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "article_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("reviewer_name", sa.String(length=200), nullable=False),
        sa.Column("reviewer_credentials", sa.String(length=200), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("reviewed_at", api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("next_review_due", sa.Date(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("self_approved", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_reviews_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["users.id"],
            name=op.f("fk_article_reviews_reviewer_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_reviews")),
    )
    with op.batch_alter_table("article_reviews", schema=None) as batch_op:
        batch_op.create_index(
            "ix_article_reviews_article_id_id", ["article_id", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("article_reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_article_reviews_article_id_id")
    op.drop_table("article_reviews")

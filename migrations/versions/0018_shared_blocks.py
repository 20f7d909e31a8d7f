"""shared blocks (a topic's red flags), their reviewed revisions, and which articles include them

Revision ID: 0018_blocks
Revises: 0017_refs
Create Date: 2026-11-29 09:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import api.core.db

revision: str = "0018_blocks"
down_revision: str | None = "0017_refs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "shared_blocks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=True),
        sa.Column("body_markdown", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("live_revision", sa.Integer(), nullable=True),
        sa.Column("current_revision", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("pending_status", sa.String(length=20), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("created_at", api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_shared_blocks_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["topics.id"],
            name=op.f("fk_shared_blocks_topic_id_topics"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shared_blocks")),
        sa.UniqueConstraint("key", name=op.f("uq_shared_blocks_key")),
    )
    op.create_index(op.f("ix_shared_blocks_topic_id"), "shared_blocks", ["topic_id"])

    op.create_table(
        "article_shared_blocks",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("block_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_shared_blocks_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["block_id"],
            ["shared_blocks.id"],
            name=op.f("fk_article_shared_blocks_block_id_shared_blocks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", "block_id", name=op.f("pk_article_shared_blocks")),
    )
    op.create_index("ix_article_shared_blocks_block_id", "article_shared_blocks", ["block_id"])

    op.create_table(
        "shared_block_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("block_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("body_markdown", sa.Text(), nullable=False),
        sa.Column("comment", sa.String(length=1000), nullable=False),
        sa.Column("created_at", api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewer_name", sa.String(length=200), nullable=True),
        sa.Column("reviewer_credentials", sa.String(length=200), nullable=True),
        sa.Column("reviewed_at", api.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("review_comment", sa.Text(), nullable=True),
        sa.Column("content_sha256", sa.String(length=64), nullable=True),
        sa.Column("self_approved", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["block_id"],
            ["shared_blocks.id"],
            name=op.f("fk_shared_block_revisions_block_id_shared_blocks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_shared_block_revisions_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["users.id"],
            name=op.f("fk_shared_block_revisions_reviewed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shared_block_revisions")),
        sa.UniqueConstraint("block_id", "number", name=op.f("uq_shared_block_revisions_block_id")),
    )


def downgrade() -> None:
    op.drop_table("shared_block_revisions")
    op.drop_index("ix_article_shared_blocks_block_id", table_name="article_shared_blocks")

    op.drop_table("article_shared_blocks")
    op.drop_index(op.f("ix_shared_blocks_topic_id"), table_name="shared_blocks")

    op.drop_table("shared_blocks")

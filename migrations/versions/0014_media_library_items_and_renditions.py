"""media library items and renditions

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import api.core.db

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "media_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("bytes", sa.Integer(), nullable=False),
        sa.Column("alt", sa.Text(), nullable=True),
        sa.Column("decorative", sa.Boolean(), nullable=False),
        sa.Column("caption", sa.Text(), nullable=True),
        sa.Column("credit", sa.String(length=500), nullable=True),
        sa.Column("license", sa.String(length=200), nullable=True),
        sa.Column("focal_x", sa.Float(), nullable=False),
        sa.Column("focal_y", sa.Float(), nullable=False),
        sa.Column("dominant_color", sa.String(length=7), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("created_at", api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "focal_x >= 0 AND focal_x <= 1", name=op.f("ck_media_items_focal_x_range")
        ),
        sa.CheckConstraint(
            "focal_y >= 0 AND focal_y <= 1", name=op.f("ck_media_items_focal_y_range")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["users.id"],
            name=op.f("fk_media_items_uploaded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_items")),
        sa.UniqueConstraint("sha256", name=op.f("uq_media_items_sha256")),
    )
    with op.batch_alter_table("media_items", schema=None) as batch_op:
        batch_op.create_index("ix_media_items_created_at_id", ["created_at", "id"], unique=False)

    op.create_table(
        "media_renditions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("media_id", sa.Integer(), nullable=False),
        sa.Column("media_sha256", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["media_id"],
            ["media_items.id"],
            name=op.f("fk_media_renditions_media_id_media_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_renditions")),
    )
    with op.batch_alter_table("media_renditions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_media_renditions_media_id"), ["media_id"], unique=False
        )
        batch_op.create_index(
            "ix_media_renditions_media_sha256_name_format",
            ["media_sha256", "name", "format"],
            unique=True,
        )


def downgrade() -> None:
    with op.batch_alter_table("media_renditions", schema=None) as batch_op:
        batch_op.drop_index("ix_media_renditions_media_sha256_name_format")
        batch_op.drop_index(batch_op.f("ix_media_renditions_media_id"))

    op.drop_table("media_renditions")
    with op.batch_alter_table("media_items", schema=None) as batch_op:
        batch_op.drop_index("ix_media_items_created_at_id")

    op.drop_table("media_items")

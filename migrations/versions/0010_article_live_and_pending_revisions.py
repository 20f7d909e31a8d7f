"""article live and pending revisions

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 06:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("live_revision", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("pending_status", sa.String(length=20), nullable=True))
    # Until now a public article's row was its newest revision: that one is live.
    op.execute(
        "UPDATE articles SET live_revision = current_revision "
        "WHERE status IN ('published', 'archived')"
    )


def downgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("pending_status")
        batch_op.drop_column("live_revision")

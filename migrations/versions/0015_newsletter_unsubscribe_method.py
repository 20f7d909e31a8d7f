"""newsletter unsubscribe method

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "newsletter_subscriptions",
        sa.Column("unsubscribe_method", sa.String(length=20), nullable=True),
    )


def downgrade() -> None:
    op.drop_column("newsletter_subscriptions", "unsubscribe_method")

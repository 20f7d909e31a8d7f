"""search query days for content gaps

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 06:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "search_query_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("query", sa.String(length=300), nullable=False),
        sa.Column("searches", sa.Integer(), nullable=False),
        sa.Column("results", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "query", name=op.f("pk_search_query_days")),
    )


def downgrade() -> None:
    op.drop_table("search_query_days")

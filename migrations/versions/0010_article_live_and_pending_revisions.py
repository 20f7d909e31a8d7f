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


# Plain ALTER TABLE, not batch mode: a batch rebuild of `articles` on SQLite would drop the
# full-text triggers (api/search/index.py).
def upgrade() -> None:
    op.add_column("articles", sa.Column("live_revision", sa.Integer(), nullable=True))
    op.add_column("articles", sa.Column("pending_status", sa.String(length=20), nullable=True))
    # Until now a public article's row was its newest revision: that one is live.
    op.execute(
        "UPDATE articles SET live_revision = current_revision "
        "WHERE status IN ('published', 'archived')"
    )


def downgrade() -> None:
    op.drop_column("articles", "pending_status")
    op.drop_column("articles", "live_revision")

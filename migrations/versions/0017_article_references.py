"""article references (reviewed) and the cited references derived from the body

Revision ID: 0017_refs
Revises: 0016
Create Date: 2026-11-29 09:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0017_refs"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
COLUMNS = ("references", "cited_references")


def upgrade() -> None:
    # Plain ALTER TABLEs (batch mode would rebuild `articles` and drop its FTS triggers).
    # Existing articles have no references, so nothing is cited and nothing to re-render.
    for column in COLUMNS:
        op.add_column(
            "articles", sa.Column(column, JSON, server_default=sa.text("'[]'"), nullable=False)
        )


def downgrade() -> None:
    # SQLite 3.35+ and PostgreSQL drop a column in place (no rebuild: the triggers stay).
    # "references" is a reserved word: quoted.
    for column in reversed(COLUMNS):
        op.execute(f'ALTER TABLE articles DROP COLUMN "{column}"')

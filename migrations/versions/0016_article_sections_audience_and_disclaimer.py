"""article sections, audience and disclaimer override

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-29 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    # A plain ALTER TABLE (batch mode would rebuild `articles` and drop its FTS triggers).
    op.add_column(
        "articles", sa.Column("sections", JSON, server_default=sa.text("'[]'"), nullable=False)
    )
    op.add_column(
        "articles",
        sa.Column(
            "audience", sa.String(length=20), server_default=sa.text("'patient'"), nullable=False
        ),
    )
    op.add_column("articles", sa.Column("disclaimer_markdown", sa.Text(), nullable=True))
    # Existing bodies get their sections from the body_html they already store: the cut is a
    # pure function of the sanitized HTML (no callout existed before this revision).
    from api.articles.sections import sections_of

    articles = sa.table(
        "articles", sa.column("id", sa.Integer), sa.column("body_html"), sa.column("sections", JSON)
    )
    connection = op.get_bind()
    for article_id, body_html in connection.execute(sa.select(articles.c.id, articles.c.body_html)):
        connection.execute(
            articles.update()
            .where(articles.c.id == article_id)
            .values(sections=sections_of(body_html or ""))
        )


def downgrade() -> None:
    # SQLite 3.35+ and PostgreSQL drop a column in place (no rebuild: the triggers stay).
    for column in ("disclaimer_markdown", "audience", "sections"):
        op.execute(f"ALTER TABLE articles DROP COLUMN {column}")

"""newsletter issues, their deliveries, and the subscriber's language

Revision ID: 0020_issues
Revises: 0019_bounces
Create Date: 2026-11-29 09:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import api.core.db

revision: str = "0020_issues"
down_revision: str | None = "0019_bounces"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
TIME = api.core.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "newsletter_issues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("newsletter_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("preheader", sa.String(length=200), nullable=False),
        sa.Column("language", sa.String(length=35), nullable=True),
        sa.Column("intro_markdown", sa.Text(), nullable=False),
        sa.Column("intro_html", sa.Text(), nullable=False),
        sa.Column("intro_text", sa.Text(), nullable=False),
        sa.Column("article_slugs", JSON, nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "scheduled",
                "sending",
                "sent",
                name="newsletter_issue_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("send_at", TIME, nullable=True),
        sa.Column("articles_since", TIME, nullable=True),
        sa.Column("articles_until", TIME, nullable=True),
        sa.Column("claimed_until", TIME, nullable=True),
        sa.Column("sent_at", TIME, nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_newsletter_issues_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["newsletter_id"],
            ["newsletters.id"],
            name=op.f("fk_newsletter_issues_newsletter_id_newsletters"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_newsletter_issues")),
    )
    op.create_index(
        op.f("ix_newsletter_issues_created_by_id"), "newsletter_issues", ["created_by_id"]
    )
    op.create_index(
        op.f("ix_newsletter_issues_newsletter_id"), "newsletter_issues", ["newsletter_id"]
    )
    op.create_index(
        "ix_newsletter_issues_status_send_at", "newsletter_issues", ["status", "send_at"]
    )
    op.create_table(
        "newsletter_issue_deliveries",
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("receives", sa.Boolean(), nullable=False),
        sa.Column("queued_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["newsletter_issues.id"],
            name=op.f("fk_newsletter_issue_deliveries_issue_id_newsletter_issues"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["outbox_messages.id"],
            name=op.f("fk_newsletter_issue_deliveries_message_id_outbox_messages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["newsletter_subscriptions.id"],
            name=op.f("fk_newsletter_issue_deliveries_subscription_id_newsletter_subscriptions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "issue_id", "subscription_id", name=op.f("pk_newsletter_issue_deliveries")
        ),
    )
    op.create_index(
        op.f("ix_newsletter_issue_deliveries_message_id"),
        "newsletter_issue_deliveries",
        ["message_id"],
    )
    op.create_index(
        op.f("ix_newsletter_issue_deliveries_subscription_id"),
        "newsletter_issue_deliveries",
        ["subscription_id"],
    )
    # A plain ALTER TABLE ADD COLUMN on both stores (no table rebuild).
    op.add_column(
        "newsletter_subscriptions",
        sa.Column("language", sa.String(length=35), server_default="en", nullable=False),
    )


def downgrade() -> None:
    op.drop_column("newsletter_subscriptions", "language")
    op.drop_table("newsletter_issue_deliveries")
    op.drop_table("newsletter_issues")

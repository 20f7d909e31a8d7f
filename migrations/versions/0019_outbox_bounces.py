"""outbox: skipped messages; subscriptions: hard bounces and suspension

Revision ID: 0019_bounces
Revises: 0018_blocks
Create Date: 2026-11-29 10:00:00

A subscription refused once for good used to become `bounced`; it now counts hard bounces and
is `suspended` at BOUNCE_LIMIT. Existing `bounced` rows become `suspended` (one bounce counted):
they already received no mail, and still do not.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import api.core.db

revision: str = "0019_bounces"
down_revision: str | None = "0018_blocks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SUBSCRIPTION_BEFORE = ("pending", "active", "unsubscribed", "bounced", "erased")
SUBSCRIPTION_AFTER = ("pending", "active", "unsubscribed", "suspended", "erased")
OUTBOX_BEFORE = ("pending", "sending", "sent", "failed")
OUTBOX_AFTER = (*OUTBOX_BEFORE, "skipped")


def _enum(values: Sequence[str], name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=20)


def _set_status_values(table: str, name: str, old: Sequence[str], new: Sequence[str]) -> None:
    """Replace the CHECK constraint that lists the allowed values of `table.status`."""
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f(f"ck_{table}_{name}"), table, type_="check")
        op.create_check_constraint(op.f(f"ck_{table}_{name}"), table, sa.column("status").in_(new))
        return
    # SQLite cannot alter a CHECK constraint: the table is rebuilt (never `articles`, whose FTS
    # triggers a rebuild would drop; these tables have no triggers).
    with op.batch_alter_table(table, recreate="always") as batch_op:
        batch_op.alter_column(
            "status",
            existing_type=_enum(old, name),
            type_=_enum(new, name),
            existing_nullable=False,
        )


def upgrade() -> None:
    _set_status_values("outbox_messages", "outbox_status", OUTBOX_BEFORE, OUTBOX_AFTER)
    op.add_column(
        "newsletter_subscriptions",
        sa.Column("hard_bounces", sa.Integer(), server_default="0", nullable=False),
    )
    op.add_column(
        "newsletter_subscriptions",
        sa.Column("last_bounced_at", api.core.db.UTCDateTime(timezone=True), nullable=True),
    )
    op.add_column(
        "newsletter_subscriptions",
        sa.Column("suspended_at", api.core.db.UTCDateTime(timezone=True), nullable=True),
    )
    both = sorted({*SUBSCRIPTION_BEFORE, *SUBSCRIPTION_AFTER})
    table = "newsletter_subscriptions"
    _set_status_values(table, "subscription_status", SUBSCRIPTION_BEFORE, both)
    op.execute(
        "UPDATE newsletter_subscriptions SET status = 'suspended', hard_bounces = 1, "
        "last_bounced_at = updated_at, suspended_at = updated_at WHERE status = 'bounced'"
    )
    _set_status_values(table, "subscription_status", both, SUBSCRIPTION_AFTER)


def downgrade() -> None:
    table = "newsletter_subscriptions"
    both = sorted({*SUBSCRIPTION_BEFORE, *SUBSCRIPTION_AFTER})
    _set_status_values(table, "subscription_status", SUBSCRIPTION_AFTER, both)
    op.execute("UPDATE newsletter_subscriptions SET status = 'bounced' WHERE status = 'suspended'")
    _set_status_values(table, "subscription_status", both, SUBSCRIPTION_BEFORE)
    with op.batch_alter_table(table) as batch_op:
        batch_op.drop_column("suspended_at")
        batch_op.drop_column("last_bounced_at")
        batch_op.drop_column("hard_bounces")
    # Skipped messages were never sent and never will be: as `failed` they stay visible.
    op.execute("UPDATE outbox_messages SET status = 'failed' WHERE status = 'skipped'")
    _set_status_values("outbox_messages", "outbox_status", OUTBOX_AFTER, OUTBOX_BEFORE)

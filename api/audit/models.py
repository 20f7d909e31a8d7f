from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.core.db import Base, JSONDocument, UTCDateTime, int_pk
from api.users.models import User


class AuditEntry(Base):
    """One write: actor (None for the command line), action, object, time, what changed."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_object_type_object_id", "object_type", "object_id"),
        Index("ix_audit_entries_actor_id_at", "actor_id", "at"),
        Index("ix_audit_entries_at", "at"),
    )

    id: Mapped[int_pk]
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(50))
    object_type: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[int]
    # A human label of the object when written (slug, name), kept when the object is gone.
    object_label: Mapped[str] = mapped_column(String(320), default="")
    changes: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)

    actor: Mapped[User | None] = relationship(lazy="raise")


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or remove an audit entry."""


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_rewrites(_mapper: object, _connection: object, entry: AuditEntry) -> None:
    raise AuditLogIsAppendOnly(f"audit entry {entry.id} cannot be changed")

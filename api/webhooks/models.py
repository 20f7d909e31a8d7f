from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.core.db import Base, JSONDocument, TimestampMixin, UTCDateTime, int_pk
from api.outbox.models import OutboxMessage


class Webhook(TimestampMixin, Base):
    """An endpoint that receives change events, signed with its secret."""

    __tablename__ = "webhooks"

    id: Mapped[int_pk]
    url: Mapped[str] = mapped_column(String(2048))
    # Event types ("article.published", ...) or ["*"] for every event.
    events: Mapped[list[str]] = mapped_column(JSONDocument)
    # Kept as given: signing needs it. Never returned by the API, never logged.
    secret: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)

    def wants(self, event_type: str) -> bool:
        return self.active and ("*" in self.events or event_type in self.events)

    def __repr__(self) -> str:
        return f"<Webhook {self.id}>"


class WebhookDelivery(Base):
    """One event sent to one endpoint: how each attempt went (the outbox retries it)."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (UniqueConstraint("webhook_id", "event_id"),)

    id: Mapped[int_pk]
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(
        ForeignKey("change_events.id", ondelete="CASCADE"), index=True
    )
    event_type: Mapped[str] = mapped_column(String(40))
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="SET NULL"), index=True
    )
    attempts: Mapped[int] = mapped_column(default=0)
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    last_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    message: Mapped[OutboxMessage | None] = relationship(lazy="raise")

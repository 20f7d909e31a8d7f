from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, UTCDateTime, int_pk

ARTICLE_EVENTS = ("article.published", "article.updated", "article.unpublished", "article.deleted")
TOPIC_EVENTS = ("topic.created", "topic.updated", "topic.deleted")
AUTHOR_EVENTS = ("author.created", "author.updated", "author.deleted")
# Media items are named by their sha256 (in `slug`): the files at /media/<sha256>/...
MEDIA_EVENTS = ("media.created", "media.deleted")
EVENT_TYPES = ARTICLE_EVENTS + TOPIC_EVENTS + AUTHOR_EVENTS + MEDIA_EVENTS


class ChangeEvent(Base):
    """A change the public can see, served by the changes feed once `effective_at` has come.

    Scheduled publishing stores its event ahead of time with `effective_at = published_at`;
    such a pending event is withdrawn (never served) when the schedule changes before then.
    """

    __tablename__ = "change_events"
    __table_args__ = (
        Index("ix_change_events_effective_at_id", "effective_at", "id"),
        Index("ix_change_events_object_type_object_id", "object_type", "object_id"),
    )

    id: Mapped[int_pk]
    type: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(20))
    # Not a foreign key: deleted objects keep their events.
    object_id: Mapped[int]
    slug: Mapped[str] = mapped_column(String(120))
    previous_slug: Mapped[str | None] = mapped_column(String(120))
    effective_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<ChangeEvent {self.id} {self.type} {self.slug}>"

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base


class TopicRelation(Base):
    """A staff-chosen "see also" link between two topics.

    The link is symmetric and stored in both directions, so that "the topics related to X"
    is one indexed lookup on `topic_id`; the service always writes and deletes both rows.
    """

    __tablename__ = "topic_relations"
    __table_args__ = (CheckConstraint("topic_id <> related_id", name="not_self_related"),)

    topic_id: Mapped[int] = mapped_column(
        ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True
    )
    related_id: Mapped[int] = mapped_column(
        ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True, index=True
    )

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.core.db import Base, JSONDocument, UTCDateTime, int_pk
from api.users.models import User


class ArticleRevision(Base):
    """The content of an article as one change left it: numbered 1, 2, 3... per article."""

    __tablename__ = "article_revisions"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: Mapped[int_pk]
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    number: Mapped[int]
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    comment: Mapped[str] = mapped_column(String(1000), default="")
    # title, summary, body_markdown, language, author (slug), topics (slugs), primary_topic
    content: Mapped[dict[str, Any]] = mapped_column(JSONDocument)

    created_by: Mapped[User | None] = relationship(lazy="raise")

    def __repr__(self) -> str:
        return f"<ArticleRevision {self.article_id}#{self.number}>"

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.core.db import Base, UTCDateTime, int_pk
from api.users.models import User


class ArticleReview(Base):
    """One approval: who reviewed which revision of an article, with what qualification, when.

    The reviewer's name and credentials are copied as they were at the time, so the record
    still says who signed even after the user's profile changes; `content_sha256` is the hash
    of exactly the patient-facing content that was approved (`api.review.records`).
    """

    __tablename__ = "article_reviews"
    __table_args__ = (Index("ix_article_reviews_article_id_id", "article_id", "id"),)

    id: Mapped[int_pk]
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    revision: Mapped[int]
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewer_name: Mapped[str] = mapped_column(String(200))
    reviewer_credentials: Mapped[str] = mapped_column(String(200))
    content_sha256: Mapped[str] = mapped_column(String(64))
    reviewed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    next_review_due: Mapped[dt.date] = mapped_column(Date)
    comment: Mapped[str | None] = mapped_column(Text)
    # The reviewer made the reviewed revision themselves, allowed by REVIEW_ALLOW_SELF_APPROVAL.
    self_approved: Mapped[bool] = mapped_column(default=False)

    reviewer: Mapped[User | None] = relationship(lazy="raise")

    def __repr__(self) -> str:
        return f"<ArticleReview {self.article_id}#{self.revision}>"

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.core.db import Base, TimestampMixin, UTCDateTime, int_pk
from api.topics.models import Topic
from api.users.models import User


class SharedBlock(TimestampMixin, Base):
    """Guidance maintained once and included by many articles (`::: include <key>`), e.g. a
    topic's red flags. The row holds the live (approved) text; every change is a numbered
    revision that a reviewer approves before it goes live (`api.blocks.actions`)."""

    __tablename__ = "shared_blocks"

    id: Mapped[int_pk]
    key: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    # Bound to a topic: every article under the topic (or its descendants) must include it.
    topic_id: Mapped[int | None] = mapped_column(
        ForeignKey("topics.id", ondelete="SET NULL"), index=True
    )
    # The live text: the approved revision `live_revision` (None: never approved yet).
    body_markdown: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    live_revision: Mapped[int | None]
    current_revision: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    # "draft" or "in_review" while revision `current_revision` waits to go live; else None.
    pending_status: Mapped[str | None] = mapped_column(String(20))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Bumped by every UPDATE: ETags derive from it and concurrent writers cannot both win.
    version: Mapped[int] = mapped_column(default=1, server_default=text("1"))

    topic: Mapped[Topic | None] = relationship(lazy="raise")

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<SharedBlock {self.key}>"


class SharedBlockRevision(Base):
    """One version of a block's text, and its approval: who signed it, with what
    qualification, and the hash of exactly the text approved."""

    __tablename__ = "shared_block_revisions"
    __table_args__ = (UniqueConstraint("block_id", "number"),)

    id: Mapped[int_pk]
    block_id: Mapped[int] = mapped_column(ForeignKey("shared_blocks.id", ondelete="CASCADE"))
    number: Mapped[int]
    body_markdown: Mapped[str] = mapped_column(Text)
    comment: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewer_name: Mapped[str | None] = mapped_column(String(200))
    reviewer_credentials: Mapped[str | None] = mapped_column(String(200))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    review_comment: Mapped[str | None] = mapped_column(Text)
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    self_approved: Mapped[bool] = mapped_column(default=False)

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id], lazy="raise")

    def __repr__(self) -> str:
        return f"<SharedBlockRevision {self.block_id}#{self.number}>"


class ArticleSharedBlock(Base):
    """An article's body (the row's: live content) includes the block: whom a change of the
    block re-renders. Kept in step by `api.articles.services.save_article`."""

    __tablename__ = "article_shared_blocks"
    __table_args__ = (Index("ix_article_shared_blocks_block_id", "block_id"),)

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    block_id: Mapped[int] = mapped_column(
        ForeignKey("shared_blocks.id", ondelete="CASCADE"), primary_key=True
    )

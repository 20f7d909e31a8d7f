"""Media items (uploaded images) and their stored renditions.

An item's `sha256` is the SHA-256 of its normalized original: the upload decoded, oriented,
stripped of metadata and re-encoded (api/media/images.py). Every rendition (a width in WebP or
JPEG, and the normalized original) keeps its bytes in the relational store (MEDIA_STORAGE
"database") with its own SHA-256, so a kiosk can verify each file it downloads.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.core.db import Base, TimestampMixin, int_pk

ORIGINAL = "original"


class MediaItem(TimestampMixin, Base):
    """One image of the library; articles (later) refer to it by id."""

    __tablename__ = "media_items"
    __table_args__ = (
        CheckConstraint("focal_x >= 0 AND focal_x <= 1", name="focal_x_range"),
        CheckConstraint("focal_y >= 0 AND focal_y <= 1", name="focal_y_range"),
        # Lists are newest first; the missing-alt filter walks this index.
        Index("ix_media_items_created_at_id", "created_at", "id"),
    )

    id: Mapped[int_pk]
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    format: Mapped[str] = mapped_column(String(10))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    bytes: Mapped[int] = mapped_column(Integer)
    # None: not written yet (reported as alt_missing). "" only with decorative.
    alt: Mapped[str | None] = mapped_column(Text)
    decorative: Mapped[bool] = mapped_column(Boolean, default=False)
    caption: Mapped[str | None] = mapped_column(Text)
    credit: Mapped[str | None] = mapped_column(String(500))
    license: Mapped[str | None] = mapped_column(String(200))
    focal_x: Mapped[float] = mapped_column(Float, default=0.5)
    focal_y: Mapped[float] = mapped_column(Float, default=0.5)
    dominant_color: Mapped[str] = mapped_column(String(7))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1, server_default=text("1"))

    renditions: Mapped[list[MediaRendition]] = relationship(
        back_populates="media",
        order_by="(MediaRendition.format, MediaRendition.width)",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="selectin",
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def alt_missing(self) -> bool:
        return not self.decorative and not (self.alt or "").strip()

    def __repr__(self) -> str:
        return f"<MediaItem {self.id} {self.sha256[:12]}>"


class MediaRendition(Base):
    """The bytes of one file of a media item: its normalized original, or one width in one
    format. Served at /media/<media_sha256>/<name>.<ext>, found by one unique index."""

    __tablename__ = "media_renditions"
    __table_args__ = (
        Index(
            "ix_media_renditions_media_sha256_name_format",
            "media_sha256",
            "name",
            "format",
            unique=True,
        ),
    )

    id: Mapped[int_pk]
    media_id: Mapped[int] = mapped_column(
        ForeignKey("media_items.id", ondelete="CASCADE"), index=True
    )
    # The item's hash, repeated here so that a public read needs no join.
    media_sha256: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(20))  # "original" or the width ("320")
    format: Mapped[str] = mapped_column(String(10))  # jpeg, png, webp, avif
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime]
    # Deferred: listing items and building srcsets never loads image bytes.
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)

    media: Mapped[MediaItem] = relationship(back_populates="renditions")


class MediaUse(Base):
    """One place that shows a media item: an article's feature image or body (of the row's
    content, or of its pending revision), or an author's avatar. Kept in step by every write
    of those (api/articles/media.py, api/authors/services.py); the RESTRICT key means the store
    itself refuses to delete an item still in use."""

    __tablename__ = "media_uses"
    __table_args__ = (
        CheckConstraint("(article_id IS NULL) <> (author_id IS NULL)", name="media_use_one_owner"),
        Index("ix_media_uses_article_id_pending", "article_id", "pending"),
    )

    id: Mapped[int_pk]
    media_id: Mapped[int] = mapped_column(
        ForeignKey("media_items.id", ondelete="RESTRICT"), index=True
    )
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("authors.id", ondelete="CASCADE"), index=True
    )
    place: Mapped[str] = mapped_column(String(20))  # feature_image, body or avatar
    # True: used by the article's pending revision only (not yet what the public sees).
    pending: Mapped[bool] = mapped_column(Boolean, default=False)

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.articles.models import Article
from api.core.db import Base, UTCDateTime, int_pk
from api.users.models import User


class ArticlePreview(Base):
    """A link that shows an unpublished article to whoever holds it, until it expires or is
    revoked. Only the SHA-256 digest of the token is stored: the store cannot leak a link."""

    __tablename__ = "article_previews"
    __table_args__ = (
        Index("ix_article_previews_article_id_expires_at", "article_id", "expires_at"),
    )

    id: Mapped[int_pk]
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    article: Mapped[Article] = relationship(lazy="raise")
    created_by: Mapped[User | None] = relationship(lazy="raise")

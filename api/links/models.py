from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.core.db import Base

if TYPE_CHECKING:
    from api.articles.models import Article


class ArticleLink(Base):
    """An internal link written in an article's body, to the slug as written.

    `target_id` is the article the slug named when the link was stored (or when an article
    took that slug later); it survives renames, so links follow the article, not the text.
    """

    __tablename__ = "article_links"

    source_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    target_slug: Mapped[str] = mapped_column(String(120), primary_key=True, index=True)
    target_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL"), index=True
    )

    source: Mapped[Article] = relationship(foreign_keys=[source_id], lazy="raise")
    target: Mapped[Article | None] = relationship(foreign_keys=[target_id], lazy="raise")

    def __repr__(self) -> str:
        return f"<ArticleLink {self.source_id} -> {self.target_slug}>"

from __future__ import annotations

import enum

from sqlalchemy import Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from api.core.db import Base, TimestampMixin, int_pk, slug_str, string_enum
from api.media.models import MediaItem


class AuthorKind(enum.StrEnum):
    PERSON = "person"
    ORGANIZATION = "organization"


class Author(TimestampMixin, Base):
    """A person or organization credited with articles."""

    __tablename__ = "authors"

    id: Mapped[int_pk]
    slug: Mapped[slug_str]
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[AuthorKind] = mapped_column(
        string_enum(AuthorKind, "kind"),
        default=AuthorKind.PERSON,
    )
    credentials: Mapped[str | None] = mapped_column(String(200))
    job_title: Mapped[str | None] = mapped_column(String(200))
    organization: Mapped[str | None] = mapped_column(String(200))
    bio_markdown: Mapped[str] = mapped_column(Text, default="")
    bio_html: Mapped[str] = mapped_column(Text, default="")
    avatar_url: Mapped[str | None] = mapped_column(String(2048))
    # A media item (api/media); wins over avatar_url. The RESTRICT key is in media_uses.
    avatar_id: Mapped[int | None] = mapped_column(Integer, index=True)
    website_url: Mapped[str | None] = mapped_column(String(2048))
    # Bumped by every UPDATE: ETags derive from it and concurrent writers cannot both win.
    version: Mapped[int] = mapped_column(default=1, server_default=text("1"))

    avatar: Mapped[MediaItem | None] = relationship(
        primaryjoin="foreign(Author.avatar_id) == MediaItem.id", lazy="raise"
    )

    # Filled per query with `with_expression`, where a count of public articles is asked for.
    published_article_count: Mapped[int | None] = query_expression()

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Author {self.slug}>"

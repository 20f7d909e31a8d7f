from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from api.core.db import Base, JSONDocument, TimestampMixin, int_pk, slug_str


class Topic(TimestampMixin, Base):
    """A node of the topic taxonomy, a tree of any depth."""

    __tablename__ = "topics"
    __table_args__ = (
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
    )

    id: Mapped[int_pk]
    slug: Mapped[slug_str]
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("topics.id", ondelete="RESTRICT"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    synonyms: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    # External codes for interoperability: {"mesh": ..., "icd10": ..., "snomed": ...}.
    codes: Mapped[dict[str, str]] = mapped_column(JSONDocument, default=dict)
    # The topic's hub article; SET NULL keeps the topic when the article goes.
    pillar_article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL"), index=True
    )
    # The pillar's slug, filled only by queries that ask for it (public: only when public).
    pillar_slug: Mapped[str | None] = query_expression()
    pillar_title: Mapped[str | None] = query_expression()
    # Bumped by every UPDATE: ETags derive from it and concurrent writers cannot both win.
    version: Mapped[int] = mapped_column(default=1, server_default=text("1"))

    parent: Mapped[Topic | None] = relationship(
        remote_side="Topic.id", back_populates="children", lazy="raise"
    )
    children: Mapped[list[Topic]] = relationship(
        back_populates="parent", order_by="(Topic.position, Topic.name)", lazy="raise"
    )

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Topic {self.slug}>"

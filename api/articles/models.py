from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.authors.models import Author
from api.core.db import (
    Base,
    JSONDocument,
    TimestampMixin,
    UTCDateTime,
    int_pk,
    slug_str,
    string_enum,
)
from api.core.readability import reading_level
from api.media.models import MediaItem
from api.topics.models import Topic
from api.users.models import User

# Who an article is written for (`Article.audience`, the `?audience=` filter, JSON-LD).
AUDIENCES = ("patient", "caregiver", "parent", "clinician")


class ArticleStatus(enum.StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class ArticleTopic(Base):
    """An article's place under a topic; at most one of an article's topics is primary."""

    __tablename__ = "article_topics"
    __table_args__ = (
        Index("ix_article_topics_topic_id_article_id", "topic_id", "article_id"),
        # A topic's public articles, newest first, from the index alone (related articles'
        # candidates, topic filters and counts at 100,000 articles).
        Index("ix_article_topics_topic_id_public_since", "topic_id", "public_since", "article_id"),
    )

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    topic_id: Mapped[int] = mapped_column(
        ForeignKey("topics.id", ondelete="RESTRICT"), primary_key=True
    )
    is_primary: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    # The article's published_at while it is published, else NULL: a copy kept in step in the
    # same transaction by api/articles/topic_index.py, so that "public articles of a topic,
    # newest first" needs no join (the article is public when public_since <= now).
    public_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    topic: Mapped[Topic] = relationship(lazy="raise")


class Article(TimestampMixin, Base):
    """A patient-education article; body HTML, contents and reading stats are derived on write."""

    __tablename__ = "articles"
    __table_args__ = (
        Index("ix_articles_status_published_at", "status", "published_at"),
        Index("ix_articles_author_id_published_at", "author_id", "published_at"),
        Index("ix_articles_updated_at", "updated_at"),
        Index("ix_articles_title", "title"),
        Index("ix_articles_language", "language"),
    )

    id: Mapped[int_pk]
    slug: Mapped[slug_str]
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    body_markdown: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    toc: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument, default=list)
    # Who the article is written for (AUDIENCES); reviewed content.
    audience: Mapped[str] = mapped_column(
        String(20), default="patient", server_default=text("'patient'")
    )
    # Overrides CLINIC_DISCLAIMER for this article when not null ("" shows none); reviewed.
    disclaimer_markdown: Mapped[str | None] = mapped_column(Text, default=None)
    # The body cut for kiosks and apps (api/articles/sections.py), derived with body_html.
    sections: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONDocument, default=list, server_default=text("'[]'")
    )
    # The sources the body cites (api/articles/references.py), as written; reviewed content.
    references: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONDocument, default=list, server_default=text("'[]'")
    )
    # The cited ones, numbered in citation order with doi_url / pubmed_url: derived with
    # body_html (api/articles/citations.py), what readers get as `references`.
    cited_references: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONDocument, default=list, server_default=text("'[]'")
    )
    # Search index fields (api/search/index.py), derived on write, read by the index only:
    # the headings of the body, and the synonyms of the article's topics.
    search_headings: Mapped[str] = mapped_column(
        Text, default="", server_default=text("''"), deferred=True
    )
    search_synonyms: Mapped[str] = mapped_column(
        Text, default="", server_default=text("''"), deferred=True
    )
    language: Mapped[str] = mapped_column(String(35), default="en")
    status: Mapped[ArticleStatus] = mapped_column(
        string_enum(ArticleStatus, "status"),
        default=ArticleStatus.DRAFT,
    )
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id", ondelete="RESTRICT"))
    reading_time_minutes: Mapped[int] = mapped_column(default=1)
    reading_grade: Mapped[float] = mapped_column(default=0.0)
    feature_image_url: Mapped[str | None] = mapped_column(String(2048))
    feature_image_alt: Mapped[str | None] = mapped_column(String(300))
    # A media item (api/media); wins over feature_image_url. No foreign key on this table
    # (SQLite cannot add one without rebuilding it): media_uses holds the RESTRICT key.
    feature_image_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # The alt text and caption of every media item the content shows, as written when the
    # content was saved: {"<id>": {"alt", "caption", "decorative"}}. Reviewed content (in every
    # revision), so a later change in the library does not change what a reviewer approved.
    media_text: Mapped[dict[str, Any]] = mapped_column(
        JSONDocument, default=dict, server_default=text("'{}'")
    )
    meta_description: Mapped[str | None] = mapped_column(String(320))
    canonical_url: Mapped[str | None] = mapped_column(String(2048))
    last_reviewed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    next_review_due: Mapped[dt.date | None] = mapped_column(Date)
    # Bumped by every UPDATE; ETags derive from it and concurrent writers cannot both win.
    version: Mapped[int] = mapped_column(default=1)
    # Workflow: who wrote it (writers edit only their own drafts), which revision a reviewer
    # approved (publishing needs the approval of the current revision), the reviewer's comment.
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    current_revision: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    approved_revision: Mapped[int | None]
    review_comment: Mapped[str | None] = mapped_column(Text)
    # While published or archived, the row holds the live content: `live_revision` is the
    # revision the public sees. An edit then stores the next revision without touching the
    # row; `pending_status` ("draft" or "in_review") says where that pending revision stands
    # in the workflow (approved: approved_revision == current_revision). NULL: none pending,
    # and the row holds the newest revision.
    live_revision: Mapped[int | None]
    pending_status: Mapped[str | None] = mapped_column(String(20))

    author: Mapped[Author] = relationship(lazy="raise")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id], lazy="raise")
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id], lazy="raise")
    feature_image: Mapped[MediaItem | None] = relationship(
        primaryjoin="foreign(Article.feature_image_id) == MediaItem.id", lazy="raise"
    )
    topic_links: Mapped[list[ArticleTopic]] = relationship(
        cascade="all, delete-orphan",
        order_by=(ArticleTopic.position, ArticleTopic.topic_id),
        lazy="raise",
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def topics(self) -> list[Topic]:
        return [link.topic for link in self.topic_links]

    @property
    def approval_is_current(self) -> bool:
        """A reviewer approved the content as it is now."""
        return self.approved_revision is not None and self.approved_revision == (
            self.current_revision
        )

    @property
    def has_pending_revision(self) -> bool:
        """A newer revision than the live one waits for review (the article stays online)."""
        return self.pending_status is not None

    @property
    def reading_level(self) -> str:
        """The band of `reading_grade`, e.g. "grade 6-8: easy" (derived, not stored)."""
        return reading_level(self.reading_grade)

    @property
    def primary_topic(self) -> Topic | None:
        return next((link.topic for link in self.topic_links if link.is_primary), None)

    def __repr__(self) -> str:
        return f"<Article {self.slug} {self.status}>"


class ArticleSlugRedirect(Base):
    """A slug an article had before: public reads of it answer 301 to the current slug."""

    __tablename__ = "article_slug_redirects"

    old_slug: Mapped[str] = mapped_column(String(120), primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

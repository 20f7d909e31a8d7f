"""Revisions: snapshots of an article's content, listed, compared and read back."""

from __future__ import annotations

import difflib
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from api.articles.models import Article
from api.core import clock
from api.core.errors import Problem
from api.extensions import db
from api.revisions.models import ArticleRevision
from api.users.models import User

# The reviewed content of an article: everything patients see of it. A change to any of
# these makes a revision, which needs a reviewer's approval before it can be published.
CONTENT_FIELDS = (
    "title",
    "summary",
    "body_markdown",
    "language",
    "author",
    "topics",
    "primary_topic",
    "meta_description",
    "feature_image_url",
    "feature_image_alt",
    "feature_image_id",
    "media_text",
    "audience",
    "disclaimer_markdown",
    "references",
)
# What a revision made before a content field existed holds for it.
CONTENT_DEFAULTS: dict[str, Any] = {
    "audience": "patient",
    "disclaimer_markdown": None,
    "references": [],
    "feature_image_id": None,
    "media_text": {},
}


def content_of(article: Article) -> dict[str, Any]:
    """The article's content as a revision stores it (author and topics by slug)."""
    primary = article.primary_topic
    return {
        "title": article.title,
        "summary": article.summary,
        "body_markdown": article.body_markdown,
        "language": article.language,
        "author": article.author.slug,
        "topics": [topic.slug for topic in article.topics],
        "primary_topic": primary.slug if primary is not None else None,
        "meta_description": article.meta_description,
        "feature_image_url": article.feature_image_url,
        "feature_image_alt": article.feature_image_alt,
        "feature_image_id": article.feature_image_id,
        "media_text": article.media_text or {},
        "audience": article.audience,
        "disclaimer_markdown": article.disclaimer_markdown,
        "references": list(article.references or []),
    }


def add_revision(
    article: Article,
    content: dict[str, Any],
    user: User | None,
    comment: str,
    *,
    number: int | None = None,
) -> ArticleRevision:
    """Store the next revision of the article and make it the current one.

    With `number`, the caller has already written that number into `current_revision` in the
    same flush as the content: one UPDATE of the row, one version (and ETag) per change.
    """
    if number is None:
        article.current_revision += 1
        number = article.current_revision
    revision = ArticleRevision(
        article_id=article.id,
        number=number,
        created_at=clock.now(),
        created_by_id=user.id if user is not None else None,
        comment=comment[:1000],
        content=content,
    )
    db.session.add(revision)
    return revision


def revisions_query(article: Article) -> Select[tuple[ArticleRevision]]:
    """The article's revisions, newest first, with their authors (one query)."""
    return (
        select(ArticleRevision)
        .where(ArticleRevision.article_id == article.id)
        .options(joinedload(ArticleRevision.created_by))
        .order_by(ArticleRevision.number.desc())
    )


def revision_or_404(article: Article, number: int, *, field: str | None = None) -> ArticleRevision:
    revision = db.session.scalar(revisions_query(article).where(ArticleRevision.number == number))
    if revision is None:
        detail = f"Article '{article.slug}' has no revision {number}."
        if field:
            raise Problem(422, detail, errors={field: ["No such revision."]})
        raise Problem(404, detail)
    return revision


def diff(older: ArticleRevision | None, newer: ArticleRevision) -> dict[str, Any]:
    """A unified diff of the Markdown, and the other fields that differ."""
    old = older.content if older is not None else {}
    new = newer.content
    old_label = f"revision {older.number}" if older is not None else "nothing"
    body = difflib.unified_diff(
        (old.get("body_markdown") or "").splitlines(keepends=True),
        (new.get("body_markdown") or "").splitlines(keepends=True),
        fromfile=old_label,
        tofile=f"revision {newer.number}",
    )
    fields = {
        name: {"from": old.get(name), "to": new.get(name)}
        for name in new
        if name != "body_markdown" and old.get(name) != new.get(name)
    }
    return {
        "from_revision": older.number if older is not None else None,
        "to_revision": newer.number,
        "body_markdown_diff": "".join(body),
        "changed_fields": fields,
    }

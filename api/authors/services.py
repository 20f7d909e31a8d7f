"""Rules for authors: lookups with their public article counts, and saving."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import selectinload, with_expression

from api.articles.models import Article
from api.articles.visibility import public_filter
from api.authors.models import Author
from api.core.errors import Problem
from api.core.markdown import render_markdown
from api.extensions import db
from api.media.models import MediaItem, MediaUse


def _published_count() -> Any:
    return (
        select(func.count(Article.id))
        .where(Article.author_id == Author.id, public_filter())
        .correlate(Author)
        .scalar_subquery()
    )


def authors_query() -> Select[tuple[Author]]:
    """All authors by name, each with its count of public articles (one query)."""
    return (
        select(Author)
        .options(
            with_expression(Author.published_article_count, _published_count()),
            selectinload(Author.avatar),
        )
        .order_by(Author.name, Author.id)
    )


def author_or_404(slug: str) -> Author:
    author = db.session.scalar(authors_query().where(Author.slug == slug))
    if author is None:
        raise Problem(404, f"No author has the slug '{slug}'.")
    return author


def author_by_slug(slug: str, *, field: str = "author") -> Author:
    """The author a write refers to; an unknown slug is a 422 naming `field`."""
    author = db.session.scalar(select(Author).where(Author.slug == slug))
    if author is None:
        raise Problem(422, f"No author has the slug '{slug}'.", errors={field: ["Unknown author."]})
    return author


def save_author(author: Author | None, data: dict[str, Any]) -> Author:
    """Create or update an author from validated data; the bio is rendered once, here."""
    author = author or Author()
    if data.get("avatar_id") is not None and db.session.get(MediaItem, data["avatar_id"]) is None:
        raise Problem(
            422,
            f"No media item has the id {data['avatar_id']}.",
            errors={"avatar_id": [f"Unknown media id {data['avatar_id']}."]},
        )
    if "bio_markdown" in data:
        author.bio_html = render_markdown(data["bio_markdown"] or "").html
    for name, value in data.items():
        if getattr(author, name) != value:
            setattr(author, name, value)
    db.session.add(author)
    db.session.flush()
    if "avatar_id" in data:  # where the item is used: its delete is refused while it is
        db.session.execute(delete(MediaUse).where(MediaUse.author_id == author.id))
        if author.avatar_id is not None:
            db.session.add(MediaUse(media_id=author.avatar_id, author_id=author.id, place="avatar"))
    return author

"""Where media items are used (media_uses): the staff usage report, the `unused` filter, and
the 409 that keeps an item in use from being deleted."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, exists, select

from api.articles.models import Article
from api.authors.models import Author
from api.core.errors import Problem
from api.extensions import db
from api.media.models import MediaItem, MediaUse


def is_used() -> ColumnElement[bool]:
    """True for media items something uses (a correlated EXISTS on an indexed column)."""
    return exists().where(MediaUse.media_id == MediaItem.id)


def usage_of(item: MediaItem) -> dict[str, list[dict[str, Any]]]:
    """Every article (live content or pending revision) and author using the item: one query."""
    rows = db.session.execute(
        select(
            MediaUse.place,
            MediaUse.pending,
            Article.id,
            Article.slug,
            Article.title,
            Article.status,
            Author.id,
            Author.slug,
            Author.name,
        )
        .outerjoin(Article, Article.id == MediaUse.article_id)
        .outerjoin(Author, Author.id == MediaUse.author_id)
        .where(MediaUse.media_id == item.id)
        .order_by(MediaUse.id)
    ).all()
    articles = [
        {
            "id": article_id,
            "slug": slug,
            "title": title,
            "status": str(status),
            "place": place,
            "pending_revision": pending,
        }
        for place, pending, article_id, slug, title, status, *_ in rows
        if article_id is not None
    ]
    authors = [
        {"id": author_id, "slug": slug, "name": name}
        for *_, author_id, slug, name in rows
        if author_id is not None
    ]
    return {"articles": articles, "authors": authors}


def refuse_if_used(item: MediaItem) -> None:
    """409 listing where the item is used: deleting it would break those pages."""
    used = usage_of(item)
    if used["articles"] or used["authors"]:
        places = [f"article '{a['slug']}' ({a['place']})" for a in used["articles"]]
        places += [f"author '{a['slug']}' (avatar)" for a in used["authors"]]
        raise Problem(
            409,
            f"Media item {item.id} is still in use: {', '.join(dict.fromkeys(places))}.",
            used_by=used,
        )

"""Slugs made from titles, for articles created without one."""

from __future__ import annotations

from sqlalchemy import or_, select, union

from api.articles.models import Article, ArticleSlugRedirect
from api.core.markdown import slugify
from api.extensions import db

MAX_LENGTH = 120  # the column's and the schema's limit


def slug_from_title(title: str) -> str:
    """The slug of a title: "Back pain: what helps?" gives "back-pain-what-helps"; accents
    are dropped ("Café" gives "cafe"); a title without ASCII letters or digits, "article"."""
    return slugify(title)[:MAX_LENGTH].rstrip("-") or "article"


def unique_slug(title: str) -> str:
    """The title's slug, or with the first free suffix (-2, -3, ...): free of every current
    slug and of every old slug that still redirects (one query)."""
    base = slug_from_title(title)[: MAX_LENGTH - 6].rstrip("-")
    similar = f"{base}-%"
    taken = set(
        db.session.scalars(
            union(
                select(Article.slug).where(or_(Article.slug == base, Article.slug.like(similar))),
                select(ArticleSlugRedirect.old_slug).where(
                    or_(
                        ArticleSlugRedirect.old_slug == base,
                        ArticleSlugRedirect.old_slug.like(similar),
                    )
                ),
            )
        )
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"

"""Staff writes to authors (editors and admins), each recorded in the audit log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from api.articles.models import Article
from api.audit.services import audited_update, record
from api.authors.models import Author
from api.authors.services import save_author
from api.core.errors import Problem
from api.core.writes import delete_versioned
from api.extensions import db
from api.users.models import User

FIELDS = (
    "slug",
    "name",
    "kind",
    "credentials",
    "job_title",
    "organization",
    "bio_markdown",
    "avatar_url",
    "avatar_id",
    "website_url",
)


def _state(author: Author) -> dict[str, Any]:
    return {name: getattr(author, name) for name in FIELDS}


def create_author(user: User, data: dict[str, Any]) -> Author:
    author = save_author(None, data)
    record(user, "author.create", "author", author.id, label=author.slug, changes=_state(author))
    return author


def update_author(user: User, author: Author, data: dict[str, Any]) -> Author:
    audited_update(user, "author", author, _state, lambda: save_author(author, data))
    return author


def delete_author(user: User, author: Author) -> None:
    """Only an author without articles can go: articles must always credit someone."""
    count = db.session.scalar(select(func.count(Article.id)).where(Article.author_id == author.id))
    if count:
        raise Problem(409, f"The author is credited on {count} article(s); reassign them first.")
    record(user, "author.delete", "author", author.id, label=author.slug, changes=_state(author))
    delete_versioned("author", author)

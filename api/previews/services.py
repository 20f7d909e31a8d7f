"""Preview links: staff hand a front-end a secret URL that shows an unpublished article as it
would be published, until the link expires or is revoked.

The token is 256 random bits shown once; the store keeps its SHA-256 digest, and a read looks
the digest up through its unique index, so no secret is ever compared in Python (as for staff
tokens, `api.core.auth`). Unknown, expired and revoked tokens answer the very same 404.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from flask import current_app, url_for
from flask_limiter.util import get_remote_address
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from api.articles.live import WorkingCopy, as_it_would_publish
from api.articles.models import Article
from api.articles.permissions import Do, authorize
from api.articles.services import DETAIL_OPTIONS
from api.audit.services import record
from api.core import clock
from api.core.errors import Problem
from api.core.ratelimit import count_failure
from api.extensions import db
from api.links.services import resolve_public_body
from api.previews.models import ArticlePreview
from api.users.models import User

TOKEN_PREFIX = "clp_"  # noqa: S105 (a marker that makes leaked links greppable and redactable)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def preview_url(token: str) -> str:
    """The front-end's preview page (PREVIEW_URL_TEMPLATE), else this API's own preview read,
    on the host and port the request came in on."""
    template = current_app.config["PREVIEW_URL_TEMPLATE"]
    if template:
        return template.format(token=token)
    return url_for("previews.Preview", token=token, _external=True)


def _ttl(ttl_hours: int | None) -> dt.timedelta:
    longest = current_app.config["PREVIEW_TTL_HOURS"]
    if ttl_hours is None:
        return dt.timedelta(hours=longest)
    if ttl_hours > longest:
        raise Problem(
            422,
            f"A preview link lives at most {longest} hours (PREVIEW_TTL_HOURS).",
            errors={"ttl_hours": [f"Must be at most {longest}."]},
        )
    return dt.timedelta(hours=ttl_hours)


def create_preview(
    user: User, article: Article, ttl_hours: int | None = None
) -> tuple[ArticlePreview, str]:
    """A new preview link for the article; the plain token is returned once, never stored."""
    authorize(user, Do.PREVIEW, article)
    now = clock.now()
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    preview = ArticlePreview(
        article_id=article.id,
        token_hash=hash_token(plain),
        created_by_id=user.id,
        created_at=now,
        expires_at=now + _ttl(ttl_hours),
    )
    db.session.add(preview)
    db.session.flush()
    record(
        user,
        "preview.create",
        "article",
        article.id,
        label=article.slug,
        changes={"preview_id": preview.id, "expires_at": preview.expires_at},
    )
    return preview, plain


def active_previews(article: Article) -> Select[tuple[ArticlePreview]]:
    """The article's links that still work, newest first, with their creators (one query)."""
    return (
        select(ArticlePreview)
        .where(
            ArticlePreview.article_id == article.id,
            ArticlePreview.revoked_at.is_(None),
            ArticlePreview.expires_at > clock.now(),
        )
        .options(joinedload(ArticlePreview.created_by))
        .order_by(ArticlePreview.created_at.desc(), ArticlePreview.id.desc())
    )


def _active(query: Select[tuple[ArticlePreview]]) -> ArticlePreview | None:
    return db.session.scalar(
        query.where(ArticlePreview.revoked_at.is_(None), ArticlePreview.expires_at > clock.now())
    )


def revoke(user: User, article: Article, preview: ArticlePreview) -> None:
    """End a link now; the audit log keeps who did it."""
    authorize(user, Do.PREVIEW, article)
    preview.revoked_at = clock.now()
    record(
        user,
        "preview.revoke",
        "article",
        article.id,
        label=article.slug,
        changes={"preview_id": preview.id},
    )


def revoke_by_id(user: User, article: Article, preview_id: int) -> None:
    preview = _active(
        select(ArticlePreview).where(
            ArticlePreview.id == preview_id, ArticlePreview.article_id == article.id
        )
    )
    if preview is None:
        raise Problem(404, f"Article '{article.slug}' has no active preview {preview_id}.")
    revoke(user, article, preview)


def revoke_by_token(user: User, token: str) -> None:
    preview = _active(
        select(ArticlePreview)
        .where(ArticlePreview.token_hash == hash_token(token))
        .options(joinedload(ArticlePreview.article))
    )
    if preview is None:
        raise not_found()
    revoke(user, preview.article, preview)


def not_found() -> Problem:
    """One answer for unknown, expired and revoked links: it tells a guesser nothing."""
    return Problem(
        404,
        "No preview link matches; it may have expired or been revoked.",
        # Not the path asked for: the body is the same whatever token was sent.
        instance=f"/api/v1/previews/{TOKEN_PREFIX}<token>",
    )


def _count_failure() -> None:
    """Guessing links is throttled like guessing staff tokens (AUTH_FAILURE_LIMIT per client):
    load shedding, as 256 random bits are what keep links secret."""
    retry_after = count_failure(
        "preview-failures", current_app.config["AUTH_FAILURE_LIMIT"], get_remote_address()
    )
    if retry_after is not None:
        raise Problem(
            429,
            "Too many unknown preview links from this client; try again later.",
            headers={"Retry-After": str(retry_after)},
        )


def preview_article(article: Article, links: str | None = None) -> Article | WorkingCopy:
    """The article exactly as it would be published now: its newest revision (the pending one
    of a published article), internal links resolved as the public sees them. The one place
    that decides what a preview shows."""
    loaded = db.session.scalar(
        select(Article)
        .where(Article.id == article.id)
        .options(*DETAIL_OPTIONS)
        .execution_options(populate_existing=True)
    )
    resolve_public_body(loaded, links)
    return as_it_would_publish(loaded, links)


def previewed_article(token: str, links: str | None = None) -> Article | WorkingCopy:
    """The article a working link shows; the same 404 for every other token."""
    article_id = db.session.scalar(
        select(ArticlePreview.article_id).where(
            ArticlePreview.token_hash == hash_token(token),
            ArticlePreview.revoked_at.is_(None),
            ArticlePreview.expires_at > clock.now(),
        )
    )
    if article_id is None:
        _count_failure()
        raise not_found()
    return preview_article(db.session.get(Article, article_id), links)

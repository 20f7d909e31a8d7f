"""Review records: who may approve, what an approval stores, and the review patients see."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from flask import current_app
from sqlalchemy import Select, select

from api.articles.live import content_under_review, revision_under_review
from api.articles.models import Article
from api.core import clock
from api.core.errors import Problem
from api.extensions import db
from api.review.models import ArticleReview
from api.revisions.models import ArticleRevision
from api.users.models import User

CURRENT, DUE_SOON, OVERDUE = "current", "due_soon", "overdue"


def content_sha256(content: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8) of `content`: the one
    hash of reviewed content (review records and approval audit entries alike)."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def last_changed_by(article: Article) -> int | None:
    """The user who made the revision under review (the article's creator before any)."""
    number = revision_under_review(article)
    if number == 0:
        return article.created_by_id
    return db.session.scalar(
        select(ArticleRevision.created_by_id).where(
            ArticleRevision.article_id == article.id,
            ArticleRevision.number == number,
        )
    )


def _missing_profile(user: User) -> list[str]:
    return [name for name in ("name", "credentials") if not (getattr(user, name) or "").strip()]


def may_sign(user: User, article: Article) -> bool:
    """Whether `check_may_sign` would let the user approve the revision under review now."""
    if _missing_profile(user):
        return False
    return current_app.config["REVIEW_ALLOW_SELF_APPROVAL"] or last_changed_by(article) != user.id


def check_may_sign(user: User, article: Article) -> bool:
    """Refuse an approval the clinic's rules forbid; True when it is a permitted self-approval.

    409 when the reviewer has no name or credentials on their profile (patients would see an
    unqualified reviewer); 403 when they made the revision under review themselves, unless
    REVIEW_ALLOW_SELF_APPROVAL is on.
    """
    return check_signer(
        user, last_changed_by(article), f"revision {revision_under_review(article)} of this article"
    )


def check_signer(user: User, made_by_id: int | None, what: str) -> bool:
    """`check_may_sign` for any reviewed content: `what` (e.g. "revision 3 of this article")
    was made by the user `made_by_id`."""
    missing = _missing_profile(user)
    if missing:
        raise Problem(
            409,
            "Approving needs a reviewer profile with a name and credentials (e.g. 'MD, "
            f"Board-certified physiatrist'); yours lacks {' and '.join(missing)}. Set them "
            "with PATCH /api/v1/users/<id> or `flask users create --credentials`.",
            errors={name: ["Required to approve."] for name in missing},
        )
    if made_by_id != user.id:
        return False
    if current_app.config["REVIEW_ALLOW_SELF_APPROVAL"]:
        return True
    raise Problem(
        403,
        f"You made {what}, so someone else must review it (separation of duties; "
        "REVIEW_ALLOW_SELF_APPROVAL is off).",
        errors={"action": ["Cannot approve your own change."]},
    )


def may_sign_revision(user: User, made_by_id: int | None) -> bool:
    """Whether `check_signer` would let the user approve content made by `made_by_id`."""
    if _missing_profile(user):
        return False
    return current_app.config["REVIEW_ALLOW_SELF_APPROVAL"] or made_by_id != user.id


def record_review(
    article: Article, user: User, comment: str | None, *, self_approved: bool
) -> ArticleReview:
    """Store the approval of the revision under review and date the next review."""
    now = clock.now()
    interval = dt.timedelta(days=current_app.config["REVIEW_INTERVAL_DAYS"])
    review = ArticleReview(
        article_id=article.id,
        revision=revision_under_review(article),
        reviewer_id=user.id,
        reviewer_name=user.name,
        reviewer_credentials=user.credentials or "",
        content_sha256=content_sha256(content_under_review(article)),
        reviewed_at=now,
        next_review_due=(now + interval).date(),
        comment=comment or None,
        self_approved=self_approved,
    )
    db.session.add(review)
    return review


def reviews_query(article: Article) -> Select[tuple[ArticleReview]]:
    """The article's review records, newest first."""
    return (
        select(ArticleReview)
        .where(ArticleReview.article_id == article.id)
        .order_by(ArticleReview.id.desc())
    )


def review_status(next_review_due: dt.date, today: dt.date | None = None) -> str:
    """current, due_soon (within REVIEW_DUE_SOON_DAYS) or overdue (the due date has passed)."""
    today = today or clock.now().date()
    if next_review_due < today:
        return OVERDUE
    soon = dt.timedelta(days=current_app.config["REVIEW_DUE_SOON_DAYS"])
    return DUE_SOON if next_review_due <= today + soon else CURRENT


def public_review(article: Article) -> dict[str, Any] | None:
    """The review patients see, from the article row and its joined reviewer (no query)."""
    reviewer = article.reviewed_by
    if reviewer is None or article.last_reviewed_at is None or article.next_review_due is None:
        return None
    return {
        "reviewed_by": {"name": reviewer.name, "credentials": reviewer.credentials},
        "reviewed_at": article.last_reviewed_at,
        "next_review_due": article.next_review_due,
        "status": review_status(article.next_review_due),
    }

"""What staff read of a shared block: live text, the pending revision, its approval, who
includes it and what the caller may do now."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from api.articles.models import Article
from api.blocks import actions
from api.blocks.models import ArticleSharedBlock, SharedBlock, SharedBlockRevision
from api.extensions import db
from api.links.rendering import render_shared_block
from api.review.records import may_sign_revision
from api.users.models import User


def _approval(revision: SharedBlockRevision | None) -> dict[str, Any] | None:
    if revision is None or revision.reviewed_at is None:
        return None
    return {
        "reviewed_by": {
            "name": revision.reviewer_name,
            "credentials": revision.reviewer_credentials,
        },
        "reviewed_at": revision.reviewed_at,
        "content_sha256": revision.content_sha256,
    }


def _revision(block: SharedBlock, number: int | None) -> SharedBlockRevision | None:
    if number is None:
        return None
    return db.session.scalar(
        select(SharedBlockRevision).where(
            SharedBlockRevision.block_id == block.id, SharedBlockRevision.number == number
        )
    )


def your_actions(user: User, block: SharedBlock, pending: SharedBlockRevision | None) -> list[str]:
    return [
        action
        for action in actions.allowed_actions(block)
        if user.role in actions.ROLES[action]
        and (
            action != "approve"
            or (pending is not None and may_sign_revision(user, pending.created_by_id))
        )
    ]


def staff_view(user: User, block: SharedBlock) -> dict[str, Any]:
    """The block as the staff endpoints return it."""
    pending = actions.current_revision(block)
    included_by = db.session.scalars(
        select(Article.slug)
        .join(ArticleSharedBlock, ArticleSharedBlock.article_id == Article.id)
        .where(ArticleSharedBlock.block_id == block.id)
        .order_by(Article.slug)
    )
    return {
        "key": block.key,
        "title": block.title,
        "topic": block.topic.slug if block.topic is not None else None,
        "body_markdown": block.body_markdown,
        "body_html": block.body_html,
        "live_revision": block.live_revision,
        "current_revision": block.current_revision,
        "version": block.version,
        "approval": _approval(_revision(block, block.live_revision)),
        "pending_revision": None
        if pending is None
        else {
            "number": pending.number,
            "state": block.pending_status,
            "body_markdown": pending.body_markdown,
            "body_html": render_shared_block(pending.body_markdown).html,
            "comment": pending.comment,
            "created_at": pending.created_at,
        },
        "included_by": list(included_by),
        "allowed_actions": actions.allowed_actions(block),
        "your_actions": your_actions(user, block, pending),
        "created_at": block.created_at,
        "updated_at": block.updated_at,
    }


def revisions_query(block: SharedBlock) -> Any:
    """The block's revisions, newest first."""
    return (
        select(SharedBlockRevision)
        .where(SharedBlockRevision.block_id == block.id)
        .order_by(SharedBlockRevision.number.desc())
    )

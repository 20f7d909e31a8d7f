"""Staff writes to shared blocks, each in the request's one transaction, audited.

A block's text changes only through review: an edit stores the next revision (pending,
"draft"); `submit` puts it in review; `approve` by a credentialed reviewer who did not write
it (clinical governance, `api.review.records.check_signer`) makes it live at once and
re-renders every article that includes it, so their body_html, sections, validators and
change events move in the same transaction; `reject` (with a comment) returns it to draft.
The live text never changes otherwise.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import undefer

from api.articles.derivation import derive_from_body
from api.articles.models import Article
from api.audit.services import record
from api.blocks import services
from api.blocks.models import SharedBlock, SharedBlockRevision
from api.core import clock
from api.core.errors import Problem
from api.core.markdown import Rendered
from api.core.writes import flush_versioned
from api.extensions import db
from api.links.rendering import render_shared_block
from api.links.services import store_links
from api.review.records import check_signer, content_sha256
from api.topics.models import Topic
from api.users.models import Role, User

DRAFT, IN_REVIEW = "draft", "in_review"
WRITERS = frozenset({Role.ADMIN, Role.EDITOR})
REVIEWERS = frozenset({Role.ADMIN, Role.REVIEWER})
ROLES = {"create": WRITERS, "edit": WRITERS, "submit": WRITERS}
ROLES |= {"approve": REVIEWERS, "reject": REVIEWERS}
# Red-flag guidance has both care levels, so no article shows one without the other.
RED_FLAG_CALLOUTS = ("emergency", "urgent")


def authorize(user: User, action: str) -> None:
    if user.role not in ROLES[action]:
        raise Problem(403, f"The {user.role.value} role cannot {action} shared blocks.")


def checked_body(key: str, markdown: str) -> Rendered:
    """The block's body rendered; 422 for what no article may include (unknown callouts,
    nested includes, red flags without both an emergency and an urgent callout)."""
    rendered = render_shared_block(markdown)
    if key.startswith(f"{services.RED_FLAGS}/"):
        missing = [
            kind for kind in RED_FLAG_CALLOUTS if f'data-callout="{kind}"' not in rendered.html
        ]
        if missing:
            messages = [f"Red-flag guidance needs a `::: {kind}` callout." for kind in missing]
            raise Problem(422, " ".join(messages), errors={"body_markdown": messages})
    return rendered


def _topic_id(key: str, data: dict[str, Any]) -> int | None:
    """The topic named by `topic`; by default, for `red-flags/<slug>`, the topic <slug>."""
    group, _, name = key.partition("/")
    slug = data.get("topic", name if group == services.RED_FLAGS else None)
    if slug is None:
        return None
    topic_id = db.session.scalar(select(Topic.id).where(Topic.slug == slug))
    if topic_id is None:
        raise Problem(
            422, f"Unknown topic '{slug}'.", errors={"topic": [f"Unknown topic '{slug}'."]}
        )
    return topic_id


def _add_revision(user: User | None, block: SharedBlock, markdown: str, comment: str) -> None:
    block.current_revision += 1
    block.pending_status = DRAFT
    db.session.add(
        SharedBlockRevision(
            block_id=block.id,
            number=block.current_revision,
            body_markdown=markdown,
            comment=comment,
            created_at=clock.now(),
            created_by_id=user.id if user is not None else None,
        )
    )


def create_block(user: User, data: dict[str, Any]) -> SharedBlock:
    """A new block with revision 1 pending (no live text until a reviewer approves it)."""
    authorize(user, "create")
    key = data["key"]
    checked_body(key, data["body_markdown"])
    if services.block_by_key(key) is not None:
        raise Problem(409, f"A shared block has the key '{key}'.", errors={"key": ["Taken."]})
    block = SharedBlock(
        key=key, title=data["title"], topic_id=_topic_id(key, data), created_by_id=user.id
    )
    db.session.add(block)
    db.session.flush()
    _add_revision(user, block, data["body_markdown"], data.get("comment") or "Created.")
    flush_versioned("shared block")
    record(user, "shared_block.create", "shared_block", block.id, label=key)
    return block


def update_block(user: User, block: SharedBlock, data: dict[str, Any]) -> SharedBlock:
    """Title and topic apply at once; a new text becomes the next revision, pending."""
    authorize(user, "edit")
    if "key" in data and data["key"] != block.key:
        message = "The key cannot change: articles include the block by it."
        raise Problem(422, message, errors={"key": [message]})
    changes: dict[str, Any] = {}
    if "title" in data and data["title"] != block.title:
        changes["title"] = [block.title, data["title"]]
        block.title = data["title"]
    if "topic" in data:
        topic_id = _topic_id(block.key, data)
        if topic_id != block.topic_id:
            changes["topic"] = data["topic"]
            block.topic_id = topic_id
    if "body_markdown" in data and data["body_markdown"] != pending_markdown(block):
        checked_body(block.key, data["body_markdown"])
        _add_revision(user, block, data["body_markdown"], data.get("comment") or "")
        changes["revision"] = block.current_revision
    flush_versioned("shared block")
    if changes:
        record(
            user, "shared_block.update", "shared_block", block.id, label=block.key, changes=changes
        )
    return block


def pending_markdown(block: SharedBlock) -> str:
    """The newest text: the pending revision's, else the live one."""
    revision = current_revision(block)
    return revision.body_markdown if revision is not None else block.body_markdown


def current_revision(block: SharedBlock) -> SharedBlockRevision | None:
    """The newest revision while one is pending, else None."""
    if block.pending_status is None:
        return None
    return db.session.scalar(
        select(SharedBlockRevision).where(
            SharedBlockRevision.block_id == block.id,
            SharedBlockRevision.number == block.current_revision,
        )
    )


def allowed_actions(block: SharedBlock) -> list[str]:
    """The transitions the block's state allows now, whoever asks."""
    if block.pending_status == DRAFT:
        return ["submit"]
    if block.pending_status == IN_REVIEW:
        return ["approve", "reject"]
    return []


def _approve(user: User, block: SharedBlock, revision: SharedBlockRevision, comment: str) -> None:
    number = revision.number
    self_approved = check_signer(user, revision.created_by_id, f"revision {number} of this block")
    rendered = checked_body(block.key, revision.body_markdown)
    revision.reviewed_by_id, revision.reviewer_name = user.id, user.name
    revision.reviewer_credentials, revision.reviewed_at = user.credentials, clock.now()
    revision.review_comment, revision.self_approved = comment or None, self_approved
    revision.content_sha256 = content_sha256(
        {"key": block.key, "body_markdown": revision.body_markdown}
    )
    block.body_markdown, block.body_html = revision.body_markdown, rendered.html
    block.live_revision, block.pending_status = number, None


def transition(user: User, block: SharedBlock, data: dict[str, Any]) -> dict[str, Any]:
    """submit, approve (goes live, re-renders the including articles) or reject."""
    action, comment = data["action"], data.get("comment") or ""
    authorize(user, action)
    if action not in allowed_actions(block):
        raise Problem(
            409,
            f"Cannot {action} shared block '{block.key}' now.",
            allowed_actions=allowed_actions(block),
        )
    if action == "reject" and not comment:
        raise Problem(422, "Say why the text is rejected.", errors={"comment": ["Required."]})
    revision = current_revision(block)
    assert revision is not None  # a pending state has its revision
    changes: dict[str, Any] = {"revision": revision.number, "comment": comment or None}
    if action == "submit":
        block.pending_status = IN_REVIEW
    elif action == "reject":
        block.pending_status = DRAFT
    else:
        _approve(user, block, revision, comment)
        changes["content_sha256"] = revision.content_sha256
    flush_versioned("shared block", status=409)
    if action == "approve":
        changes["articles_updated"] = rerender_including(block)
    record(
        user, f"shared_block.{action}", "shared_block", block.id, label=block.key, changes=changes
    )
    return changes


def rerender_including(block: SharedBlock) -> list[str]:
    """Render again every article whose stored body includes the block (any status: staff
    read drafts' body_html too); returns the slugs whose body changed."""
    ids = services.including_article_ids(block)
    if not ids:
        return []
    changed = []
    # A few statements per article (its links, its search fields loaded up front): a block
    # changes rarely, and every article that shows it must change with it, in this transaction.
    articles = list(
        db.session.scalars(
            select(Article)
            .where(Article.id.in_(ids))
            .options(undefer(Article.search_headings))
            .order_by(Article.id)
        )
    )
    for article in articles:
        shown = article.body_html
        rendered = derive_from_body(article)
        if article.body_html != shown:
            changed.append(article.slug)
        store_links(article, rendered.link_slugs)  # the block's own links may have changed
    flush_versioned("article", status=409)
    return changed

"""The demo's staff, and demo articles and shared blocks published the one way there is:
through review."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from api.articles import reading_limit, staff
from api.articles.models import Article
from api.articles.workflow import transition
from api.blocks import actions as blocks
from api.blocks.models import SharedBlock
from api.extensions import db
from api.users.models import Role, User
from api.users.services import create_user

# Fictional people of the demo clinic; the reviewer's credentials show on every demo article.
DEMO_EDITOR = {
    "name": "Demo Editor",
    "email": "editor@demo.careleaf.example",
    "role": Role.EDITOR,
    "credentials": None,
}
DEMO_REVIEWER = {
    "name": "Dr Sam Ellis",
    "email": "reviewer@demo.careleaf.example",
    "role": Role.REVIEWER,
    "credentials": "MD, Board-certified physiatrist",
}


def _user(data: dict[str, Any]) -> User:
    existing = db.session.scalar(select(User).where(User.email == data["email"]))
    return existing or create_user(None, data)


def demo_editor() -> User:
    """The demo editor (created on first use): uploads the demo images, publishes articles."""
    return _user(DEMO_EDITOR)


def publish_through_review(article: Article, published_at: dt.datetime | None) -> Article:
    """Submit (demo editor), approve (demo reviewer), publish (demo editor): all audited."""
    editor, reviewer = _user(DEMO_EDITOR), _user(DEMO_REVIEWER)
    article = staff.reload(article)
    article = transition(editor, article, {"action": "submit"})
    approve: dict[str, Any] = {"action": "approve", "comment": "Demo content reviewed."}
    if reading_limit.is_above_limit(article):
        # The demo reviewer accepts it knowingly; the audit entry records the grade accepted.
        approve["accept_reading_grade"] = True
    article = transition(reviewer, article, approve)
    publish: dict[str, Any] = {"action": "publish"}
    if published_at is not None:
        publish["published_at"] = published_at
    return transition(editor, article, publish)


def approve_block_through_review(data: dict[str, Any]) -> SharedBlock:
    """Create (demo editor), submit (demo editor), approve (demo reviewer): all audited."""
    editor, reviewer = _user(DEMO_EDITOR), _user(DEMO_REVIEWER)
    block = blocks.create_block(editor, data)
    blocks.transition(editor, block, {"action": "submit"})
    blocks.transition(reviewer, block, {"action": "approve", "comment": "Demo content reviewed."})
    return block

"""Who may do what to which article: the one place that decides.

Roles grant actions; a few grants hold only for the user's own articles; the state an
article is in decides which transitions are legal (`api.articles.workflow`). The actions in
`api.articles.actions` and `api.articles.workflow` call `authorize` before changing anything.
Rules of state that bind every role (published content is frozen) live in the workflow.
"""

from __future__ import annotations

import enum

from api.articles.models import Article, ArticleStatus
from api.core.errors import Problem
from api.users.models import Role, User


class Do(enum.StrEnum):
    """Everything staff can do to an article."""

    CREATE = "create"
    EDIT = "edit"
    DELETE = "delete"
    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"
    PUBLISH = "publish"
    UNPUBLISH = "unpublish"
    ARCHIVE = "archive"
    PREVIEW = "preview"  # create, list and revoke preview links


GRANTS: dict[Role, frozenset[Do]] = {
    Role.ADMIN: frozenset(Do),
    Role.EDITOR: frozenset(Do) - {Do.APPROVE, Do.REJECT},
    Role.WRITER: frozenset({Do.CREATE, Do.EDIT, Do.SUBMIT, Do.PREVIEW}),
    Role.REVIEWER: frozenset({Do.APPROVE, Do.REJECT}),
}
# Writers act only on the articles they created (previews included), and edit them only
# while they are drafts.
OWN_ARTICLES_ONLY: dict[Role, frozenset[Do]] = {
    Role.WRITER: frozenset({Do.EDIT, Do.SUBMIT, Do.PREVIEW})
}
EDITABLE_STATUSES: dict[Role, frozenset[ArticleStatus]] = {
    Role.WRITER: frozenset({ArticleStatus.DRAFT}),
}


def may(user: User, action: Do, article: Article | None = None) -> bool:
    """Whether the user's role (and ownership, where it matters) allows `action`."""
    if action not in GRANTS[user.role]:
        return False
    if article is not None and action in OWN_ARTICLES_ONLY.get(user.role, frozenset()):
        return article.created_by_id == user.id
    return True


def authorize(user: User, action: Do, article: Article | None = None) -> None:
    """403 unless the user may do `action` (to `article`)."""
    if action not in GRANTS[user.role]:
        raise Problem(403, f"The {user.role.value} role cannot {action.value} articles.")
    if not may(user, action, article):
        raise Problem(403, f"A {user.role.value} can {action.value} only their own articles.")


def authorize_edit(user: User, article: Article) -> None:
    """403 unless the user may edit the article; 409 when their role may not in its status."""
    authorize(user, Do.EDIT, article)
    statuses = EDITABLE_STATUSES.get(user.role)
    if statuses is not None and article.status not in statuses:
        raise Problem(
            409,
            f"A {user.role.value} can edit an article only while it is a draft; "
            f"this one is {article.status.value}.",
            article_status=article.status.value,
        )


def authorize_delete(user: User, article: Article) -> None:
    """Editors and admins delete articles, never a published one (unpublish or archive first)."""
    authorize(user, Do.DELETE, article)
    if article.status is ArticleStatus.PUBLISHED:
        raise Problem(
            409,
            "A published article cannot be deleted; unpublish or archive it first.",
            article_status=article.status.value,
        )

"""The editorial workflow: draft -> in_review -> (approved) -> published -> archived.

`unpublish` returns a published or archived article to draft; `reject` returns one in review
to draft with the reviewer's comment. Publishing needs a reviewer's approval of the current
revision, so any content change after the approval needs a new one. A reviewer may also
approve a published article again: the periodic medical re-review that moves next_review_due.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from api.articles import reading_limit, staff
from api.articles.models import Article, ArticleStatus
from api.articles.permissions import Do, authorize, may
from api.audit.services import record
from api.core import clock
from api.core.errors import Problem
from api.core.writes import flush_versioned
from api.review.records import (
    check_may_sign,
    content_sha256,
    record_review,
    reviewed_content,
)
from api.users.models import User

DRAFT, IN_REVIEW = ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW
PUBLISHED, ARCHIVED = ArticleStatus.PUBLISHED, ArticleStatus.ARCHIVED
TRANSITIONS = (Do.SUBMIT, Do.APPROVE, Do.REJECT, Do.PUBLISH, Do.UNPUBLISH, Do.ARCHIVE)


def is_legal(action: Do, article: Article) -> bool:
    """Whether the article's state allows the transition, whoever asks."""
    status = article.status
    return {
        Do.SUBMIT: status is DRAFT,
        Do.APPROVE: (status is IN_REVIEW and not article.approval_is_current)
        or status is PUBLISHED,
        Do.REJECT: status is IN_REVIEW,
        Do.PUBLISH: status is IN_REVIEW and article.approval_is_current,
        Do.UNPUBLISH: status in (PUBLISHED, ARCHIVED),
        Do.ARCHIVE: status is PUBLISHED,
    }[action]


def allowed_actions(article: Article) -> list[str]:
    """The transitions the article's state allows now, whoever may apply them."""
    return [action.value for action in TRANSITIONS if is_legal(action, article)]


def your_actions(user: User, article: Article) -> list[str]:
    """The transitions `user` may apply to the article now."""
    return [name for name in allowed_actions(article) if may(user, Do(name), article)]


def actions_now(user: User, article: Article) -> dict[str, list[str]]:
    """Both lists, as staff views and 409 problems show them."""
    return {
        "allowed_actions": allowed_actions(article),
        "your_actions": your_actions(user, article),
    }


# Published medical content changes only through a new review: unpublish, edit, resubmit.
# Editorial metadata patients do not read is not reviewed, so editors may change it any time
# (slugs, scheduling, the canonical link); everything patients see is content
# (`api.revisions.services.CONTENT_FIELDS`: meta description and feature image included).
# A tuple, not a set: `actions.state_of` lists the fields in this order (audit diffs).
METADATA_FIELDS = (
    "slug",
    "published_at",
    "canonical_url",
)
CONTENT_FROZEN_STATUSES = frozenset({PUBLISHED, ARCHIVED})


def check_content_editable(user: User, article: Article, changed_fields: set[str]) -> None:
    """409 when the change touches the content of a published or archived article."""
    content = changed_fields.difference(METADATA_FIELDS)
    if content and article.status in CONTENT_FROZEN_STATUSES:
        raise Problem(
            409,
            f"The content of a {article.status.value} article cannot change without a new "
            "review: unpublish it, edit, and submit it again.",
            errors={name: ["Frozen while the article is public."] for name in sorted(content)},
            article_status=article.status.value,
            **actions_now(user, article),
        )


def _submit(article: Article, _user: User, _data: dict[str, Any]) -> None:
    article.status = IN_REVIEW


def _approve(article: Article, user: User, data: dict[str, Any]) -> None:
    self_approved = check_may_sign(user, article)
    if reading_limit.check_approval(article, data, **actions_now(user, article)):
        data["accepted_reading_grade"] = article.reading_grade
    review = record_review(article, user, data.get("comment"), self_approved=self_approved)
    article.approved_revision = article.current_revision
    article.reviewed_by_id = user.id
    article.last_reviewed_at = review.reviewed_at
    article.next_review_due = review.next_review_due
    article.review_comment = review.comment


def _reject(article: Article, _user: User, data: dict[str, Any]) -> None:
    if not data.get("comment"):
        raise Problem(
            422, "Say why the article is rejected.", errors={"comment": ["Required to reject."]}
        )
    article.status = DRAFT
    article.approved_revision = None
    article.review_comment = data["comment"]


def _publish(article: Article, _user: User, data: dict[str, Any]) -> None:
    # A given time wins; else one set beforehand with PATCH; else now. Future = scheduled.
    article.published_at = data.get("published_at") or article.published_at or clock.now()
    article.status = PUBLISHED


def _unpublish(article: Article, _user: User, _data: dict[str, Any]) -> None:
    article.status = DRAFT


def _archive(article: Article, _user: User, _data: dict[str, Any]) -> None:
    article.status = ARCHIVED


APPLY: dict[Do, Callable[[Article, User, dict[str, Any]], None]] = {
    Do.SUBMIT: _submit,
    Do.APPROVE: _approve,
    Do.REJECT: _reject,
    Do.PUBLISH: _publish,
    Do.UNPUBLISH: _unpublish,
    Do.ARCHIVE: _archive,
}


def transition(user: User, article: Article, data: dict[str, Any]) -> Article:
    """Apply one workflow action: 403 when the role may not, 409 when the state does not allow."""
    action = Do(data["action"])
    authorize(user, action, article)
    if "published_at" in data and action is not Do.PUBLISH:
        raise Problem(
            422,
            "published_at goes with the publish action only.",
            errors={"published_at": ["Only with publish."]},
        )
    if "accept_reading_grade" in data and action is not Do.APPROVE:
        raise Problem(
            422,
            "accept_reading_grade goes with the approve action only.",
            errors={"accept_reading_grade": ["Only with approve."]},
        )
    if not is_legal(action, article):
        raise Problem(
            409,
            f"Cannot {action.value} an article that is {article.status.value}"
            + (" without an approval of its current revision." if action is Do.PUBLISH else "."),
            article_status=article.status.value,
            **actions_now(user, article),
        )
    before = {"status": article.status.value, "published_at": article.published_at}
    APPLY[action](article, user, data)
    flush_versioned("article", status=409)
    changes: dict[str, Any] = {"from": before["status"], "to": article.status.value}
    if data.get("comment"):
        changes["comment"] = data["comment"]
    if action is Do.PUBLISH:
        changes["published_at"] = article.published_at
    if action is Do.APPROVE:
        changes["approved_revision"] = article.approved_revision
        changes["content_sha256"] = content_sha256(reviewed_content(article))
        if "accepted_reading_grade" in data:
            changes["accepted_reading_grade"] = data["accepted_reading_grade"]
    record(
        user, f"article.{action.value}", "article", article.id, label=article.slug, changes=changes
    )
    article = staff.reload(article)
    # Shown once, in this response: what the writer should know before the review.
    article.warnings = reading_limit.submit_warnings(article) if action is Do.SUBMIT else []
    return article

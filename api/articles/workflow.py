"""The editorial workflow: draft -> in_review -> (approved) -> published -> archived.

`unpublish` returns a published or archived article to draft; `reject` returns one in review
to draft with the reviewer's comment. Publishing needs a reviewer's approval of the current
revision, so any content change after the approval needs a new one, and the body to go live must
include the shared blocks of the article's topics (`api.articles.required_blocks`: 409 listing
`missing_blocks`). A reviewer may also
approve a published article again: the periodic medical re-review that moves next_review_due.

A published article stays online while its next revision is in review (`api.articles.live`):
the same actions then apply to the pending revision while the article stays published
(submit, approve, reject, publish makes it live), and unpublish or archive still apply to the
article.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from api.articles import live, reading_limit, staff
from api.articles.media import check_alt_to_publish, row_media
from api.articles.models import Article, ArticleStatus
from api.articles.permissions import Do, authorize, may
from api.articles.required_blocks import check_required_blocks
from api.audit.services import record
from api.core import clock
from api.core.errors import Problem
from api.core.writes import flush_versioned
from api.review.records import check_may_sign, may_sign, record_review
from api.users.models import User

DRAFT, IN_REVIEW = ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW
PUBLISHED, ARCHIVED = ArticleStatus.PUBLISHED, ArticleStatus.ARCHIVED
TRANSITIONS = (Do.SUBMIT, Do.APPROVE, Do.REJECT, Do.PUBLISH, Do.UNPUBLISH, Do.ARCHIVE)


def is_legal(action: Do, article: Article) -> bool:
    """Whether the article's state allows the transition, whoever asks."""
    status = article.status
    if status is PUBLISHED and article.has_pending_revision:
        pending, approved = article.pending_status, article.approval_is_current
        return {
            Do.SUBMIT: pending == live.PENDING_DRAFT,
            # While the pending revision is a draft, approving re-reviews the live one.
            Do.APPROVE: pending == live.PENDING_DRAFT or not approved,
            Do.REJECT: pending == live.PENDING_IN_REVIEW,
            Do.PUBLISH: pending == live.PENDING_IN_REVIEW and approved,
            Do.UNPUBLISH: True,
            Do.ARCHIVE: True,
        }[action]
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
    """The transitions `user` may apply to the article now. Approve only if they may sign
    the revision under review: not its author (unless REVIEW_ALLOW_SELF_APPROVAL), and with a
    reviewer profile (name and credentials)."""
    return [
        name
        for name in allowed_actions(article)
        if may(user, Do(name), article) and (name != Do.APPROVE or may_sign(user, article))
    ]


def actions_now(user: User, article: Article) -> dict[str, list[str]]:
    """Both lists, as staff views and 409 problems show them."""
    return {
        "allowed_actions": allowed_actions(article),
        "your_actions": your_actions(user, article),
    }


# Editorial metadata patients do not read is not reviewed: editors change it any time, and
# on a published article it applies at once (slugs, scheduling, the canonical link).
# Everything patients see is content (`api.revisions.services.CONTENT_FIELDS`: meta
# description, feature image and topics included): a change is a new revision that needs a
# review, pending while the article is published (`api.articles.live`).
# A tuple, not a set: `actions.state_of` lists the fields in this order (audit diffs).
METADATA_FIELDS = (
    "slug",
    "published_at",
    "canonical_url",
)


def _submit(article: Article, _user: User, _data: dict[str, Any]) -> None:
    if article.has_pending_revision:
        article.pending_status = live.PENDING_IN_REVIEW
    else:
        article.status = IN_REVIEW


def _approve(article: Article, user: User, data: dict[str, Any]) -> None:
    self_approved = check_may_sign(user, article)
    grade = live.reading_grade_under_review(article)
    if reading_limit.check_approval(grade, data, **actions_now(user, article)):
        data["accepted_reading_grade"] = grade
    review = record_review(article, user, data.get("comment"), self_approved=self_approved)
    data["approved"] = review
    article.approved_revision = review.revision
    article.review_comment = review.comment
    if article.pending_status == live.PENDING_IN_REVIEW:
        return  # what patients see of the review moves when the revision goes live
    article.reviewed_by_id = user.id
    article.last_reviewed_at = review.reviewed_at
    article.next_review_due = review.next_review_due


def _reject(article: Article, _user: User, data: dict[str, Any]) -> None:
    if not data.get("comment"):
        raise Problem(
            422, "Say why the article is rejected.", errors={"comment": ["Required to reject."]}
        )
    if article.has_pending_revision:  # back to its writers; the live revision stays online
        article.pending_status = live.PENDING_DRAFT
        if article.approved_revision == article.current_revision:
            article.approved_revision = None
    else:
        article.status = DRAFT
        article.approved_revision = None
    article.review_comment = data["comment"]


def _publish(article: Article, user: User, data: dict[str, Any]) -> None:
    check_required_blocks(article, **actions_now(user, article))
    check_alt_to_publish(
        live.working_content(article) if article.has_pending_revision else row_media(article)
    )
    if article.has_pending_revision:
        if "published_at" in data:
            raise Problem(
                422,
                "The article is published already: its approved revision goes live now, "
                "under its first publication time.",
                errors={"published_at": ["Not with a pending revision of a published article."]},
            )
        live.make_live(article)
        return
    # A given time wins; else one set beforehand with PATCH; else now. Future = scheduled.
    article.published_at = data.get("published_at") or article.published_at or clock.now()
    article.status = PUBLISHED
    article.live_revision = article.current_revision


def _unpublish(article: Article, _user: User, _data: dict[str, Any]) -> None:
    live.take_offline(article)
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
        pending = live.pending_state(article)
        detail = (
            f"Cannot {action.value} revision {article.current_revision}, pending ({pending}) "
            f"while the article stays {article.status.value}"
            if pending is not None
            else f"Cannot {action.value} an article that is {article.status.value}"
        )
        raise Problem(
            409,
            detail
            + (" without an approval of its current revision." if action is Do.PUBLISH else "."),
            article_status=article.status.value,
            **actions_now(user, article),
        )
    before = {"status": article.status.value, "pending": live.pending_state(article)}
    pending_number = article.current_revision if before["pending"] else None
    APPLY[action](article, user, data)
    flush_versioned("article", status=409)
    changes: dict[str, Any] = {"from": before["status"], "to": article.status.value}
    if pending_number is not None:  # the action was about the pending revision
        after = live.pending_state(article) or ("live" if action is Do.PUBLISH else "none")
        changes["pending_revision"] = {
            "number": pending_number,
            "from": before["pending"],
            "to": after,
        }
    if data.get("comment"):
        changes["comment"] = data["comment"]
    if action is Do.PUBLISH:
        changes["published_at"] = article.published_at
    if action is Do.APPROVE:
        changes["approved_revision"] = article.approved_revision
        changes["content_sha256"] = data["approved"].content_sha256
        if "accepted_reading_grade" in data:
            changes["accepted_reading_grade"] = data["accepted_reading_grade"]
    record(
        user, f"article.{action.value}", "article", article.id, label=article.slug, changes=changes
    )
    article = staff.reload(article)
    # Shown once, in this response: what the writer should know before the review.
    article.warnings = (
        reading_limit.submit_warnings(live.reading_grade_under_review(article))
        if action is Do.SUBMIT
        else []
    )
    return article

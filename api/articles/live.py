"""A published article stays online while its next revision is in review.

While an article is published (or archived) its row holds the live content, the revision the
public sees (`live_revision`): every public read (lists, detail, search, related, feeds,
sitemap, bundles, change feed) reads the row and so serves the last approved revision. A
change to reviewed content (`CONTENT_FIELDS`) then becomes the next revision only: the row
records that it is pending (`pending_status`: "draft", then "in_review"; approved once
`approved_revision` is its number) and the workflow applies to it while the article stays
published. Publishing it copies its content onto the row (`make_live`): only then do the
public, its validators and the change feed see it. Staff read the working copy (the newest
revision, rendered as a read would render it) with `live_revision` and `pending_revision`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import with_expression

from api.articles import media
from api.articles.derivation import derived_from_markdown
from api.articles.models import Article, ArticleStatus, ArticleTopic
from api.articles.services import checked_topics, save_article
from api.authors.services import author_by_slug
from api.core.readability import reading_level
from api.extensions import db
from api.links.rendering import has_markers, resolve_markers
from api.links.services import link_hrefs, public_targets, public_targets_by_slug
from api.review.models import ArticleReview
from api.revisions.models import ArticleRevision
from api.revisions.services import CONTENT_DEFAULTS, CONTENT_FIELDS, add_revision, content_of
from api.topics.models import Topic
from api.topics.services import pillar_slug_expression
from api.users.models import User

LIVE_STATUSES = frozenset({ArticleStatus.PUBLISHED, ArticleStatus.ARCHIVED})
PENDING_DRAFT, PENDING_IN_REVIEW, PENDING_APPROVED = "draft", "in_review", "approved"
BASELINE_COMMENT = "The article as it was before its first tracked change."


def is_live(article: Article) -> bool:
    """The row holds content the public sees or saw (published or archived)."""
    return article.status in LIVE_STATUSES


def working_content(article: Article) -> dict[str, Any]:
    """The newest content of the article: its pending revision's, else the row's."""
    if not article.has_pending_revision:
        return content_of(article)
    content = db.session.scalar(
        select(ArticleRevision.content).where(
            ArticleRevision.article_id == article.id,
            ArticleRevision.number == article.current_revision,
        )
    )
    return {**CONTENT_DEFAULTS, **(content or {})}


def patched_content(working: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """`working` with the content fields of a write applied, checked as `save_article` would:
    a known author, known topics, the primary among them (default the first)."""
    content = {**working, **{name: fields[name] for name in CONTENT_FIELDS if name in fields}}
    if "author" in fields:
        author_by_slug(content["author"])
    if "topics" in fields and "primary_topic" not in fields:
        content["primary_topic"] = None
    topics, primary = checked_topics(content["topics"], content["primary_topic"])
    content["topics"] = [topic.slug for topic in topics]
    content["primary_topic"] = primary
    if any(name in fields for name in CONTENT_FIELDS):  # records the library's text now
        content["media_text"] = media.media_text_for(
            content["feature_image_id"], content["body_markdown"]
        )
    return content


def store_pending(
    user: User | None, article: Article, content: dict[str, Any], comment: str
) -> ArticleRevision:
    """Store `content` as the next revision of a live article; the row keeps the live one.

    The content must render (known callout kinds, cited keys among its references: else a
    422): every road to a pending revision (API, import, restore) comes through here, and a
    revision that cannot render would make the article unreadable for staff."""
    derived_from_markdown(content["body_markdown"], content["references"])
    if article.current_revision == 0:  # content that predates tracking: keep what is live
        add_revision(article, content_of(article), None, BASELINE_COMMENT)
    if article.live_revision is None:
        article.live_revision = article.current_revision
    revision = add_revision(article, content, user, comment)
    media.store_uses(article.id, content, pending=True)
    if article.pending_status is None:
        article.pending_status = PENDING_DRAFT
    return revision


def _take_pending_content(article: Article) -> None:
    """Copy the pending revision's content onto the row (body derived, links stored)."""
    content = working_content(article)
    save_article(article, content)
    media.drop_pending_uses(article.id)
    article.pending_status = None


def make_live(article: Article) -> None:
    """Publish the approved pending revision: its content and its review become public."""
    _take_pending_content(article)
    article.live_revision = article.current_revision
    review = db.session.scalar(
        select(ArticleReview)
        .where(
            ArticleReview.article_id == article.id,
            ArticleReview.revision == article.current_revision,
        )
        .order_by(ArticleReview.id.desc())
        .limit(1)
    )
    if review is not None:  # what patients see: who reviewed what is live now, and when
        article.reviewed_by_id = review.reviewer_id
        article.last_reviewed_at = review.reviewed_at
        article.next_review_due = review.next_review_due


def take_offline(article: Article) -> None:
    """The article leaves public view: the row holds its newest revision again."""
    if article.has_pending_revision:
        _take_pending_content(article)
    article.live_revision = None


def pending_state(article: Article) -> str | None:
    """draft, in_review or approved; None when no revision is pending."""
    if not article.has_pending_revision:
        return None
    if article.pending_status == PENDING_IN_REVIEW and article.approval_is_current:
        return PENDING_APPROVED
    return article.pending_status


def revision_under_review(article: Article) -> int:
    """The revision an approval now would sign: the pending one once submitted, else the
    live one of a published article (the periodic re-review), else the newest."""
    if article.pending_status == PENDING_IN_REVIEW:
        return article.current_revision
    if is_live(article) and article.live_revision is not None:
        return article.live_revision
    return article.current_revision


def content_under_review(article: Article) -> dict[str, Any]:
    """What an approval now would sign, as a revision stores it."""
    if article.pending_status == PENDING_IN_REVIEW:
        return working_content(article)
    return content_of(article)


def reading_grade_under_review(article: Article) -> float:
    """The reading grade of the content a submit or an approval is about."""
    if article.pending_status is None:
        return article.reading_grade
    content = working_content(article)
    derived, _ = derived_from_markdown(
        content["body_markdown"], content["references"], content["media_text"]
    )
    return derived["reading_grade"]


def _topic_links(content: dict[str, Any]) -> list[ArticleTopic]:
    """Unsaved placements for a preview (never added to the session)."""
    slugs = content["topics"]
    if not slugs:
        return []
    topics = {
        topic.slug: topic
        for topic in db.session.scalars(
            select(Topic)
            .where(Topic.slug.in_(slugs))
            .options(with_expression(Topic.pillar_slug, pillar_slug_expression()))
            .execution_options(populate_existing=True)
        )
    }
    return [
        ArticleTopic(
            topic_id=topics[slug].id,
            topic=topics[slug],
            position=position,
            is_primary=slug == content["primary_topic"],
        )
        for position, slug in enumerate(slugs)
        if slug in topics
    ]


def working_copy(article: Article, link_mode: str | None = None) -> dict[str, Any]:
    """What staff read instead of the row's fields: the pending revision, rendered as a read
    would render it (internal links resolved as the public sees them), and where it stands."""
    pending = pending_state(article)
    view: dict[str, Any] = {
        "pending_revision": None
        if pending is None
        else {"number": article.current_revision, "state": pending}
    }
    if pending is None:
        return view
    content = working_content(article)
    derived, link_slugs = derived_from_markdown(
        content["body_markdown"], content["references"], content["media_text"]
    )
    if has_markers(derived["body_html"]):
        targets = {**public_targets_by_slug(link_slugs), **public_targets(article)}
        href = link_hrefs(link_mode)
        derived["body_html"] = resolve_markers(derived["body_html"], targets, href)
        derived["sections"] = [
            {**section, "html": resolve_markers(section["html"], targets, href)}
            if has_markers(section["html"])
            else section
            for section in derived["sections"]
        ]
    links = _topic_links(content)
    return {
        **view,
        **{name: content[name] for name in CONTENT_FIELDS if name not in ("author", "topics")},
        **derived,
        "reading_level": reading_level(derived["reading_grade"]),
        "author": author_by_slug(content["author"]),
        "topic_links": links,
        "feature_image": media.items_by_id(
            [content["feature_image_id"]] if content["feature_image_id"] is not None else []
        ).get(content["feature_image_id"]),
        "topics": [link.topic for link in links],
        "primary_topic": next((link.topic for link in links if link.is_primary), None),
    }


@dataclass(frozen=True)
class WorkingCopy:
    """An article read through its working copy: the pending revision's fields over the row's
    (read-only: nothing set here can be flushed)."""

    article: Article
    fields: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        fields = self.__dict__.get("fields") or {}
        return fields[name] if name in fields else getattr(self.article, name)


def as_it_would_publish(article: Article, link_mode: str | None = None) -> Article | WorkingCopy:
    """The article as publishing it now would show it: the row, or its pending revision."""
    working = working_copy(article, link_mode)
    return article if working["pending_revision"] is None else WorkingCopy(article, working)

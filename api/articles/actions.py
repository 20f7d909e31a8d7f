"""Staff writes to articles. Each action checks permission, writes, records the revision and
the audit entry, all in the request's one transaction: it happens whole or not at all."""

from __future__ import annotations

from typing import Any

from api.articles import live, staff
from api.articles.media import media_text_for
from api.articles.models import Article, ArticleSlugRedirect, ArticleStatus
from api.articles.permissions import Do, authorize, authorize_delete, authorize_edit
from api.articles.services import save_article
from api.articles.slugs import unique_slug
from api.articles.workflow import METADATA_FIELDS
from api.audit.services import changes_between, record
from api.core import clock
from api.core.errors import Problem
from api.core.writes import delete_versioned, flush_versioned, versioned_writes
from api.extensions import db
from api.revisions.services import CONTENT_FIELDS, add_revision, content_of, revision_or_404
from api.users.models import User


def state_of(article: Article) -> dict[str, Any]:
    """Every field staff can write, as a comparable dict."""
    return {
        **content_of(article),
        **{name: getattr(article, name) for name in METADATA_FIELDS},
    }


def _slug_is_free(slug: str, article: Article | None) -> None:
    owner = staff.redirect_owner(slug)
    if owner is not None and (article is None or owner != article.id):
        raise Problem(
            409,
            f"'{slug}' is an old slug of another article and still redirects to it.",
            errors={"slug": ["Already in use as a redirect."]},
        )


def _move_slug(article: Article, old_slug: str) -> None:
    """Keep the old slug as a redirect; reclaiming one of the article's own old slugs is fine."""
    reclaimed = db.session.get(ArticleSlugRedirect, article.slug)
    if reclaimed is not None:
        db.session.delete(reclaimed)
    db.session.add(
        ArticleSlugRedirect(old_slug=old_slug, article_id=article.id, created_at=clock.now())
    )


def create_article(user: User, data: dict[str, Any]) -> Article:
    """A new draft by `user`, revision 1."""
    authorize(user, Do.CREATE)
    fields = dict(data)
    comment = fields.pop("comment", "") or "Created."
    if not fields.get("slug"):
        fields["slug"] = unique_slug(fields["title"])
    _slug_is_free(fields["slug"], None)
    # Inserted as revision 1 (version 1): numbering the revision afterwards would be a
    # second UPDATE, and a new article's first ETag would say v2.
    article = save_article(
        None,
        {**fields, "status": ArticleStatus.DRAFT, "created_by_id": user.id, "current_revision": 1},
    )
    article = staff.reload(article)
    add_revision(article, content_of(article), user, comment, number=1)
    db.session.flush()
    summary = {k: v for k, v in state_of(article).items() if k != "body_markdown"}
    record(user, "article.create", "article", article.id, label=article.slug, changes=summary)
    return article


def update_article(
    user: User, article: Article, data: dict[str, Any], *, action: str = "article.update"
) -> Article:
    """Change fields of an article; a content change makes a new revision (of a published
    or archived article: a pending one, see `api.articles.live`)."""
    authorize_edit(user, article)
    fields = dict(data)
    comment = fields.pop("comment", "")
    if live.is_live(article):
        return _update_live_article(user, article, fields, comment, action)
    before = state_of(article)
    if "primary_topic" in fields and "topics" not in fields:
        fields["topics"] = before["topics"]
    old_slug = article.slug
    if "slug" in fields and fields["slug"] != old_slug:
        _slug_is_free(fields["slug"], article)
    # A content change numbers its revision in the same UPDATE as the content (and imported
    # content with no revision yet gets a baseline before it): one change, one version.
    if any(name in fields for name in CONTENT_FIELDS):  # records the library's text now
        fields["media_text"] = media_text_for(
            fields.get("feature_image_id", before["feature_image_id"]),
            fields.get("body_markdown", before["body_markdown"]),
        )
    numbered = _changes_content(before, fields)
    revision_before = article.current_revision
    baseline = revision_before == 0
    if numbered:
        fields["current_revision"] = article.current_revision + (2 if baseline else 1)
    with versioned_writes("article"):
        save_article(article, fields)
        if article.slug != old_slug:
            _move_slug(article, old_slug)
    article = staff.reload(article)
    after = state_of(article)
    changes = changes_between(before, after)
    if set(changes) & set(CONTENT_FIELDS):
        number = article.current_revision if numbered else None
        if baseline:  # imported content: keep what it was, too
            add_revision(
                article,
                {k: before[k] for k in CONTENT_FIELDS},
                None,
                live.BASELINE_COMMENT,
                number=number - 1 if number is not None else None,
            )
        revision = add_revision(article, content_of(article), user, comment, number=number)
        flush_versioned("article")
        changes["revision"] = revision.number
    elif numbered:  # not a change after all: no revision may go missing
        article.current_revision = revision_before
        flush_versioned("article")
    if changes:
        record(user, action, "article", article.id, label=article.slug, changes=changes)
    return article


def _update_live_article(
    user: User, article: Article, fields: dict[str, Any], comment: str, action: str
) -> Article:
    """The metadata applies at once; changed content becomes the pending revision."""
    working = live.working_content(article)
    metadata_before = {name: getattr(article, name) for name in METADATA_FIELDS}
    content = live.patched_content(working, fields)
    metadata = {name: fields[name] for name in METADATA_FIELDS if name in fields}
    old_slug = article.slug
    if "slug" in metadata and metadata["slug"] != old_slug:
        _slug_is_free(metadata["slug"], article)
    changes = changes_between({**working, **metadata_before}, {**content, **metadata})
    with versioned_writes("article"):
        if set(changes) & set(METADATA_FIELDS):
            save_article(article, metadata)
            if article.slug != old_slug:
                _move_slug(article, old_slug)
        if set(changes) & set(CONTENT_FIELDS):
            revision = live.store_pending(user, article, content, comment)
            changes["revision"] = revision.number
            changes["pending"] = True  # the public keeps live_revision until it is published
        db.session.flush()
    if changes:
        record(user, action, "article", article.id, label=article.slug, changes=changes)
    return staff.reload(article)


def _changes_content(before: dict[str, Any], fields: dict[str, Any]) -> bool:
    """Whether saving `fields` will change the content, read as `save_article` stores it
    (topics deduplicated, the primary one defaulting to the first)."""
    wanted = {name: fields[name] for name in CONTENT_FIELDS if name in fields}
    if "topics" in wanted:
        topics = list(dict.fromkeys(wanted["topics"]))
        wanted["topics"] = topics
        wanted["primary_topic"] = fields.get("primary_topic") or (topics[0] if topics else None)
    return any(before[name] != value for name, value in wanted.items())


def restore_revision(user: User, article: Article, number: int, comment: str = "") -> Article:
    """Make the content of revision `number` current again, as a new revision."""
    revision = revision_or_404(article, number)
    data = {**revision.content, "comment": comment or f"Restored revision {number}."}
    return update_article(user, article, data, action="article.restore")


def delete_article(user: User, article: Article) -> None:
    """Delete an article with its revisions and old slugs; the audit log keeps the record."""
    authorize_delete(user, article)
    summary = {"title": article.title, "status": article.status.value}
    article_id, slug = article.id, article.slug
    delete_versioned("article", article)
    record(user, "article.delete", "article", article_id, label=slug, changes=summary)

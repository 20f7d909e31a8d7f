"""Importing an article file: it becomes a draft, or a new revision; never public by itself.

Publishing belongs to the workflow (submit, a reviewer's approval, publish). A file that asks
for `status: published` is refused with a message saying so; `submit=True` (the audited
`--submit` option) sends a changed draft (or pending revision) for review. The content of a
published or archived article is never changed in place: a changed file becomes its pending
revision (`api.articles.live`), which the public sees only once approved and published. A
file identical to what is stored (the newest revision) writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import exists, select

from api.articles import live, staff
from api.articles.models import Article, ArticleStatus
from api.articles.services import save_article
from api.audit.services import changes_between, record
from api.authors.models import Author
from api.extensions import db
from api.importer.frontmatter import FrontMatterError, parse_article
from api.media.models import MediaItem
from api.revisions.services import CONTENT_FIELDS, add_revision, content_of
from api.topics.models import Topic

_DRAFT = ArticleStatus.DRAFT


@dataclass(frozen=True)
class Imported:
    """What one file did: `created`, `revised`, `unchanged`; and whether it was submitted."""

    article: Article
    outcome: str
    submitted: bool = False


def read_article_file(path: Path) -> tuple[dict[str, Any], ArticleStatus]:
    """The file's article fields, and the status its front matter asks for.

    Every problem of the file at once, in one error: the front matter's own (a bad slug, a
    missing title) and what it refers to (an unknown author, each unknown topic, a slug
    that another article's old URL still holds), so one run shows the whole fix."""
    try:
        fields = parse_article(path.read_text(encoding="utf-8"))
        problems = []
    except FrontMatterError as error:
        if error.fields is None:  # not even a front matter to check further
            raise
        fields, problems = error.fields, [str(error)]
    requested = fields.pop("status", ArticleStatus.DRAFT)
    problems += reference_problems(fields, requested)
    if problems:
        raise FrontMatterError("; ".join(problems))
    return fields, requested


def reference_problems(fields: dict[str, Any], requested: ArticleStatus) -> list[str]:
    """What the (valid) fields ask for that cannot be: each a "field: reason" (two queries)."""
    problems = []
    if requested is not ArticleStatus.DRAFT:
        problems.append(
            f"status: {requested.value} is not imported: an import makes a draft and "
            "publishing goes through review (remove the status line, or use --submit to "
            "send the draft for review)"
        )
    slug, author = fields.get("slug"), fields.get("author")
    topics = list(dict.fromkeys(fields.get("topics") or []))
    if (
        slug is not None
        and not _exists(Article.slug == slug)
        and staff.redirect_owner(slug) is not None
    ):
        problems.append(f"slug: '{slug}' is an old slug of another article and redirects to it")
    if author is not None and not _exists(Author.slug == author):
        problems.append(f"author: unknown author '{author}'")
    known = set(db.session.scalars(select(Topic.slug).where(Topic.slug.in_(topics))))
    problems += [f"topics: unknown topic '{topic}'" for topic in topics if topic not in known]
    if "feature_image" in fields:
        problems.append(
            "feature_image: names a demo image of seed/ only; import with feature_image_id "
            "(the id of an item of the media library)"
        )
    media_id = fields.get("feature_image_id")
    if media_id is not None and not _exists(MediaItem.id == media_id):
        problems.append(f"feature_image_id: no media item has the id {media_id}")
    primary = fields.get("primary_topic")
    if primary is not None and "topics" in fields and primary not in topics:
        problems.append(f"primary_topic: '{primary}' is not among the topics")
    return problems


def _exists(condition: Any) -> bool:
    return bool(db.session.scalar(select(exists().where(condition))))


def import_article_file(path: Path, *, submit: bool = False) -> Imported:
    """Import one file as a draft (see the module docstring). Raises on any problem."""
    fields, _draft = read_article_file(path)
    imported = import_fields(fields, source=path.name)
    article = imported.article
    pending_draft = article.pending_status == live.PENDING_DRAFT
    if submit and imported.outcome != "unchanged" and (article.status is _DRAFT or pending_draft):
        _submit(article, path.name)
        return Imported(article, imported.outcome, submitted=True)
    return imported


def _stored(article: Article, names: list[str]) -> dict[str, Any]:
    content = live.working_content(article)
    return {name: content[name] if name in content else getattr(article, name) for name in names}


def _wanted(fields: dict[str, Any]) -> dict[str, Any]:
    """The file's fields as stored: primary topic defaults to the first; no date means keep."""
    wanted = {name: value for name, value in fields.items() if value is not None}
    if "primary_topic" not in wanted:
        wanted["primary_topic"] = wanted["topics"][0] if wanted.get("topics") else None
    return wanted


def import_fields(fields: dict[str, Any], *, source: str) -> Imported:
    """Create the draft of `fields`, or store them as the next revision of an unpublished one."""
    existing = staff.staff_article(fields["slug"], lock=True)
    if existing is None:
        return Imported(_create(fields, source), "created")
    wanted = _wanted(fields)
    before = _stored(existing, list(wanted))
    changes = changes_between(before, wanted)
    if not changes:
        return Imported(existing, "unchanged")
    if live.is_live(existing):
        return Imported(_revise_live(existing, wanted, changes, source), "revised")
    return Imported(_revise(existing, wanted, changes, source), "revised")


def _revise_live(
    article: Article, wanted: dict[str, Any], changes: dict[str, Any], source: str
) -> Article:
    """A changed file of a published or archived article: its next, pending revision."""
    metadata = sorted(set(changes).difference(CONTENT_FIELDS))
    if metadata:
        raise FrontMatterError(
            f"'{article.slug}' is {article.status.value}: an import never changes it in place "
            f"({', '.join(metadata)} differ); change editorial metadata through the API"
        )
    content = live.patched_content(live.working_content(article), wanted)
    revision = live.store_pending(None, article, content, f"Imported from {source}.")
    changes.pop("body_markdown", None)  # the revision keeps it whole
    record(
        None, "article.import", "article", article.id, label=article.slug,
        changes={**changes, "source": source, "revision": revision.number, "pending": True},
    )  # fmt: skip
    return article


def _create(fields: dict[str, Any], source: str) -> Article:
    # Inserted as revision 1: one write, version 1 (as through the API).
    article = staff.reload(save_article(None, {**fields, "status": _DRAFT, "current_revision": 1}))
    add_revision(article, content_of(article), None, f"Imported from {source}.", number=1)
    summary = {k: v for k, v in content_of(article).items() if k != "body_markdown"}
    record(
        None, "article.import", "article", article.id, label=article.slug,
        changes={**summary, "source": source, "revision": article.current_revision},
    )  # fmt: skip
    return article


def _revise(
    article: Article, wanted: dict[str, Any], changes: dict[str, Any], source: str
) -> Article:
    baseline = content_of(article)
    save_article(article, wanted)
    article = staff.reload(article)
    if set(changes) & set(CONTENT_FIELDS):
        if article.current_revision == 0:  # content that predates tracking: keep it too
            add_revision(article, baseline, None, live.BASELINE_COMMENT)
        changes["revision"] = add_revision(
            article, content_of(article), None, f"Imported from {source}."
        ).number
    changes.pop("body_markdown", None)  # the revision keeps it whole
    record(
        None, "article.import", "article", article.id, label=article.slug,
        changes={**changes, "source": source},
    )  # fmt: skip
    return article


def _submit(article: Article, source: str) -> None:
    """`--submit`: the draft (or pending revision) goes to review, audited as the command
    line's doing."""
    via = f"import-articles --submit {source}"
    if article.has_pending_revision:
        article.pending_status = live.PENDING_IN_REVIEW
        status = article.status.value
        changes: dict[str, Any] = {
            "from": status, "to": status, "via": via,
            "pending_revision": {
                "number": article.current_revision, "from": "draft", "to": "in_review"
            },
        }  # fmt: skip
    else:
        article.status = ArticleStatus.IN_REVIEW
        changes = {"from": "draft", "to": "in_review", "via": via}
    record(None, "article.submit", "article", article.id, label=article.slug, changes=changes)

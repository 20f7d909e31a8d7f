"""Link edges between articles: stored on write, resolved on read, reported to staff."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import current_app
from sqlalchemy import Select, exists, inspect, or_, select, update
from sqlalchemy.orm import aliased, contains_eager, load_only
from sqlalchemy.orm.attributes import set_committed_value

from api.articles.loading import SUMMARY_OPTIONS
from api.articles.models import Article
from api.articles.sections import resolve_sections
from api.articles.visibility import public_articles, public_filter
from api.core.errors import Problem
from api.core.markdown import html_to_text
from api.core.resource_urls import link_href
from api.extensions import db
from api.links.models import ArticleLink
from api.links.rendering import LinkHref, Target, has_article_markers, has_markers, resolve_markers


def store_links(article: Article, slugs: Iterable[str]) -> None:
    """Make the article's link edges exactly `slugs`, resolving each to an article id.

    An edge that already names an article keeps it: after a rename the written slug is
    stale, but the link still follows the article.
    """
    wanted = list(dict.fromkeys(slugs))
    existing = {
        link.target_slug: link
        for link in db.session.scalars(
            select(ArticleLink).where(ArticleLink.source_id == article.id)
        )
    }
    for slug, link in existing.items():
        if slug not in wanted:
            db.session.delete(link)
    unresolved = [
        slug for slug in wanted if slug not in existing or existing[slug].target_id is None
    ]
    ids: dict[str, int] = {}
    if unresolved:
        rows = db.session.execute(
            select(Article.slug, Article.id).where(Article.slug.in_(unresolved))
        )
        ids = {slug: article_id for slug, article_id in rows}
    for slug in unresolved:
        link = existing.get(slug) or ArticleLink(source_id=article.id, target_slug=slug)
        if link.target_id != ids.get(slug):
            link.target_id = ids.get(slug)
        db.session.add(link)
    db.session.flush()


def claim_dangling_links(article: Article) -> None:
    """Links written to this article's slug before it existed (or had it) now lead to it."""
    db.session.execute(
        update(ArticleLink)
        .where(ArticleLink.target_id.is_(None), ArticleLink.target_slug == article.slug)
        .values(target_id=article.id)
        .execution_options(synchronize_session=False)
    )


def public_targets(article: Article) -> dict[str, Target]:
    """The article's link targets that are public now, by slug as written (one query)."""
    rows = db.session.execute(
        select(ArticleLink.target_slug, Article.slug, Article.title)
        .join(Article, Article.id == ArticleLink.target_id)
        .where(ArticleLink.source_id == article.id, public_filter())
    )
    return {written: Target(slug=slug, title=title) for written, slug, title in rows}


def link_hrefs(mode: str | None = None) -> LinkHref:
    """The href of internal links in `mode` (absolute, relative, api); LINK_MODE by default."""
    chosen = mode or current_app.config["LINK_MODE"]
    return lambda kind, slug: link_href(kind, slug, chosen)


def public_targets_by_slug(slugs: Iterable[str]) -> dict[str, Target]:
    """The public articles of these slugs, for a body whose link edges are not stored yet
    (a pending revision's preview); one query, none without a slug."""
    wanted = list(dict.fromkeys(slugs))
    if not wanted:
        return {}
    rows = db.session.execute(
        select(Article.slug, Article.title).where(Article.slug.in_(wanted), public_filter())
    )
    return {slug: Target(slug=slug, title=title) for slug, title in rows}


def reader_text(markup: str, slugs: Iterable[str]) -> str:
    """The visible text of a body as the public reads it now: link text, never a slug.

    A link written `[[slug]]` shows its public target's title, or the slug made readable
    ("Sore back") when the target is not public; the search index holds this text.
    """
    with db.session.no_autoflush:  # called while an article is being built
        targets = public_targets_by_slug(slugs)
    # Only the text is kept: any href will do.
    resolved = resolve_markers(markup, targets, lambda kind, slug: f"/{kind}s/{slug}")
    return html_to_text(resolved)


def resolve_public_body(article: Article, link_mode: str | None = None) -> None:
    """Give the loaded article the body_html the public sees, without marking it changed.

    Visibility can change by time alone (scheduled publishing), so this runs on every read:
    one query over the article's own link edges, none when the body has no article link.
    """
    if not has_markers(article.body_html):
        return
    targets = public_targets(article) if has_article_markers(article.body_html) else {}
    markup = resolve_markers(article.body_html, targets, link_hrefs(link_mode))
    set_committed_value(article, "body_html", markup)
    if "sections" not in inspect(article).unloaded:
        resolve_sections(article, targets, link_hrefs(link_mode))


def public_article_id_or_404(slug: str) -> int:
    """The id of the public article with this slug; anything else is a 404."""
    article_id = db.session.scalar(
        public_articles().with_only_columns(Article.id).where(Article.slug == slug)
    )
    if article_id is None:
        raise Problem(404, f"No published article has the slug '{slug}'.")
    return article_id


def backlinks_query(target_id: int) -> Select[tuple[Article]]:
    """Public articles linking to the target, newest first (the target itself excluded)."""
    links_here = exists().where(
        ArticleLink.source_id == Article.id, ArticleLink.target_id == target_id
    )
    return (
        public_articles()
        .where(links_here, Article.id != target_id)
        .options(*SUMMARY_OPTIONS)
        .order_by(Article.published_at.desc(), Article.id.desc())
    )


def link_report_query() -> Select[tuple[ArticleLink]]:
    """Links whose target is missing or not public, with source and target loaded."""
    source = aliased(Article)
    target = aliased(Article)
    columns = (Article.slug, Article.title, Article.status, Article.published_at)
    public_ids = select(Article.id).where(public_filter())
    return (
        select(ArticleLink)
        .join(ArticleLink.source.of_type(source))
        .outerjoin(ArticleLink.target.of_type(target))
        .where(or_(ArticleLink.target_id.is_(None), ArticleLink.target_id.not_in(public_ids)))
        .options(
            contains_eager(ArticleLink.source.of_type(source)).options(
                load_only(*_aliased(source, columns))
            ),
            contains_eager(ArticleLink.target.of_type(target)).options(
                load_only(*_aliased(target, columns))
            ),
        )
        .order_by(source.slug, ArticleLink.target_slug)
    )


def _aliased(alias: Any, columns: tuple[Any, ...]) -> list[Any]:
    return [getattr(alias, column.key) for column in columns]

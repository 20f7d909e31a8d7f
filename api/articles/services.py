"""Rules for articles: public queries, and saving with everything derived from the body."""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any

from sqlalchemy import Select, exists, func, literal, select, union_all
from sqlalchemy.orm import joinedload, selectinload

from api.articles import media
from api.articles.derivation import derive_from_body, store_derived_edges
from api.articles.loading import SUMMARY_OPTIONS
from api.articles.models import Article, ArticleTopic
from api.articles.visibility import public_articles, public_filter
from api.authors.models import Author
from api.authors.services import author_by_slug
from api.core.errors import Problem
from api.extensions import db
from api.links import services as links
from api.topics.models import Topic
from api.topics.services import descendant_ids, pillar_slug_expression

SORTS = {
    "-published_at": (Article.published_at.desc(), Article.id.desc()),
    "published_at": (Article.published_at.asc(), Article.id.asc()),
    "title": (Article.title.asc(), Article.id.asc()),
    "-updated_at": (Article.updated_at.desc(), Article.id.desc()),
}

# One whole article: its JSON-LD also needs the author's and topics' other fields.
DETAIL_OPTIONS = (
    joinedload(Article.author, innerjoin=True),
    joinedload(Article.reviewed_by),
    selectinload(Article.feature_image),
    # The topics' public pillars (JSON-LD isPartOf), in the same query as the topics.
    selectinload(Article.topic_links)
    .joinedload(ArticleTopic.topic, innerjoin=True)
    .with_expression(Topic.pillar_slug, pillar_slug_expression()),
)


def in_topic_tree(topic_slug: str) -> Any:
    """Articles filed under the topic or any of its descendants."""
    topic_ids = descendant_ids(select(Topic.id).where(Topic.slug == topic_slug))
    return exists().where(
        ArticleTopic.article_id == Article.id, ArticleTopic.topic_id.in_(topic_ids)
    )


def in_topic_trees(topic_slugs: list[str], match: str = "any") -> Any:
    """Articles under any (or all) of the topics, each topic including its descendants."""
    slugs = list(dict.fromkeys(topic_slugs))
    if len(slugs) == 1:
        return in_topic_tree(slugs[0])
    if match == "any":
        topic_ids = descendant_ids(select(Topic.id).where(Topic.slug.in_(slugs)))
        return exists().where(
            ArticleTopic.article_id == Article.id, ArticleTopic.topic_id.in_(topic_ids)
        )
    # Each topic's tree, labelled by its root: an article qualifies when it is filed in all.
    roots = select(Topic.id.label("root"), Topic.id.label("id")).where(Topic.slug.in_(slugs))
    trees = roots.cte("topic_trees", recursive=True)
    trees = trees.union_all(select(trees.c.root, Topic.id).where(Topic.parent_id == trees.c.id))
    filed_in_all = (
        select(ArticleTopic.article_id)
        .join(trees, ArticleTopic.topic_id == trees.c.id)
        .group_by(ArticleTopic.article_id)
        .having(func.count(trees.c.root.distinct()) == len(slugs))
    )
    return Article.id.in_(filed_in_all)


def _known_values(kind: str, values: list[str], *, public: bool) -> Select[Any]:
    """(kind, value) for each of `values` that names a topic, author or language in use."""
    if kind == "topic":
        return select(literal(kind), Topic.slug).where(Topic.slug.in_(values))
    if kind == "author":
        return select(literal(kind), Author.slug).where(Author.slug.in_(values))
    articles = select(Article.language).where(Article.language.in_(values))
    if public:
        articles = articles.where(public_filter())
    return select(literal(kind), articles.distinct().subquery().c.language)


def _candidates(kind: str, *, public: bool) -> list[str]:
    """Every known value of `kind`, for a did-you-mean (only on the error path)."""
    if kind == "topic":
        return list(db.session.scalars(select(Topic.slug)))
    if kind == "author":
        return list(db.session.scalars(select(Author.slug)))
    query = select(Article.language).distinct()
    return list(db.session.scalars(query.where(public_filter()) if public else query))


def check_filter_values(
    *,
    public: bool,
    topic: list[str] | str | None = None,
    author: str | None = None,
    language: str | None = None,
    **_other: Any,
) -> None:
    """A 422 naming each `topic`, `author` or `language` filter value that names nothing, with
    a did-you-mean when a known one is close: a typo must not look like an empty library.

    Topics and authors are public resources; a language counts when an article the caller
    may see is written in it (public lists: public articles only, so nothing leaks). One query
    when every value is known.
    """
    given = {
        "topic": [topic] if isinstance(topic, str) else list(topic or []),
        "author": [author] if author is not None else [],
        "language": [language] if language is not None else [],
    }
    given = {kind: values for kind, values in given.items() if values}
    if not given:
        return
    found = db.session.execute(
        union_all(*(_known_values(kind, values, public=public) for kind, values in given.items()))
    ).all()
    known = {(kind, value) for kind, value in found}
    errors: dict[str, list[str]] = {}
    for kind, values in given.items():
        unknown = [value for value in dict.fromkeys(values) if (kind, value) not in known]
        if unknown:
            candidates = _candidates(kind, public=public)
            errors[kind] = [_unknown_message(kind, value, candidates) for value in unknown]
    if errors:
        detail = " ".join(message for messages in errors.values() for message in messages)
        raise Problem(422, detail, errors=errors)


def _unknown_message(kind: str, value: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(value, candidates, n=1, cutoff=0.75)
    suggestion = f"; did you mean '{close[0]}'?" if close else "."
    return f"unknown {kind} '{value}'{suggestion}"


def public_summaries(**filters: Any) -> Select[tuple[Article]]:
    """Public article summaries, filtered (see `filtered_summaries`) and sorted; paged by the
    caller."""
    return filtered_summaries(public_articles(), **filters)


def filtered_summaries(
    query: Select[tuple[Article]],
    *,
    topic: list[str] | str | None = None,
    topic_match: str = "any",
    author: str | None = None,
    language: str | None = None,
    audience: str | None = None,
    sort: str = "-published_at",
    updated_since: dt.datetime | None = None,
    published_after: dt.datetime | None = None,
    published_before: dt.datetime | None = None,
) -> Select[tuple[Article]]:
    """Summaries of the articles of `query` (public or staff), filtered and sorted."""
    query = query.options(*SUMMARY_OPTIONS).order_by(*SORTS[sort])
    if topic:
        query = query.where(
            in_topic_trees([topic] if isinstance(topic, str) else topic, topic_match)
        )
    if updated_since is not None:
        query = query.where(Article.updated_at >= updated_since)
    if published_after is not None:
        query = query.where(Article.published_at >= published_after)
    if published_before is not None:
        query = query.where(Article.published_at < published_before)
    if author is not None:
        query = query.where(Article.author.has(Author.slug == author))
    if language is not None:
        query = query.where(Article.language == language)
    if audience is not None:
        query = query.where(Article.audience == audience)
    return query


def public_article(slug: str, link_mode: str | None = None) -> Article | None:
    """The public article with this slug, if any (a draft is as absent as an unknown slug),
    its internal links resolved as the public sees them (hrefs by `link_mode`)."""
    article = db.session.scalar(
        public_articles().where(Article.slug == slug).options(*DETAIL_OPTIONS)
    )
    if article is not None:
        links.resolve_public_body(article, link_mode)
    return article


def public_article_or_404(slug: str) -> Article:
    """The public article with this slug; a draft, a future or an unknown one alike is a 404."""
    article = public_article(slug)
    if article is None:
        raise Problem(404, f"No published article has the slug '{slug}'.")
    return article


def article_for_update(slug: str) -> Article | None:
    """Any article by slug, whatever its status, with what `save_article` needs loaded."""
    return db.session.scalar(
        select(Article)
        .where(Article.slug == slug)
        .options(selectinload(Article.topic_links))
        .execution_options(populate_existing=True)
    )


def _topics_by_slug(slugs: list[str]) -> list[Topic]:
    found = {t.slug: t for t in db.session.scalars(select(Topic).where(Topic.slug.in_(slugs)))}
    unknown = [slug for slug in slugs if slug not in found]
    if unknown:
        raise Problem(
            422,
            f"Unknown topic: {', '.join(unknown)}.",
            errors={"topics": [f"Unknown topic '{slug}'." for slug in unknown]},
        )
    return [found[slug] for slug in slugs]


def checked_topics(slugs: list[str], primary: str | None = None) -> tuple[list[Topic], str | None]:
    """The topics of these slugs in order (422 for an unknown one), and the primary slug
    (default: the first; 422 unless it is one of them)."""
    slugs = list(dict.fromkeys(slugs))
    primary = primary or (slugs[0] if slugs else None)
    if primary is not None and primary not in slugs:
        raise Problem(
            422,
            "The primary topic must be one of the topics.",
            errors={"primary_topic": ["Not among topics."]},
        )
    return _topics_by_slug(slugs), primary


def set_topics(article: Article, slugs: list[str], primary: str | None = None) -> None:
    """File the article under these topics in order; `primary` (default: the first) is marked."""
    topics, primary = checked_topics(slugs, primary)
    existing = {link.topic_id: link for link in article.topic_links}
    wanted = []
    for position, topic in enumerate(topics):
        link = existing.get(topic.id) or ArticleTopic(topic_id=topic.id)
        if link.position != position:
            link.position = position
        if link.is_primary != (topic.slug == primary):
            link.is_primary = topic.slug == primary
        wanted.append(link)
    if [link.topic_id for link in wanted] != [link.topic_id for link in article.topic_links]:
        article.topic_links = wanted


# What decides which media an article shows, and the text recorded for them.
MEDIA_INPUTS = frozenset({"body_markdown", "feature_image_id", "feature_image_alt", "media_text"})


def content_media(article: Article) -> dict[str, Any]:
    return {"feature_image_id": article.feature_image_id, "body_markdown": article.body_markdown}


def save_article(article: Article | None, data: dict[str, Any]) -> Article:
    """Create or update an article; `author` and `topics` are slugs."""
    article = article or Article(topic_links=[])
    slug_before = article.slug if article.id is not None else None
    fields = dict(data)
    if "author" in fields:
        author = author_by_slug(fields.pop("author"))
        if article.author_id != author.id:
            article.author_id = author.id
    primary = fields.pop("primary_topic", None)
    if "topics" in fields:
        set_topics(article, fields.pop("topics"), primary)
    text_before = article.media_text
    for name, value in fields.items():
        if getattr(article, name) != value:
            setattr(article, name, value)
    shows_media = article.id is None or not MEDIA_INPUTS.isdisjoint(data)
    if shows_media and "media_text" not in data:  # callers without the snapshot (importer)
        article.media_text = media.media_text_for(article.feature_image_id, article.body_markdown)
    rendered = None
    rerender = "body_markdown" in data or "references" in data or article.id is None
    if rerender or article.media_text != text_before:
        rendered = derive_from_body(article)
    db.session.add(article)
    db.session.flush()
    if shows_media:
        media.store_uses(article.id, content_media(article), pending=False)
    if rendered is not None:
        store_derived_edges(article, rendered)
    if article.slug != slug_before:
        links.claim_dangling_links(article)
    return article

"""Search and type-ahead: articles by relevance, with the topics and authors the query names."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, exists, func, or_, select
from sqlalchemy.orm import load_only

from api.articles.models import Article
from api.articles.services import SUMMARY_OPTIONS, in_topic_tree
from api.articles.visibility import public_filter
from api.authors.models import Author
from api.core.markdown import sanitize_html
from api.extensions import db
from api.search import synonyms
from api.search.codes import topics_for_code
from api.search.query import SearchQuery, parse
from api.search.stores import MARK_END, MARK_START, store_for
from api.topics.models import Topic

MAX_TOPICS = 10
MAX_AUTHORS = 10
# Topics that could match a query are few; the lexicon read per search is capped regardless.
MAX_LEXICON = 200
AUTHOR_WORD_MIN_LENGTH = 3
TOPIC_WORD_MIN_LENGTH = 2


@dataclass
class SearchResults:
    query: str
    articles: list[Article] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    authors: list[Author] = field(default_factory=list)
    total: int = 0


def search(
    q: str, *, page: int, page_size: int, topic: str | None = None, language: str | None = None
) -> SearchResults:
    """Public articles matching `q` (best first, one page), and the topics and authors it names."""
    parsed = parse(q)
    lexicon = _topics_named_by(parsed)
    expanded, named = synonyms.expand(parsed, lexicon)
    # Topics holding the code the query is come first, then those it names exactly, then
    # those it names the start of.
    topics = list(dict.fromkeys([*topics_for_code(q), *named, *lexicon]))[:MAX_TOPICS]
    results = SearchResults(query=q, topics=topics, authors=_authors_named_by(parsed))
    if expanded.is_empty:
        return results
    store = store_for(db.session.get_bind().dialect.name, expanded)
    matching = store.matching()
    if topic is not None:
        matching = matching.where(in_topic_tree(topic))
    if language is not None:
        matching = matching.where(Article.language == language)
    results.articles, results.total = _page_of_hits(store, matching, page, page_size)
    if not results.articles and page > 1:
        # Past the last page: the page query cannot say how many there are; count them.
        results.total = db.session.scalar(matching.with_only_columns(func.count())) or 0
    return results


def _page_of_hits(store: Any, matching: Any, page: int, page_size: int) -> tuple[list[Any], int]:
    """One page of hits with snippets, and the number of all hits (one pass over matches)."""
    # Nested, because SQLite refuses bm25() next to a window function in one SELECT.
    hit = matching.subquery("hit")
    ranked = select(hit.c.id, hit.c.score, func.count().over().label("total")).order_by(
        hit.c.score.desc(), hit.c.published_at.desc(), hit.c.id.desc()
    )
    page_cte = ranked.offset((page - 1) * page_size).limit(page_size).cte("page")
    rows = db.session.execute(
        store.with_snippets(page_cte)
        .add_columns(page_cte.c.total)
        .options(*SUMMARY_OPTIONS)
        .order_by(page_cte.c.score.desc(), Article.published_at.desc(), Article.id.desc())
    ).all()
    hits = []
    for article, score_value, raw_snippet, _total in rows:
        article.score = float(score_value)
        article.snippet = render_snippet(raw_snippet or "")
        hits.append(article)
    total = rows[0].total if rows else 0
    return hits, total


def render_snippet(raw: str) -> str:
    """Escape the text, wrap the marked matches in <mark>, and sanitize the result."""
    escaped = html.escape(raw, quote=False)
    marked = escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return sanitize_html(marked, extra_tags=frozenset({"mark"}))


def _starts_with_any(column: Any, words: list[str]) -> ColumnElement[bool]:
    # Words are letters and digits only: no LIKE wildcard can come from the user.
    return or_(*(func.lower(column).like(f"{word}%") for word in words))


def _synonyms_of(words: list[str]) -> ColumnElement[bool]:
    """Topics with a synonym that starts with one of `words` (JSON list, per store)."""
    if db.session.get_bind().dialect.name == "postgresql":
        values = func.jsonb_array_elements_text(Topic.synonyms).table_valued("value")
    else:
        values = func.json_each(Topic.synonyms).table_valued("value")
    return exists().select_from(values).where(_starts_with_any(values.c.value, words))


def _topics_named_by(query: SearchQuery) -> list[Topic]:
    """Topics whose name or a synonym starts with a query word: the candidates to expand with."""
    words = [word for word in query.words if len(word) >= TOPIC_WORD_MIN_LENGTH]
    if not words:
        return []
    condition = or_(_starts_with_any(Topic.name, words), _synonyms_of(words))
    lexicon = (
        select(Topic)
        .options(load_only(Topic.slug, Topic.name, Topic.synonyms))
        .where(condition)
        .order_by(Topic.name, Topic.id)
        .limit(MAX_LEXICON)
    )
    return list(db.session.scalars(lexicon))


def _authors_named_by(query: SearchQuery) -> list[Author]:
    words = [word for word in query.words if len(word) >= AUTHOR_WORD_MIN_LENGTH]
    if not words:
        return []
    condition = or_(*(func.lower(Author.name).contains(word) for word in words))
    return list(
        db.session.scalars(
            select(Author).where(condition).order_by(Author.name, Author.id).limit(MAX_AUTHORS)
        )
    )


def _starting_with(column: Any, prefix: str, dialect: str) -> tuple[Any, Any]:
    """`column` starts with `prefix` ignoring case, as an index range; and its sort key.

    The indexes are `lower(column) COLLATE "C"` on PostgreSQL and `column COLLATE NOCASE`
    on SQLite (migration 0005); a range, unlike LIKE, also works with generic query plans.
    """
    low = prefix.lower()
    high = low[:-1] + chr(ord(low[-1]) + 1)
    if dialect == "postgresql":
        lowered = func.lower(column).collate("C")
        return sa.and_(lowered >= low, lowered < high), lowered
    folded = column.collate("NOCASE")
    return sa.and_(folded >= low, folded < high), folded


def suggest(q: str, *, limit: int) -> dict[str, list[Any]]:
    """Public article titles and topic names starting with `q`, for type-ahead."""
    prefix = q.strip()
    dialect = db.session.get_bind().dialect.name
    title_matches, title_key = _starting_with(Article.title, prefix, dialect)
    visible: ColumnElement[bool] = public_filter()
    if dialect == "sqlite":
        # Without ANALYZE statistics SQLite would rather walk the (status, published_at)
        # index, i.e. most articles; as `(...) IS 1` it cannot, so the prefix index leads.
        visible = visible.is_(sa.true())
    articles = db.session.execute(
        select(Article.slug, Article.title)
        .where(title_matches, visible)
        .order_by(title_key, Article.id)
        .limit(limit)
    )
    name_matches, name_key = _starting_with(Topic.name, prefix, dialect)
    topics = db.session.execute(
        select(Topic.slug, Topic.name).where(name_matches).order_by(name_key, Topic.id).limit(limit)
    )
    return {
        "articles": [row._asdict() for row in articles],
        "topics": [row._asdict() for row in topics],
    }

"""Search and type-ahead: articles by relevance, with the topics and authors the query names."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, exists, func, or_, select
from sqlalchemy.orm import load_only

from api.articles.models import Article, ArticleTopic
from api.articles.services import SUMMARY_OPTIONS, in_topic_tree
from api.articles.visibility import public_filter
from api.authors.models import Author
from api.core import clock
from api.core.markdown import sanitize_html
from api.extensions import db
from api.links.models import ArticleLink
from api.search import spelling, synonyms
from api.search.codes import topics_for_code
from api.search.models import SearchSuggestion
from api.search.query import WORD, SearchQuery, parse
from api.search.stores import MARK_END, MARK_START, store_for
from api.topics.models import Topic

MAX_TOPICS = 10
# A query that finds fewer articles than this is worth correcting.
FEW_HITS = 3
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
    did_you_mean: str | None = None


def search(
    q: str, *, page: int, page_size: int, topic: str | None = None, language: str | None = None
) -> SearchResults:
    """Public articles matching `q` (best first, one page), and the topics and authors it names.

    When `q` finds fewer than FEW_HITS articles and has words the index does not hold, the
    corrected query is searched too; if it finds more, its results are returned, with the
    correction in `did_you_mean`.
    """
    filters = {"page": page, "page_size": page_size, "topic": topic, "language": language}
    parsed, code_topics = parse(q), topics_for_code(q)
    results = _search(q, parsed, code_topics, **filters)
    if results.total >= FEW_HITS:
        return results
    for corrected in _corrections(q, parsed):
        better = _search(q, parse(corrected), code_topics, **filters)
        if better.total > results.total:
            better.did_you_mean = corrected
            return better
    return results


def _corrections(q: str, parsed: SearchQuery) -> list[str]:
    """`q` with its unknown words corrected: the best correction first (a few at most)."""
    words = [w for w in parsed.words if w.isalpha()]
    indexed = spelling.known(words)
    options = {w: spelling.candidates(w) for w in words if w not in indexed}
    options = {w: found for w, found in options.items() if found}
    texts = []
    for choice in range(spelling.MAX_CANDIDATES):
        text = q
        for word, found in options.items():
            replacement = found[min(choice, len(found) - 1)]
            text = re.sub(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", replacement, text,
                          flags=re.IGNORECASE)  # fmt: skip
        texts.append(text)
    return [t for t in dict.fromkeys(texts) if t != q]


def _search(
    q: str,
    parsed: SearchQuery,
    code_topics: list[Topic],
    *,
    page: int,
    page_size: int,
    topic: str | None,
    language: str | None,
) -> SearchResults:
    lexicon = _topics_named_by(parsed)
    expanded, named = synonyms.expand(parsed, lexicon)
    # Topics holding the code the query is come first, then those it names exactly, then
    # those it names the start of.
    topics = list(dict.fromkeys([*code_topics, *named, *lexicon]))[:MAX_TOPICS]
    results = SearchResults(query=q, topics=topics, authors=_authors_named_by(parsed))
    if expanded.is_empty:
        return results
    store = store_for(db.session.get_bind().dialect.name, expanded)
    matching = store.matching()
    if topic is not None:
        matching = matching.where(in_topic_tree(topic))
    if language is not None:
        matching = matching.where(Article.language == language)
    results.articles, results.total = _page_of_hits(store, matching, page, page_size, expanded)
    if not results.articles and page > 1:
        # Past the last page: the page query cannot say how many there are; count them.
        results.total = db.session.scalar(matching.with_only_columns(func.count())) or 0
    return results


def _page_of_hits(
    store: Any, matching: Any, page: int, page_size: int, query: SearchQuery
) -> tuple[list[Any], int]:
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
        article.snippet = render_snippet(raw_snippet or "", query)
        hits.append(article)
    total = rows[0].total if rows else 0
    return hits, total


def render_snippet(raw: str, query: SearchQuery | None = None) -> str:
    """Escape the text, wrap the marked matches in <mark>, and sanitize the result."""
    if query is not None:
        raw = prune_marks(raw, query)
    escaped = html.escape(raw, quote=False)
    marked = escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return sanitize_html(marked, extra_tags=frozenset({"mark"}))


_MARKED = re.compile(f"{MARK_START}(.*?){MARK_END}", re.DOTALL)
STEM_PREFIX = 4


def prune_marks(raw: str, query: SearchQuery) -> str:
    """Unmark a lone word that only belongs to a phrase of the query.

    PostgreSQL's ts_headline marks every word of a phrase wherever it stands ("bleeding
    <mark>disorder</mark>" for the phrase "mast cell disorder"). A mark is kept when it
    touches another mark (part of a phrase) or its word matches a one-word term of the query
    (same start, as stems do).
    """
    singles = [
        t.words[0]
        for g in query.groups
        for option in g.options
        for t in option
        if len(t.words) == 1
    ]
    marks = list(_MARKED.finditer(raw))

    def keep(index: int) -> bool:
        mark = marks[index]
        before = marks[index - 1] if index else None
        after = marks[index + 1] if index + 1 < len(marks) else None
        if (before and not raw[before.end() : mark.start()].strip()) or (
            after and not raw[mark.end() : after.start()].strip()
        ):
            return True
        word = mark.group(1).lower()
        return any(word[:STEM_PREFIX] == s[:STEM_PREFIX] for s in singles)

    pieces, last = [], 0
    for index, mark in enumerate(marks):
        pieces.append(raw[last : mark.start()])
        pieces.append(mark.group(0) if keep(index) else mark.group(1))
        last = mark.end()
    pieces.append(raw[last:])
    return "".join(pieces)


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


# Keys read per suggest request, in index order, before ranking: bounds the cost at any size.
SUGGEST_CANDIDATES_PER_RESULT = 4


def _key_range(prefix: str, dialect: str) -> tuple[ColumnElement[bool], Any]:
    """Keys starting with `prefix`, as one range of the key index (migration 0010).

    PostgreSQL's index is on `key COLLATE "C"` (byte order, whatever the database collation);
    SQLite's on `key` (binary). A range, unlike LIKE, has no wildcard to escape.
    """
    key: Any = SearchSuggestion.key
    if dialect == "postgresql":
        key = key.collate("C")
    high = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return sa.and_(key >= prefix, key < high), key


def suggest(q: str, *, limit: int) -> dict[str, list[Any]]:
    """Public articles and topics with a word (of a title, name or synonym) starting with `q`.

    Four indexed statements whatever the content: the first keys of the range for articles,
    then for topics, and the popularity of those few candidates (public links to an article,
    public articles in a topic). Ranked by how the key matches (start of the title or name
    first, then a later word, then a synonym), then popularity, then shorter labels first.
    """
    prefix = " ".join(WORD.findall(q.lower()))
    if not prefix:
        return {"articles": [], "topics": []}
    dialect = db.session.get_bind().dialect.name
    in_range, key = _key_range(prefix, dialect)
    visible: ColumnElement[bool] = public_filter()
    if dialect == "sqlite":
        # As in search: `(...) IS 1` keeps SQLite from leading with the visibility index.
        visible = visible.is_(sa.true())
    wanted = limit * SUGGEST_CANDIDATES_PER_RESULT
    article_rows = db.session.execute(
        select(SearchSuggestion.rank, Article.id, Article.slug, Article.title)
        # `+ 0`: the key range leads; never articles first, then their keys by article_id.
        .join(Article, Article.id == SearchSuggestion.article_id + 0)
        .where(in_range, visible)
        .order_by(key, SearchSuggestion.id)
        .limit(wanted)
    ).all()
    topic_rows = db.session.execute(
        select(SearchSuggestion.rank, SearchSuggestion.label, Topic.id, Topic.slug, Topic.name)
        .join(Topic, Topic.id == SearchSuggestion.topic_id + 0)
        .where(in_range)
        .order_by(key, SearchSuggestion.id)
        .limit(wanted)
    ).all()
    links = _inbound_links({row.id for row in article_rows})
    filed = _public_articles_per_topic({row.id for row in topic_rows})
    articles: dict[int, tuple[Any, ...]] = {}
    for row in sorted(
        article_rows, key=lambda r: (r.rank, -links.get(r.id, 0), len(r.title), r.title)
    ):
        articles.setdefault(row.id, row)
    topics: dict[int, tuple[Any, ...]] = {}
    for row in sorted(
        topic_rows, key=lambda r: (r.rank, -filed.get(r.id, 0), len(r.label), r.label)
    ):
        topics.setdefault(row.id, row)
    return {
        "articles": [{"slug": r.slug, "title": r.title} for r in list(articles.values())[:limit]],
        "topics": [
            {"slug": r.slug, "name": r.name, "label": r.label}
            for r in list(topics.values())[:limit]
        ],
    }


def _inbound_links(ids: set[int]) -> dict[int, int]:
    """How many public articles link to each of `ids` (the article_links target index)."""
    if not ids:
        return {}
    rows = db.session.execute(
        select(ArticleLink.target_id, func.count())
        .join(Article, Article.id == ArticleLink.source_id)
        .where(ArticleLink.target_id.in_(sorted(ids)), public_filter())
        .group_by(ArticleLink.target_id)
    )
    return {target: count for target, count in rows}


def _public_articles_per_topic(ids: set[int]) -> dict[int, int]:
    """How many public articles each topic of `ids` holds (the topic index on public_since)."""
    if not ids:
        return {}
    rows = db.session.execute(
        select(ArticleTopic.topic_id, func.count())
        .where(
            ArticleTopic.topic_id.in_(sorted(ids)),
            ArticleTopic.public_since.is_not(None),
            ArticleTopic.public_since <= clock.now(),
        )
        .group_by(ArticleTopic.topic_id)
    )
    return {topic: count for topic, count in rows}

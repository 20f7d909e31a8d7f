"""The query tree compiled for each store: which articles match, their score and snippet.

SQLite: an FTS5 MATCH expression built from quoted tokens only (user text never reaches MATCH
syntax), ranked by bm25() with column weights, highlighted by snippet().
PostgreSQL: a tsquery built from `websearch_to_tsquery` (exact words, phrases) and
`to_tsquery('word:*')` (prefixes), every piece a bound parameter, combined with
tsquery_and/or/not; ranked by ts_rank_cd over the weighted vector, highlighted by ts_headline
on the page of hits only.
"""

from __future__ import annotations

from functools import reduce
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.dialects.postgresql import TSVECTOR

from api.articles.models import Article
from api.articles.visibility import public_filter
from api.search.index import FTS_TABLE, SEARCH_VECTOR
from api.search.query import Conjunction, Group, SearchQuery, Term

# Private-use characters mark matches in raw snippets; HTML is made after escaping the text.
MARK_START, MARK_END = "\ue000", "\ue001"
SNIPPET_WORDS = 32
# Title counts most, then the summary, then the body (like PostgreSQL's weights A, B, C).
FTS_COLUMN_WEIGHTS = (10.0, 4.0, 1.0)
BODY_COLUMN = 2


class SqliteStore:
    """FTS5 over the `articles_fts` external-content table."""

    table = sa.table(FTS_TABLE, sa.column("rowid"))
    fts = sa.literal_column(FTS_TABLE)
    match_rowid = sa.literal_column(f"+{FTS_TABLE}.rowid")

    def __init__(self, query: SearchQuery) -> None:
        self.expression = fts5_expression(query)
        self.parameter = sa.bindparam("fts_query", self.expression)

    def _match(self) -> ColumnElement[bool]:
        return self.fts.op("MATCH")(self.parameter)

    def matching(self) -> Select[Any]:
        """Ids, publication times and scores of the public articles that match."""
        score = (-func.bm25(self.fts, *FTS_COLUMN_WEIGHTS)).label("score")
        return (
            select(Article.id, Article.published_at, score)
            .select_from(self.table)
            # The unary + keeps SQLite from walking the visibility index and probing FTS5 once
            # per public article (1000x slower at 100k): the MATCH leads, articles by key.
            .join(Article, Article.id == self.match_rowid)
            .where(self._match(), public_filter())
        )

    def with_snippets(self, page: Any) -> Select[Any]:
        """The articles of `page` (ids and scores), each with its highlighted body snippet."""
        snippet = func.snippet(self.fts, BODY_COLUMN, MARK_START, MARK_END, "…", SNIPPET_WORDS)
        return (
            select(Article, page.c.score, snippet)
            .select_from(page)
            .join(Article, Article.id == page.c.id)
            .join(self.table, self.table.c.rowid == page.c.id)
            .where(self._match())
        )


def _fts5_term(term: Term) -> str:
    # Words hold letters and digits only, so a quoted string is always one FTS5 token string.
    quoted = '"' + term.text + '"'
    return quoted + "*" if term.is_prefix else quoted


def _fts5_all(terms: Conjunction) -> str:
    return "(" + " AND ".join(_fts5_term(t) for t in terms) + ")"


def _fts5_group(group: Group) -> str:
    return "(" + " OR ".join(_fts5_all(option) for option in group.options) + ")"


def fts5_expression(query: SearchQuery) -> str:
    """The FTS5 MATCH expression of a non-empty query."""
    expression = " AND ".join(_fts5_group(g) for g in query.groups)
    if query.excluded:
        excluded = " OR ".join(_fts5_term(t) for t in query.excluded)
        expression = f"({expression}) NOT ({excluded})"
    return expression


ENGLISH = sa.literal_column("'english'::regconfig")
HEADLINE_OPTIONS = (
    f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={SNIPPET_WORDS}, MinWords=12, "
    'MaxFragments=2, FragmentDelimiter=" … "'
)


class PostgresStore:
    """The weighted `articles.search_vector` (GIN-indexed) against one tsquery."""

    vector = sa.literal_column(f"articles.{SEARCH_VECTOR}", TSVECTOR)

    def __init__(self, query: SearchQuery) -> None:
        # Inline, not a CTE: the planner folds it to a constant the GIN index can look up.
        self.tsquery = pg_tsquery(query)

    def matching(self) -> Select[Any]:
        """Ids, publication times and scores of the public articles that match."""
        score = func.ts_rank_cd(self.vector, self.tsquery).label("score")
        return (
            select(Article.id, Article.published_at, score)
            .select_from(Article)
            .where(self.vector.op("@@")(self.tsquery), public_filter())
        )

    def with_snippets(self, page: Any) -> Select[Any]:
        """The articles of `page` (ids and scores), each with its highlighted body snippet."""
        headline = func.ts_headline(ENGLISH, Article.body_text, self.tsquery, HEADLINE_OPTIONS)
        return (
            select(Article, page.c.score, headline)
            .select_from(page)
            .join(Article, Article.id == page.c.id)
        )


def _pg_term(term: Term) -> ColumnElement[Any]:
    if term.is_prefix:
        return func.to_tsquery(ENGLISH, f"'{term.text}':*")
    # A quoted phrase in websearch syntax; `source` holds no quote, so nothing else is syntax.
    return func.websearch_to_tsquery(ENGLISH, f'"{term.source or term.text}"')


def _pg_all(terms: Conjunction) -> ColumnElement[Any]:
    return reduce(func.tsquery_and, (_pg_term(t) for t in terms))


def pg_tsquery(query: SearchQuery) -> ColumnElement[Any]:
    """The tsquery of a non-empty query; every user word is a bound parameter."""
    groups = [reduce(func.tsquery_or, (_pg_all(o) for o in g.options)) for g in query.groups]
    positive = reduce(func.tsquery_and, groups)
    if not query.excluded:
        return positive
    excluded = reduce(func.tsquery_or, (_pg_term(t) for t in query.excluded))
    return func.tsquery_and(positive, func.tsquery_not(excluded))


def store_for(dialect: str, query: SearchQuery) -> SqliteStore | PostgresStore:
    """The search implementation of the store in use."""
    return PostgresStore(query) if dialect == "postgresql" else SqliteStore(query)

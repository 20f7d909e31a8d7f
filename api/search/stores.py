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
from api.search.index import FIELD_WEIGHTS, FIELDS, FTS_TABLE, SEARCH_VECTOR
from api.search.query import Conjunction, Group, SearchQuery, Term

# Private-use characters mark matches in raw snippets; HTML is made after escaping the text.
MARK_START, MARK_END = "\ue000", "\ue001"
SNIPPET_WORDS = 32
BODY_COLUMN = FIELDS.index("body_text")
# Score, the same on both stores, 0 to 1 and comparable between queries: each field in which
# the whole query matches adds its weight (title > synonyms > summary > headings > body);
# the store's own rank, squashed into [0, 1) as r / (1 + r), only breaks ties within that.
SCORE_SCALE = sum(FIELD_WEIGHTS) + 1.0


def _normalized(field_points: ColumnElement[Any], native: ColumnElement[Any]) -> Any:
    return (field_points + native) / SCORE_SCALE


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

    def _field_points(self) -> ColumnElement[Any]:
        # One FTS5 lookup per field (a column filter over the whole expression), not per row.
        points: list[ColumnElement[Any]] = []
        for name, weight in zip(FIELDS, FIELD_WEIGHTS, strict=True):
            # Names are our constants; the user's text is only ever the bound parameter.
            in_field = sa.text(
                f"articles.id IN (SELECT rowid FROM {FTS_TABLE} "  # noqa: S608
                f"WHERE {FTS_TABLE} MATCH :fts_{name})"
            ).bindparams(sa.bindparam(f"fts_{name}", f"{{{name}}} : ({self.expression})"))
            points.append(sa.case((in_field, weight), else_=0.0))
        return sum(points[1:], points[0])

    def matching(self) -> Select[Any]:
        """Ids, publication times and scores of the public articles that match."""
        bm25 = -func.bm25(self.fts, *FIELD_WEIGHTS)
        score = _normalized(self._field_points(), bm25 / (1.0 + bm25)).label("score")
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
        # Normalization 32 is rank / (rank + 1): 0 to 1 whatever the query.
        native = func.ts_rank_cd(self.vector, self.tsquery, 32)
        score = _normalized(self._field_points(), native).label("score")
        return (
            select(Article.id, Article.published_at, score)
            .select_from(Article)
            .where(self.vector.op("@@")(self.tsquery), public_filter())
        )

    def _field_points(self) -> ColumnElement[Any]:
        # Weights A, B, C are title, synonyms, summary; headings and body share D, so the
        # headings field is checked on its own text (a few words, matching rows only).
        checks = [
            func.ts_filter(self.vector, sa.literal_column(f"'{{{label}}}'::\"char\"[]"))
            for label in "abc"
        ]
        headings = func.to_tsvector(ENGLISH, Article.__table__.c.search_headings)
        body = func.ts_filter(self.vector, sa.literal_column("'{d}'::\"char\"[]"))
        points = [
            sa.case((vector.op("@@")(self.tsquery), weight), else_=0.0)
            for vector, weight in zip([*checks, headings, body], FIELD_WEIGHTS, strict=True)
        ]
        return sum(points[1:], points[0])

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

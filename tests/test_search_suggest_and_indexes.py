"""Type-ahead suggestions, constant query counts, and proof that search and suggest use indexes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from api.articles.models import ArticleStatus
from tests.support.urls import api_url, site_url, topic_ref


def suggest(client, q, **params) -> dict[str, Any]:
    response = client.get("/api/v1/search/suggest", query_string={"q": q, **params})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_suggest_titles_and_topic_names_by_any_word_prefix_ignoring_case(client, make):
    make.topic(slug="mast-cells", name="Mast cell activation")
    make.topic(slug="masks", name="Masks")
    article = make.article(title="Mast cells and you")
    make.article(title="Mastering sleep", status=ArticleStatus.DRAFT)
    story = make.article(title="A mast cell story")  # a later word: after the title starts
    for q in ("mast", "MAST", " Mast "):
        body = suggest(client, q)
        assert body["articles"] == [
            {
                "slug": found.slug,
                "title": found.title,
                "url": site_url("article", found.slug),
                "api_url": api_url("article", found.slug),
            }
            for found in (article, story)
        ]
        assert body["topics"] == [
            {**topic_ref("mast-cells", "Mast cell activation"), "label": "Mast cell activation"}
        ]
    body = suggest(client, "ma", limit=1)
    assert body["topics"] == [{**topic_ref("masks", "Masks"), "label": "Masks"}]
    assert [a["slug"] for a in suggest(client, "cell st")["articles"]] == [story.slug]


def test_suggest_has_no_wildcards(client, make):
    make.article(title="100% whole grain")
    make.article(title="1000 steps a day")
    cups = make.article(title="1_2 cups")
    assert suggest(client, "%")["articles"] == []
    assert suggest(client, "_")["articles"] == []
    assert [a["slug"] for a in suggest(client, "1_2")["articles"]] == [cups.slug]


@pytest.mark.parametrize("query", ["q=", "q=%20%20", "q=x&limit=0", "q=x&limit=21", "limit=3"])
def test_suggest_rejects_bad_input_naming_the_field(client, query):
    response = client.get(f"/api/v1/search/suggest?{query}")
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) <= {"q", "limit"}


@pytest.fixture
def library(make):
    make.topic(slug="back-pain", name="Back pain", synonyms=["backache"])
    authors = [make.author(name=f"Quinn Author {n}") for n in range(3)]

    def grow(count: int) -> None:
        for index in range(count):
            make.article(
                title=f"Quokka back pain {index}",
                author=authors[index % 3].slug,
                topics=["back-pain"],
            )

    return grow


@pytest.mark.parametrize(
    "url, expected",
    [
        # cache validator, topics named, authors named, the page with its total, topic links;
        # an unfiltered first page adds its content-gap count (one upsert, api/search/gaps)
        ("/api/v1/search?q=quokka", 6),
        ("/api/v1/search?q=quokka backache -diet&topic=back-pain", 5),
        ("/api/v1/search?q=quokka&page=2&page_size=1", 5),
        # cache validator, article keys, topic keys, links to the candidate articles
        ("/api/v1/search/suggest?q=quo", 4),
    ],
)
def test_statement_count_does_not_grow_with_content(client, library, count_queries, url, expected):
    counts = []
    for batch in (3, 20):  # enough hits that no correction is tried (see test_search_spelling)
        library(batch)
        with count_queries() as counter:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1] == expected, counts


@contextmanager
def captured_statements(app) -> Iterator[list[tuple[str, Any]]]:
    from api.extensions import db

    with app.app_context():
        engine = db.engine
    statements: list[tuple[str, Any]] = []

    def record(_conn, _cursor, statement, parameters, *_args):
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def query_plan(app, statement: str, parameters: Any) -> str:
    """The store's plan for a statement the app sent."""
    from api.extensions import db

    with app.app_context(), db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters).all()
        else:
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
        connection.rollback()
    return "\n".join(str(row[-1]) for row in rows)


def add_filler_articles(app, count: int) -> None:
    """Many published articles that match nothing, so that a scan would be the costly plan."""
    from sqlalchemy import insert, select, text

    from api.articles.models import Article
    from api.authors.models import Author
    from api.core import clock
    from api.extensions import db
    from api.search.models import SearchSuggestion

    with app.app_context(), db.transaction() as session:
        author = Author(slug="filler", name="Filler")
        session.add(author)
        session.flush()
        rows = [
            {
                "slug": f"filler-{n}",
                "title": f"Filler {n}",
                "body_text": f"Nothing to see here, {n}.",
                "status": ArticleStatus.PUBLISHED,
                "published_at": clock.now(),
                "author_id": author.id,
            }
            for n in range(count)
        ]
        session.execute(insert(Article), rows)
        # A bulk insert skips the ORM hooks: give the fillers their type-ahead keys by hand.
        ids = session.scalars(select(Article.id).where(Article.author_id == author.id)).all()
        session.execute(
            insert(SearchSuggestion),
            [
                {"key": f"filler {i}", "rank": 0, "label": f"Filler {i}", "article_id": i}
                for i in ids
            ],
        )
    with app.app_context(), db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("ANALYZE articles"))
            connection.execute(text("ANALYZE search_suggestions"))


def test_search_and_suggest_use_indexes_not_scans(app, client, library, database_url):
    library(3)
    add_filler_articles(app, 5000)
    postgres = database_url.startswith("postgresql")
    with captured_statements(app) as statements:
        assert client.get('/api/v1/search?q="quokka"').status_code == 200
        assert client.get("/api/v1/search/suggest?q=quo").status_code == 200
    plans = {
        statement: query_plan(app, statement, parameters) for statement, parameters in statements
    }
    [search_plan] = [plan for sql, plan in plans.items() if "ORDER BY" in sql and "score" in sql]
    suggest_plans = [plan for sql, plan in plans.items() if "search_suggestions" in sql]
    assert len(suggest_plans) == 2, plans  # article keys, topic keys
    if postgres:
        assert "ix_articles_search_vector" in search_plan, search_plan
        for plan in suggest_plans:
            assert "ix_search_suggestions_key" in plan, plan
    else:
        assert "VIRTUAL TABLE INDEX" in search_plan and "SCAN articles " not in search_plan
        # Every FTS statement (count, page) is led by the MATCH, never by the visibility index.
        for sql, plan in plans.items():
            if "articles_fts" in sql:
                assert "ix_articles_status_published_at" not in plan, (sql, plan)
        for plan in suggest_plans:
            assert "USING INDEX ix_search_suggestions_key" in plan, plan

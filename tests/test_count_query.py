"""Page totals are counted without eager-load joins or columns, and stay exact."""

from __future__ import annotations

import json

from sqlalchemy import select

from api.articles.models import Article
from api.articles.services import public_summaries
from api.core.pagination import count_query


def test_a_filtered_list_is_counted_directly_and_exactly(
    app, make, client, count_queries, frozen_clock
):
    make.topic(slug="back-pain", name="Back pain")
    make.topic(slug="desk", name="Desk", parent="back-pain")
    author = make.author()
    for index in range(3):
        make.article(author=author.slug, topics=["desk"] if index else [])
    make.article(status="draft", topics=["desk"])

    with count_queries() as counter:
        response = client.get("/api/v1/articles?topic=back-pain")
    assert response.json and len(response.json) == 2
    assert json.loads(response.headers["X-Pagination"])["total"] == 2
    count = next(sql for sql in counter.statements if "count(" in sql.lower())
    head = count.lower().split("from articles")[0]
    assert "join" not in count.lower() and "body_html" not in head


def test_selects_that_are_not_one_row_per_match_are_counted_as_subqueries(
    make, db_session, frozen_clock
):
    author = make.author()
    for _ in range(3):
        make.article(author=author.slug)
    distinct_authors = select(Article.author_id).distinct()
    assert db_session.scalar(count_query(distinct_authors)) == 1
    assert db_session.scalar(count_query(public_summaries())) == 3
    assert db_session.scalar(count_query(public_summaries().limit(2))) == 2

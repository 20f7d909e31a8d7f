"""Public endpoints cost a constant number of SQL statements, whatever the amount of content."""

from __future__ import annotations

import pytest


@pytest.fixture
def library(make):
    make.topic(slug="back-pain", name="Back pain")
    make.topic(slug="posture", name="Posture", parent="back-pain")
    make.topic(slug="desk", name="Desk", parent="posture")
    authors = [make.author() for _ in range(3)]

    def grow(count: int) -> None:
        for index in range(count):
            make.article(author=authors[index % 3].slug, topics=["desk", "back-pain"])

    return grow


# Each public read starts with one statement for the content validator (api/caching).
ENDPOINTS = {
    "/api/v1/articles": 4,
    "/api/v1/articles?topic=back-pain": 4,
    "/api/v1/authors": 3,
    "/api/v1/topics": 4,
    "/api/v1/topics/desk": 12,  # + related topics, pillar, count (api/taxonomy)
    "/api/v1/topics/back-pain/articles": 5,
    "/api/v1/authors/{author}": 2,
    "/api/v1/authors/{author}/articles": 5,
    "/api/v1/articles/{article}": 3,
}


@pytest.mark.parametrize("url, expected", ENDPOINTS.items())
def test_statement_count_does_not_grow_with_content(
    client, library, count_queries, db_session, url, expected
):
    from sqlalchemy import select

    from api.articles.models import Article
    from api.authors.models import Author

    counts = []
    for batch in (2, 20):
        library(batch)
        article = db_session.scalars(select(Article.slug).order_by(Article.id)).first()
        author = db_session.scalars(select(Author.slug).order_by(Author.id)).first()
        db_session.rollback()
        with count_queries() as counter:
            response = client.get(url.format(article=article, author=author))
        assert response.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1] <= expected, counts

"""Endpoints cost a constant number of SQL statements, whatever the amount of content."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from api.articles.models import ArticleStatus
from api.extensions import db
from api.newsletter.models import Subscription
from api.newsletter.tokens import unsubscribe_token
from api.users.models import Role
from tests.support.newsletter import SIGNUP, signup_body
from tests.support.staff import staff_headers


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


EVERY_INCLUDE = ("related", "backlinks", "topics_detail", "author_detail")
# Each public read starts with one statement for the content validator (api/caching).
ENDPOINTS = {
    "/api/v1/articles": 4,
    "/api/v1/articles?topic=back-pain": 5,  # + one check that the topic exists
    "/api/v1/authors": 3,
    "/api/v1/topics": 4,
    "/api/v1/topics/desk": 12,  # + related topics, pillar, count, red flags (api/taxonomy)
    "/api/v1/topics/back-pain/articles": 5,
    "/api/v1/authors/{author}": 2,
    "/api/v1/authors/{author}/articles": 5,
    "/api/v1/articles/{article}": 3,
    "/api/v1/topics?tree=true": 3,  # + the article counts of the tree (one query)
    # One request per page: each included part costs what its endpoint does (two topics here).
    "/api/v1/articles/{article}?links=api&include=" + ",".join(EVERY_INCLUDE): 27,
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


def _counts(measure: Any, grow: Any, sizes: tuple[int, int]) -> list[int]:
    """The statements of `measure()` once the library holds each size (grown in between)."""
    counts, held = [], 0
    for size in sizes:
        grow(size - held)
        held = size
        counts.append(measure())
    return counts


@pytest.fixture
def measure(client: Any, count_queries: Any) -> Any:
    """`measure(method, url, check=...)()`: the statement count of one request that passes."""

    def request(method: str, url: str, check: Any = None, **kwargs: Any) -> Any:
        def run() -> int:
            with count_queries() as counter:
                response = client.open(url, method=method, **kwargs)
            assert response.status_code == 200, response.get_json()
            if check is not None:
                check(response.get_json())
            return counter.count

        return run

    return request


# Delivery endpoints, each at two library sizes (the counts must be equal) and under a ceiling.
@pytest.mark.parametrize(
    "url, expected",
    [
        ("/api/v1/search?q=back", 6),  # 5 + the content-gap count (one upsert)
        # validator, article keys, topic keys, links to the candidates (topic counts: none)
        ("/api/v1/search/suggest?q=art", 4),
        ("/api/v1/bundles/topics/back-pain", 10),
    ],
)
def test_search_suggest_and_topic_bundles_cost_constant_statements(library, measure, url, expected):
    def grew(body: Any) -> None:
        items = body.get("articles", body) if isinstance(body, dict) else body
        assert items, body

    counts = _counts(measure("GET", url, check=grew), library, (3, 30))
    assert counts[0] == counts[1] <= expected, counts


def test_newsletter_preferences_cost_constant_statements(app, make, newsletter, client, measure):
    counts = {"GET": [], "PATCH": []}
    for size in (1, 12):
        slugs = [make.topic().slug for _ in range(size)]
        others = [make.topic().slug for _ in range(size)]
        email = f"reader{size}@example.com"
        assert client.post(SIGNUP, json=signup_body(email, topics=slugs)).status_code == 202
        with app.app_context():
            key = db.session.scalar(
                select(Subscription.token_key).where(Subscription.email_normalized == email)
            )
            url = f"/api/v1/newsletter/preferences?token={unsubscribe_token(key)}"

        def has_all_topics(body: Any, size: int = size) -> None:
            assert len(body["topics"]) == size, body

        counts["GET"].append(measure("GET", url, check=has_all_topics)())

        def has_the_others(body: Any, others: list[str] = others) -> None:
            assert sorted(body["topics"]) == sorted(others), body

        # Every topic replaced: size rows deleted and size rows inserted.
        counts["PATCH"].append(measure("PATCH", url, has_the_others, json={"topics": others})())
    assert counts["GET"][0] == counts["GET"][1] <= 2, counts
    assert counts["PATCH"][0] == counts["PATCH"][1] <= 5, counts


def test_link_report_costs_constant_statements_at_3_and_30_articles(app, client, make, measure):
    make.article(slug="drafty", status=ArticleStatus.DRAFT)

    def grow(count: int) -> None:
        for _ in range(count):
            make.article(body_markdown="[[drafty]] and [[never-written]]")

    editor = staff_headers(app, Role.EDITOR)
    # The token's first use records last_used_at (an UPDATE); later uses within a minute do not.
    assert client.get("/api/v1/link-report", headers=editor).status_code == 200

    def listed(body: Any) -> None:
        assert body and {item["written_slug"] for item in body} == {"drafty", "never-written"}

    report = measure("GET", "/api/v1/link-report?page_size=100", listed, headers=editor)
    counts = _counts(report, grow, (3, 30))
    assert counts[0] == counts[1] <= 4, counts

"""The review queue: articles awaiting review, then published ones never reviewed, overdue or
due within `within_days`."""

from __future__ import annotations

import datetime as dt

from api.articles.models import ArticleStatus
from tests.support.staff import problem


def test_queue_lists_what_needs_review_in_order(make, reviewer, frozen_clock):
    make.author(slug="jane-doe")
    today = dt.date(2026, 1, 15)

    def article(slug: str, **fields):
        make.article(slug=slug, author="jane-doe", **fields)

    article("awaiting", status=ArticleStatus.IN_REVIEW)
    article("approved-waiting", status=ArticleStatus.IN_REVIEW, approved_revision=0)
    article("never-reviewed")
    article("overdue", next_review_due=today - dt.timedelta(days=3))
    article("due-soon", next_review_due=today + dt.timedelta(days=20))
    article("due-later", next_review_due=today + dt.timedelta(days=200))
    article("draft-overdue", status=ArticleStatus.DRAFT, next_review_due=today)
    response = reviewer.get("/api/v1/review-queue")
    assert response.status_code == 200
    assert [(a["slug"], a["reason"]) for a in response.get_json()] == [
        ("awaiting", "awaiting_review"),
        ("never-reviewed", "never_reviewed"),
        ("overdue", "overdue"),
        ("due-soon", "due"),
    ]
    wider = reviewer.get("/api/v1/review-queue?within_days=365").get_json()
    assert [a["slug"] for a in wider][-1] == "due-later"
    assert wider[-1]["next_review_due"] == "2026-08-03"
    narrow = reviewer.get("/api/v1/review-queue?within_days=0").get_json()
    assert "due-soon" not in [a["slug"] for a in narrow]
    problem(reviewer.get("/api/v1/review-queue?within_days=-1"), 422)


def test_queue_statement_count_is_constant(make, reviewer, count_queries):
    make.author(slug="jane-doe")
    make.topic(slug="back-pain", name="Back pain")
    reviewer.get("/api/v1/users/me")
    counts = []
    for batch in (2, 20):
        for _ in range(batch):
            make.article(author="jane-doe", status=ArticleStatus.IN_REVIEW, topics=["back-pain"])
        with count_queries() as counter:
            assert reviewer.get("/api/v1/review-queue?page_size=100").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1] <= 4, counts

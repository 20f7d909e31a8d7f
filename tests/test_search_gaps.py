"""Content gaps: public searches counted per query and day, reported to editors, pruned."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from api.search.gaps.models import SearchQueryDay
from tests.support.staff import problem, query_store

GAPS = "/api/v1/search/gaps"


@pytest.fixture
def library(make, frozen_clock):
    make.topic(slug="back-pain", name="Back pain")
    for number in range(3):
        make.article(slug=f"back-{number}", title=f"Back pain {number}", topics=["back-pain"])
    make.article(slug="sleep", title="Sleeping well")


def search(client, q: str, **params: str) -> int:
    response = client.get("/api/v1/search", query_string={"q": q, **params})
    assert response.status_code == 200, response.get_json()
    return len(response.get_json()["articles"])


def stored(app) -> list[tuple[str, int, int]]:
    rows = query_store(app, select(SearchQueryDay).order_by(SearchQueryDay.query))
    return [(row.query, row.searches, row.results) for row in rows]


def test_the_report_lists_a_query_that_found_nothing_most_searched_first(library, client, editor):
    for _ in range(3):  # the 2nd and 3rd come from the response cache: they count too
        assert search(client, "mast cell disorder") == 0
    assert search(client, "Sleeping  WELL") == 1  # found little: fewer than 3
    assert search(client, "back pain") == 3  # found enough
    response = editor.get(GAPS)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["since"] == "2025-12-17" and body["until"] == "2026-01-15"
    assert body["queries"] == [
        {
            "query": "mast cell disorder",
            "searches": 3,
            "max_results": 0,
            "days_searched": 1,
            "last_searched": "2026-01-15",
        },
        {
            "query": "sleeping well",
            "searches": 1,
            "max_results": 1,
            "days_searched": 1,
            "last_searched": "2026-01-15",
        },
    ]
    nothing = editor.get(GAPS, query_string={"below": 1}).get_json()["queries"]
    assert [gap["query"] for gap in nothing] == ["mast cell disorder"]


def test_queries_are_counted_per_normalized_form_and_day(library, client, app, frozen_clock):
    search(client, "Mast  Cell")
    search(client, "mast cell")
    search(client, "\uff2d\uff21\uff33\uff34 cell")  # full-width MAST: one query after NFKC
    frozen_clock.advance(days=1)
    search(client, "mast cell")
    rows = query_store(app, select(SearchQueryDay).order_by(SearchQueryDay.day))
    assert [(row.day.isoformat(), row.query, row.searches) for row in rows] == [
        ("2026-01-15", "mast cell", 3),
        ("2026-01-16", "mast cell", 1),
    ]


@pytest.mark.parametrize(
    "q",
    [
        "jane.doe@example.com back pain",
        "results for 4155550123",
        "mrn 123 456",
        "born 01/02/1990",
        "someone@clinic",
    ],
)
def test_queries_that_could_name_a_person_are_never_stored(library, client, app, q):
    search(client, q)
    assert stored(app) == []


def test_only_first_pages_of_unfiltered_searches_are_counted(library, client, app):
    search(client, "back pain", page="2")
    search(client, "back pain", topic="back-pain")
    search(client, "back pain", language="en")
    assert stored(app) == []
    search(client, "back pain")
    assert stored(app) == [("back pain", 1, 3)]


def test_the_period_is_chosen_by_since_and_until_or_days(library, client, editor, frozen_clock):
    search(client, "old gap")
    frozen_clock.advance(days=10)
    search(client, "new gap")

    def listed(**params) -> list[str]:
        response = editor.get(GAPS, query_string=params)
        assert response.status_code == 200, response.get_json()
        return [gap["query"] for gap in response.get_json()["queries"]]

    assert listed(days=1) == ["new gap"]
    assert listed(days=11) == ["new gap", "old gap"]
    assert listed(since="2026-01-15", until="2026-01-15") == ["old gap"]
    assert listed(since="2026-01-16") == ["new gap"]


def test_a_query_that_later_found_enough_leaves_the_report(library, client, editor, make):
    search(client, "posture")
    for number in range(3):
        make.article(title=f"Posture {number}")
    search(client, "posture")
    assert editor.get(GAPS).get_json()["queries"] == []


def test_bad_periods_are_422s_naming_the_field(library, editor):
    assert list(problem(editor.get(GAPS + "?since=2026-01-10&days=3"), 422)["errors"]) == ["days"]
    body = problem(editor.get(GAPS + "?since=2026-01-10&until=2026-01-01"), 422)
    assert list(body["errors"]) == ["since"]
    assert list(problem(editor.get(GAPS + "?days=0"), 422)["errors"]) == ["days"]
    assert list(problem(editor.get(GAPS + "?until=0001-01-05&days=30"), 422)["errors"]) == ["days"]


def test_only_editors_and_admins_see_the_report(library, client, make_staff):
    problem(client.get(GAPS), 401)
    problem(make_staff("writer").get(GAPS), 403)
    problem(make_staff("reviewer").get(GAPS), 403)
    assert make_staff("admin").get(GAPS).status_code == 200


def test_prune_deletes_counts_older_than_the_retention(make_app, frozen_clock):
    app = make_app(SEARCH_LOG_RETENTION_DAYS=2)
    client = app.test_client()
    for _ in range(3):
        search(client, "kept" if frozen_clock().day > 15 else "pruned")
        frozen_clock.advance(days=1)
    # Now 2026-01-18: the counts of the 16th and 17th are within two days... of the 17th.
    frozen_clock.advance(days=-1)
    result = app.test_cli_runner().invoke(args=["search", "prune"])
    assert result.exit_code == 0, result.output
    assert "deleted 1 search count(s) older than 2 day(s)" in result.output
    rows = query_store(app, select(SearchQueryDay.day).order_by(SearchQueryDay.day))
    assert [day.isoformat() for day in rows] == ["2026-01-16", "2026-01-17"]

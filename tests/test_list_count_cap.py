"""Page totals: exact up to LIST_COUNT_CAP, then a lower bound that says so."""

from __future__ import annotations

import json


def pagination(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.get_json()
    return json.loads(response.headers["X-Pagination"]), response.get_json()


def test_totals_past_the_cap_are_flagged_lower_bounds(make_app, make):
    make.topic(slug="sleep", name="Sleep")
    for _ in range(7):
        make.article(topics=["sleep"])
    client = make_app(LIST_COUNT_CAP=3).test_client()
    meta, items = pagination(client, "/api/v1/articles?page_size=2")
    assert len(items) == 2
    assert meta == {
        "total": 3,
        "total_is_lower_bound": True,
        "total_pages": 2,
        "first_page": 1,
        "last_page": 2,
        "page": 1,
        "next_page": 2,
    }
    # A page past the cap is counted to its end: its total and next page hold.
    meta, items = pagination(client, "/api/v1/articles?page_size=2&page=3")
    assert len(items) == 2 and meta["total"] == 6 and meta["total_is_lower_bound"] is True
    assert meta["page"] == 3 and meta["next_page"] == 4
    # The last page sees the end: exact again.
    meta, items = pagination(client, "/api/v1/articles?page_size=2&page=4")
    assert len(items) == 1 and meta["total"] == 7 and "total_is_lower_bound" not in meta
    meta, _ = pagination(client, "/api/v1/articles?topic=sleep&page_size=5")
    assert meta["total"] == 5 and meta["total_is_lower_bound"] is True


def test_totals_within_the_cap_are_exact_and_unflagged(client, make):
    for _ in range(3):
        make.article()
    meta, _ = pagination(client, "/api/v1/articles?page_size=2")
    assert meta["total"] == 3 and "total_is_lower_bound" not in meta
    assert meta["next_page"] == 2 and meta["last_page"] == 2

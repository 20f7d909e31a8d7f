"""Reading the changes feed to its end, as a syncing client does."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

CHANGES = "/api/v1/changes"


def read_all(
    client: FlaskClient, since: str | None = None, limit: int = 100
) -> tuple[list[dict[str, Any]], str]:
    """Every event after `since`, following next_cursor; returns (events, cursor)."""
    events: list[dict[str, Any]] = []
    while True:
        query = {"limit": limit, **({"since": since} if since else {})}
        response = client.get(CHANGES, query_string=query)
        assert response.status_code == 200, response.get_json()
        page = response.get_json()
        events += page["events"]
        since = page["next_cursor"]
        if not page["has_more"]:
            return events, since

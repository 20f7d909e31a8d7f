"""Scale-out: two real gunicorn processes on one PostgreSQL and one Redis share everything.

Neither keeps state of its own that matters: a signup rate limit counts requests to both, and a
publish or unpublish through one is what the other serves at once.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from typing import Any

import pytest

from api.articles.models import ArticleStatus
from bench.servers import GunicornSettings, Server
from tests.support.newsletter import SIGNUP, signup_body
from tests.support.store import REDIS_URL, redis_key_prefix

SIGNUPS_PER_MINUTE = 4

# Scale-out is about the production store: several processes share one PostgreSQL; a SQLite
# file is for one host and one process.
pytestmark = [pytest.mark.postgres_only, pytest.mark.redis, pytest.mark.slow]


def call(server: Server, method: str, path: str, body: Any = None, **headers: str) -> Any:
    """One request with no cache headers; returns (status, decoded JSON or None)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        payload = None if body is None else json.dumps(body)
        if payload is not None:
            headers["Content-Type"] = "application/json"
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        data = response.read()
        return response.status, json.loads(data) if data else None
    finally:
        connection.close()


@pytest.fixture(scope="module")
def redis_prefix() -> Iterator[str]:
    with redis_key_prefix("scale") as prefix:
        yield prefix


@pytest.fixture(scope="module")
def two_processes(
    database_url: str, redis_prefix: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[Server]]:
    """Processes A and B (2 sync workers each, free ports), started once for this module."""
    env = {
        "DATABASE_URL": database_url,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": redis_prefix,
        "NEWSLETTER_SIGNUP_LIMIT_PER_IP": f"{SIGNUPS_PER_MINUTE} per minute",
        "SECRET_KEY": "scale-out-test-secret",
    }
    settings = GunicornSettings(workers=2)
    servers: list[Server] = []
    logs = tmp_path_factory.mktemp("scale-out")
    try:
        for name in ("a", "b"):
            servers.append(Server(name, "wsgi:app", settings, env, logs / f"{name}.log"))
        yield servers
    finally:
        for server in servers:
            server.stop()


def test_signup_rate_limit_is_shared_by_two_processes(two_processes, newsletter):
    first, second = two_processes
    statuses = [
        call(server, "POST", SIGNUP, signup_body(f"scale{number}@example.com"))[0]
        for number, server in enumerate([first, second] * SIGNUPS_PER_MINUTE)
    ]
    # Alone, each process would have let its 4 through: together they stop at 4.
    assert statuses == [202] * SIGNUPS_PER_MINUTE + [429] * SIGNUPS_PER_MINUTE, statuses


def test_neither_process_serves_stale_content_after_a_publish_on_the_other(
    two_processes, make, make_staff
):
    admin = make_staff("admin", credentials="MD")  # approving needs credentials
    writer_side, reader_side = two_processes
    make.topic(slug="spine", name="Spine")
    make.article(slug="steady", topics=["spine"])
    make.article(slug="news", topics=["spine"], status=ArticleStatus.DRAFT)
    auth = {"Authorization": f"Bearer {admin.token}"}

    def move(action: str) -> None:
        status, body = call(
            writer_side, "POST", "/api/v1/articles/news/transitions", {"action": action}, **auth
        )
        assert status == 200, body

    def reader_sees_news() -> bool:
        status, _ = call(reader_side, "GET", "/api/v1/articles/news")
        _, listed = call(reader_side, "GET", "/api/v1/articles?topic=spine")
        _, related = call(reader_side, "GET", "/api/v1/articles/steady/related")
        in_list = "news" in [item["slug"] for item in listed]
        in_related = "news" in [item["article"]["slug"] for item in related]
        assert (status == 200) == in_list == in_related, (status, in_list, in_related)
        return status == 200

    # Twice: both processes have served (and could have kept) every read in between. The
    # second time the approval still holds (no content changed), so no new approve.
    for publishing in (("submit", "approve", "publish"), ("submit", "publish")):
        assert not reader_sees_news()
        for action in publishing:
            move(action)
        assert reader_sees_news()
        move("unpublish")
        assert not reader_sees_news()

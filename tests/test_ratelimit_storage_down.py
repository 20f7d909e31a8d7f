"""Rate-limit storage (Redis) down: signups fail closed (503 + Retry-After), bad tokens fail
open (401, never a 500), the outage is logged once per interval, and /readyz names it.

Two ways down: a port where nothing ever listened, and a real redis-server of the test's own
(not the shared one on 6379) that is killed mid-test and started again.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import time
from collections.abc import Iterator

import pytest
import redis
from sqlalchemy import event, func, select

from api.core import ratelimit
from api.newsletter.models import Subscription
from api.outbox.models import OutboxMessage
from tests.support.newsletter import SIGNUP, free_port, signup_body

BAD_TOKEN = {"Authorization": "Bearer not-a-token"}
STAFF_ONLY = "/api/v1/users"


@pytest.fixture(autouse=True)
def _report_the_next_outage(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no outage reported yet in this process."""
    monkeypatch.setattr(ratelimit, "_last_storage_error_log", -ratelimit.STORAGE_ERROR_LOG_INTERVAL)


def _count(app, model) -> int:
    from api.extensions import db

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _assert_signups_refused(client, app) -> None:
    response = client.post(SIGNUP, json=signup_body("down@example.com"))
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 503
    assert response.headers["Retry-After"] == ratelimit.STORAGE_RETRY_AFTER
    assert _count(app, Subscription) == 0 and _count(app, OutboxMessage) == 0  # no mail left


def _assert_bad_tokens_get_401(client, times: int) -> None:
    for _ in range(times):
        response = client.get(STAFF_ONLY, headers=BAD_TOKEN)
        assert response.status_code == 401
        assert response.mimetype == "application/problem+json"


def _assert_not_ready(client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["checks"] == {"store": "ok", "rate_limit_storage": "unreachable"}


def _storage_errors(caplog) -> list[logging.LogRecord]:
    return [
        record
        for record in caplog.records
        if record.name == "api.core.ratelimit" and record.levelno == logging.ERROR
    ]


def test_nothing_listening_signups_503_bad_tokens_401_readyz_503(make_app, newsletter, caplog):
    app = make_app(RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}")
    client = app.test_client()
    caplog.set_level(logging.ERROR, logger="api.core.ratelimit")
    _assert_signups_refused(client, app)
    # More than AUTH_FAILURE_LIMIT (20): with nothing counting, none of them is a 429 either.
    _assert_bad_tokens_get_401(client, 25)
    _assert_signups_refused(client, app)
    _assert_not_ready(client)
    [record] = _storage_errors(caplog)  # loud, but once for 27 failing requests
    assert "unreachable" in record.getMessage()
    assert client.get("/api/v1/articles").status_code == 200  # public reads never need it


class OwnRedis:
    """A redis-server of this test alone, on a free port, with no persistence."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        connection = redis.Redis.from_url(self.url)
        try:
            for _ in range(100):
                try:
                    if connection.ping():
                        return
                except redis.ConnectionError:
                    time.sleep(0.05)
            raise RuntimeError("redis-server did not start")
        finally:
            connection.close()

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


@pytest.fixture
def own_redis() -> Iterator[OwnRedis]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = OwnRedis()
    server.start()
    try:
        yield server
    finally:
        server.kill()


def test_redis_stopped_mid_test_then_back(make_app, newsletter, own_redis, caplog):
    app = make_app(RATELIMIT_STORAGE_URI=own_redis.url)
    client = app.test_client()
    caplog.set_level(logging.ERROR, logger="api.core.ratelimit")
    assert client.post(SIGNUP, json=signup_body("up@example.com")).status_code == 202
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json()["checks"] == {"store": "ok", "rate_limit_storage": "ok"}

    own_redis.kill()
    before = _count(app, Subscription)
    response = client.post(SIGNUP, json=signup_body("during@example.com"))
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert _count(app, Subscription) == before
    _assert_bad_tokens_get_401(client, 3)
    _assert_not_ready(client)
    assert len(_storage_errors(caplog)) == 1

    own_redis.start()  # same port: the app reconnects by itself
    assert client.get("/readyz").status_code == 200
    assert client.post(SIGNUP, json=signup_body("after@example.com")).status_code == 202


def test_redis_lost_while_a_signup_is_written_still_answers_202(
    make_app, newsletter, own_redis, caplog
):
    """The per-address limit is counted after the view (only 202s count): Redis dying between
    the check and that count loses one count, logged, and the accepted signup stays a 202."""
    from api.extensions import db

    app = make_app(RATELIMIT_STORAGE_URI=own_redis.url)
    client = app.test_client()
    caplog.set_level(logging.ERROR, logger="api.core.ratelimit")
    with app.app_context():
        engine = db.engine

    def kill_redis_on_subscription_insert(_conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO NEWSLETTER_SUBSCRIPTIONS"):
            own_redis.kill()

    event.listen(engine, "before_cursor_execute", kill_redis_on_subscription_insert)
    try:
        response = client.post(SIGNUP, json=signup_body("midway@example.com"))
    finally:
        event.remove(engine, "before_cursor_execute", kill_redis_on_subscription_insert)
    assert own_redis.process is None  # the store write really happened after the check
    assert response.status_code == 202, response.get_json()
    assert _count(app, Subscription) == 1
    assert len(_storage_errors(caplog)) == 1

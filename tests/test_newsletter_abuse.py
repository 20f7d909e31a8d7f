"""Abuse limits (per IP, per address, Redis storage) and concurrent signups of one address."""

from __future__ import annotations

import threading
import uuid

import pytest
import redis
from sqlalchemy import func, select

from api.newsletter.models import Subscription
from api.outbox.models import OutboxMessage
from tests.support.newsletter import SIGNUP, signup_body
from tests.support.store import REDIS_URL


def _count(db_session, model):
    count = db_session.scalar(select(func.count()).select_from(model))
    db_session.rollback()
    return count


def _assert_429(response):
    assert response.status_code == 429
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 429 and body["title"] == "Too Many Requests"
    assert int(response.headers["Retry-After"]) >= 1
    return int(response.headers["Retry-After"])


def test_per_ip_limit_is_10_per_minute(client, newsletter):
    ip = {"REMOTE_ADDR": "198.51.100.7"}
    for number in range(10):
        response = client.post(SIGNUP, json=signup_body(f"p{number}@example.com"), environ_base=ip)
        assert response.status_code == 202
    retry_after = _assert_429(
        client.post(SIGNUP, json=signup_body("p10@example.com"), environ_base=ip)
    )
    assert retry_after <= 61
    # Invalid requests count too (bots), and another client is not affected.
    other = {"REMOTE_ADDR": "198.51.100.8"}
    assert (
        client.post(SIGNUP, json=signup_body("q@example.com"), environ_base=other).status_code
        == 202
    )


def test_per_address_limit_is_3_per_hour_across_ips(client, newsletter, db_session):
    for number in range(3):
        response = client.post(
            SIGNUP,
            json=signup_body("Target@Example.com"),
            environ_base={"REMOTE_ADDR": f"192.0.2.{number}"},
        )
        assert response.status_code == 202
    retry_after = _assert_429(
        client.post(
            SIGNUP,
            json=signup_body("target@EXAMPLE.com"),  # same address, other spelling
            environ_base={"REMOTE_ADDR": "192.0.2.99"},
        )
    )
    assert 61 < retry_after <= 3601
    assert _count(db_session, Subscription) == 1


def test_invalid_requests_do_not_use_up_the_address_limit(client, newsletter):
    for _ in range(4):
        assert client.post(SIGNUP, json={"email": "typo@example.com"}).status_code == 422
    assert client.post(SIGNUP, json=signup_body("typo@example.com")).status_code == 202


def test_limits_are_configurable(make_app, newsletter, client):
    session_client = client
    app = make_app(
        NEWSLETTER_SIGNUP_LIMIT_PER_IP="2 per minute", NEWSLETTER_SIGNUP_LIMIT_PER_EMAIL="1/day"
    )
    client = app.test_client()
    assert client.post(SIGNUP, json=signup_body("c1@example.com")).status_code == 202
    _assert_429(client.post(SIGNUP, json=signup_body("c1@example.com")))
    _assert_429(client.post(SIGNUP, json=signup_body("c2@example.com")))  # 3rd from this IP
    disabled = make_app(RATELIMIT_ENABLED=False).test_client()
    for _ in range(12):
        assert disabled.post(SIGNUP, json=signup_body("c3@example.com")).status_code == 202
    # Settings belong to each app: the other apps keep their own limits and storage.
    _assert_429(client.post(SIGNUP, json=signup_body("c4@example.com")))
    for _ in range(3):
        assert session_client.post(SIGNUP, json=signup_body("c5@example.com")).status_code == 202
    _assert_429(session_client.post(SIGNUP, json=signup_body("c5@example.com")))


@pytest.mark.redis
def test_redis_storage_is_shared_and_cleaned_up(make_app, newsletter):
    store = redis.Redis.from_url(REDIS_URL)
    prefix = f"careleaf-test-{uuid.uuid4().hex}"
    settings = {"RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix}
    # Two apps stand for two processes: the address limit is shared through Redis.
    first, second = make_app(**settings).test_client(), make_app(**settings).test_client()
    try:
        for client in (first, second, first):
            assert client.post(SIGNUP, json=signup_body("r@example.com")).status_code == 202
        _assert_429(second.post(SIGNUP, json=signup_body("r@example.com")))
        keys = [key.decode() for key in store.scan_iter(f"*{prefix}*")]
        assert keys, "the limits were not kept in Redis"
        assert not any("r@example.com" in key for key in keys)  # keyed hashes, not addresses
    finally:
        for key in store.scan_iter(f"*{prefix}*"):
            store.delete(key)
        assert list(store.scan_iter(f"*{prefix}*")) == []
        store.close()


def test_twenty_concurrent_signups_of_one_address(make_app, newsletter, db_session):
    app = make_app(RATELIMIT_ENABLED=False)
    barrier = threading.Barrier(20)
    statuses: list[int] = []
    lock = threading.Lock()

    def sign_up(number: int) -> None:
        client = app.test_client()
        barrier.wait()
        spelling = "Race@Example.com" if number % 2 else "race@example.com"
        response = client.post(SIGNUP, json=signup_body(spelling))
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=sign_up, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [202] * 20
    assert _count(db_session, Subscription) == 1
    assert _count(db_session, OutboxMessage) == 1  # one confirmation, not twenty

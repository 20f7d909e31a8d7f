"""Concurrency and durability against the real server: gunicorn with 4 workers on the test store.

Run on both stores. PostgreSQL is the production store and what these tests are about; SQLite
(WAL mode) serializes writers with its file lock, and each test holds there too, so it runs.
The transaction commits in an after_request hook, i.e. before gunicorn sends a byte of the
response: a 202 is only ever sent for a committed signup, which the SIGKILL test checks.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from api.newsletter.models import Subscription
from tests.support.newsletter import SIGNUP, free_port, signup_body
from tests.support.staff import new_article, query_store

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


class Server:
    """`gunicorn -w 4 wsgi:app` on a free port, in its own process group (master + workers)."""

    def __init__(self, database_url: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "durability-tests",
            "RATELIMIT_ENABLED": "false",  # one client sends the whole load
            "LOG_LEVEL": "WARNING",
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [str(ROOT / ".venv/bin/gunicorn"), "-w", "4", "-b", f"127.0.0.1:{self.port}"]
        self.process = subprocess.Popen(
            [*command, "--graceful-timeout", "2", "wsgi:app"],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if request("GET", f"{self.base}/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not answer /healthz within 30 s")

    def kill(self) -> None:
        """SIGKILL the master and every worker at once: nothing gets to clean up."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
            self.process = None


def request(
    method: str, url: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, Any, dict[str, str]]:
    data = None if body is None else json.dumps(body).encode()
    sent = {"Content-Type": "application/json", **(headers or {})} if data else headers or {}
    prepared = urllib.request.Request(url, data=data, method=method, headers=sent)
    try:
        with urllib.request.urlopen(prepared, timeout=30) as response:
            try:
                body = _json(response.read())
            except http.client.IncompleteRead:
                # Killed mid-body: the status line arrived, so the commit had happened.
                body = None
            return response.status, body, dict(response.headers)
    except urllib.error.HTTPError as error:
        with error:
            return error.code, _json(error.read()), dict(error.headers)


def _json(raw: bytes) -> Any:
    return json.loads(raw) if raw else None


@pytest.fixture
def server(database_url: str) -> Iterator[Server]:
    running = Server(database_url)
    running.start()
    yield running
    running.stop()


def all_at_once(calls: list[Any]) -> list[Any]:
    """Run each call in its own thread, released together; results in call order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = calls[index]()
        except Exception as error:
            results[index] = error

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _subscriptions(app: Any, email: str | None = None) -> int:
    statement = select(func.count()).select_from(Subscription)
    if email:
        statement = statement.where(Subscription.email_normalized == email.lower())
    return query_store(app, statement)[0]


def test_concurrent_signups_same_and_different_emails(server, app, newsletter):
    url = server.base + SIGNUP
    calls = [lambda: request("POST", url, signup_body("same@example.com"))] * 8
    calls += [
        (lambda n=n: request("POST", url, signup_body(f"reader{n}@example.com"))) for n in range(8)
    ]
    statuses = [result[0] for result in all_at_once(calls)]
    assert statuses == [202] * 16, statuses
    assert _subscriptions(app, "same@example.com") == 1  # no duplicate
    assert _subscriptions(app) == 9


def test_concurrent_patches_with_one_etag_exactly_one_wins(server, admin, make):
    make.author(slug="jane-doe")
    auth = {"Authorization": f"Bearer {admin.token}"}
    url = f"{server.base}/api/v1/articles/raced"
    assert (
        request("POST", f"{server.base}/api/v1/articles", new_article(slug="raced"), auth)[0] == 201
    )
    for round_number in range(3):
        etag = request("GET", url, headers=auth)[2]["ETag"]
        headers = {**auth, "If-Match": etag}
        calls = [
            (
                lambda title=f"R{round_number} W{n}", sent=headers: request(
                    "PATCH", url, {"title": title}, sent
                )
            )
            for n in range(6)
        ]
        statuses = sorted(result[0] for result in all_at_once(calls))
        assert statuses == [200, 412, 412, 412, 412, 412], statuses
    revisions = request("GET", f"{url}/revisions?page_size=100", headers=auth)[1]
    assert len(revisions) == 4  # the creation and one winner per round: no lost update


def test_concurrent_creation_of_one_slug_exactly_one_is_created(server, admin, make):
    make.author(slug="jane-doe")
    auth = {"Authorization": f"Bearer {admin.token}"}
    url = f"{server.base}/api/v1/articles"
    calls = [
        (lambda n=n: request("POST", url, new_article(slug="twin", title=f"Twin {n}"), auth))
        for n in range(8)
    ]
    results = all_at_once(calls)
    statuses = sorted(result[0] for result in results)
    assert statuses == [201] + [409] * 7, statuses
    conflicts = [body for status, body, _ in results if status == 409]
    assert all(body["errors"] == {"slug": ["Already in use."]} for body in conflicts), conflicts
    topics_url = f"{server.base}/api/v1/topics"
    calls = [
        (lambda: request("POST", topics_url, {"slug": "twin-topic", "name": "Twin"}, auth))
    ] * 8
    assert sorted(r[0] for r in all_at_once(calls)) == [201] + [409] * 7


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 120) -> None:
    """Poll `condition`; fail naming `what` after a generous `timeout` (never a bound tested)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} within {timeout} s")
        time.sleep(0.05)


def _signup_load(server: Server, stop: threading.Event, acknowledged: list[str], worker: int):
    number = 0
    while not stop.is_set():
        email = f"load{worker}-{number}@example.com"
        number += 1
        try:
            status = request("POST", server.base + SIGNUP, signup_body(email))[0]
        except (OSError, http.client.HTTPException):  # no status line: not acknowledged
            time.sleep(0.02)
            continue
        assert status in (202, 503), status
        if status == 202:
            acknowledged.append(email)


def test_sigkill_under_signup_load_loses_no_acknowledged_signup(server, app, newsletter):
    stop = threading.Event()
    acknowledged: list[str] = []
    workers = [
        threading.Thread(target=_signup_load, args=(server, stop, acknowledged, n))
        for n in range(8)
    ]
    for thread in workers:
        thread.start()
    try:
        # Conditions, not durations: enough acknowledged signups before the kill and after the
        # restart, however fast or busy the machine is.
        wait_until(lambda: len(acknowledged) > 20, "20 signups before the kill")
        before_kill = len(acknowledged)
        server.kill()  # master and workers, mid-request
        server.start()  # returns once /healthz answers
        wait_until(lambda: len(acknowledged) > before_kill + 20, "20 signups after the restart")
    finally:
        stop.set()
        for thread in workers:
            thread.join(timeout=60)
    assert before_kill > 20 and len(acknowledged) > before_kill  # load before and after
    stored = set(
        query_store(
            app,
            select(Subscription.email_normalized).where(
                Subscription.email_normalized.like("load%")
            ),
        )
    )
    lost = [email for email in acknowledged if email not in stored]
    assert lost == [], f"{len(lost)} acknowledged signups lost, e.g. {lost[:3]}"


def _post_chunked(server: Server, token: str, body: Any, **options: Any) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    headers.update(options.pop("headers", {}))
    try:
        connection.request("POST", "/api/v1/authors", body=body, headers=headers, **options)
        response = connection.getresponse()
        return response.status, json.loads(response.read())["detail"]
    finally:
        connection.close()


def test_chunked_bodies_get_the_same_guards(server, admin):
    """No Content-Length (chunked): the JSON depth guard still reads and checks the body."""
    deep = [b"[" * 5000, b"]" * 5000]
    status = _post_chunked(server, admin.token, iter(deep), encode_chunked=True)
    assert status == (400, "The JSON body is nested deeper than 32 levels.")
    # A broken chunked encoding (no chunk sizes) is the client's error, not a crash.
    raw = b"".join(deep)
    status = _post_chunked(server, admin.token, raw, headers={"Transfer-Encoding": "chunked"})
    assert status == (400, "The request body could not be read.")

"""The serving commands docs/deployment-and-scale.md documents, run for real: `make run` and
the production gunicorn command. Each enforces the documented rate limits exactly or refuses to
start, and every error a client can get from them, gunicorn's own included, is problem+json.

`make run` here is the real target (install, migrate, seed, serve) on a free PORT and a store of
its own (DATABASE_URL), so it never touches a developer's instance/ data.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.serving import GUNICORN_MAX_REQUEST_LINE
from tests.support.newsletter import SIGNUP, free_port, signup_body
from tests.support.store import REDIS_URL, redis_key_prefix

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow
# The documented defaults (docs/configuration.md): NEWSLETTER_SIGNUP_LIMIT_PER_IP "10 per minute;
# 100 per day" and AUTH_FAILURE_LIMIT "20 per minute".
SIGNUPS_PER_MINUTE = 10
BAD_TOKENS_PER_MINUTE = 20
PRODUCTION = [str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", "--workers", "2"]


def _clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """This process's environment without the settings under test, on a store of its own."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("RATELIMIT_")}
    env.pop("MAIL_SERVER", None)
    env.pop("SITE_URL", None)
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'careleaf.db'}",
        SECRET_KEY="serving-tests",
        LOG_LEVEL="WARNING",
        **extra,
    )
    return env


class Served:
    """A command serving Careleaf on `port`, in its own process group."""

    def __init__(self, command: list[str], env: dict[str, str], port: int, log: Path) -> None:
        self.port = port
        self.log = log
        with log.open("wb") as output:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"exited {self.process.returncode}: {self.output()}")
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"not serving after {timeout:.0f} s: {self.output()}")

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], Any]:
        head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        payload = b"" if body is None else json.dumps(body).encode()
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
        for name, value in (headers or {}).items():
            head += f"{name}: {value}\r\n"
        return self.raw(head.encode("latin-1") + b"\r\n" + payload)

    def raw(self, data: bytes) -> tuple[int, dict[str, str], Any]:
        """Send bytes as they are; (status, lower-cased headers, decoded JSON body or text)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=30) as connection:
            connection.sendall(data)
            received = b""
            while chunk := connection.recv(65536):
                received += chunk
        head, _, body = received.partition(b"\r\n\r\n")
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        text = body.decode(errors="replace")
        is_json = headers.get("content-type", "").endswith("json")
        return int(status_line.split()[1]), headers, json.loads(text) if is_json else text

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@pytest.fixture(scope="module")
def make_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp_path = tmp_path_factory.mktemp("make-run")
    port = free_port()
    server = Served(["make", "run"], _clean_env(tmp_path, PORT=str(port)), port, tmp_path / "log")
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


def _assert_problem(response: tuple[int, dict[str, str], Any], status: int) -> dict[str, Any]:
    code, headers, body = response
    assert code == status, body
    assert headers["content-type"] == "application/problem+json"
    assert body["status"] == status
    return body


def _count_signups(server: Served, tag: str) -> list[int]:
    statuses = []
    for number in range(SIGNUPS_PER_MINUTE + 3):
        status, headers, _ = server.request(
            "POST", SIGNUP, signup_body(f"{tag}{number}@example.com")
        )
        statuses.append(status)
        if status == 429:
            assert int(headers["retry-after"]) >= 1
    return statuses


def test_make_run_lets_exactly_the_documented_signups_through(make_run):
    assert _count_signups(make_run, "run") == [202] * SIGNUPS_PER_MINUTE + [429] * 3


def test_make_run_throttles_exactly_the_documented_bad_tokens(make_run):
    bad = {"Authorization": "Bearer clf_not-a-real-token"}
    statuses = [
        make_run.request("GET", "/api/v1/users", headers=bad)[0]
        for _ in range(BAD_TOKENS_PER_MINUTE + 2)
    ]
    assert statuses == [401] * BAD_TOKENS_PER_MINUTE + [429] * 2


def test_make_run_links_to_its_own_port(make_run):
    # SITE_URL comes from PORT (the Host header sent here names no port), for mail links too.
    status, _, feed = make_run.request("GET", "/feeds/articles.json")
    assert status == 200
    assert feed["feed_url"] == f"http://127.0.0.1:{make_run.port}/feeds/articles.json"


def test_a_long_url_is_a_problem_at_both_layers(make_run):
    # Over MAX_URL_BYTES (8000) but under gunicorn's line limit: the app's 414, request id and all.
    body = _assert_problem(make_run.request("GET", "/api/v1/articles?q=" + "a" * 8100), 414)
    assert body["errors"] == {"url": ["At most 8000 bytes."]} and body["request_id"]
    # Over gunicorn's own request-line limit: gunicorn answers, in the same shape.
    path = "/api/v1/articles?q=" + "a" * GUNICORN_MAX_REQUEST_LINE
    _assert_problem(make_run.request("GET", path), 414)


def test_header_fields_too_large_are_a_problem_at_both_layers(make_run):
    big = {"X-Big": "b" * 8_100}  # over MAX_HEADER_FIELD_BYTES (8000), under gunicorn's 8190
    body = _assert_problem(make_run.request("GET", "/healthz", headers=big), 431)
    assert body["errors"] == {"X-Big": ["At most 8000 bytes."]} and body["request_id"]
    together = {f"X-Part-{number}": "p" * 6_000 for number in range(3)}  # over 16 KiB in all
    body = _assert_problem(make_run.request("GET", "/healthz", headers=together), 431)
    assert list(body["errors"]) == ["X-Part-0"] and body["request_id"]
    many = {f"X-Field-{number}": "v" for number in range(110)}  # over 100, under gunicorn's
    body = _assert_problem(make_run.request("GET", "/healthz", headers=many), 431)
    assert body["errors"] == {"headers": ["At most 100 header fields."]}
    more = {f"X-Field-{number}": "v" for number in range(300)}  # over gunicorn's count too
    _assert_problem(make_run.request("GET", "/healthz", headers=more), 431)
    huge = {"X-Huge": "h" * 9_000}  # over gunicorn's size of one field: gunicorn answers
    _assert_problem(make_run.request("GET", "/healthz", headers=huge), 431)


def test_a_malformed_request_line_is_a_problem_too(make_run):
    _assert_problem(make_run.raw(b"NOT A REQUEST LINE AT ALL\r\n\r\n"), 400)


def test_production_command_refuses_memory_limits_with_several_workers(tmp_path):
    port = free_port()
    command = [*PRODUCTION, "--bind", f"127.0.0.1:{port}", "wsgi:app"]
    env = _clean_env(tmp_path)
    subprocess.run(
        [str(ROOT / ".venv/bin/alembic"), "upgrade", "head"], cwd=ROOT, env=env, check=True
    )
    server = Served(command, env, port, tmp_path / "log")
    try:
        # The master halts (3, "worker failed to boot"; 1 when it is still starting up).
        assert server.process.wait(timeout=120) != 0, server.output()
    finally:
        server.stop()
    assert "REFUSING TO START" in server.output()
    assert "RATELIMIT_STORAGE_URI=redis://" in server.output()


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    with redis_key_prefix("serving") as prefix:
        yield prefix


@pytest.mark.redis
def test_production_command_with_redis_counts_across_workers(tmp_path, redis_prefix):
    port = free_port()
    env = _clean_env(
        tmp_path,
        RATELIMIT_STORAGE_URI=REDIS_URL,
        RATELIMIT_KEY_PREFIX=redis_prefix,
    )
    for step in (["alembic", "upgrade", "head"], ["flask", "--app", "wsgi", "seed"]):
        subprocess.run(
            [str(ROOT / ".venv/bin" / step[0]), *step[1:]], cwd=ROOT, env=env, check=True
        )
    server = Served(
        [*PRODUCTION, "--bind", f"127.0.0.1:{port}", "wsgi:app"], env, port, tmp_path / "log"
    )
    try:
        server.wait_ready()
        assert _count_signups(server, "prod") == [202] * SIGNUPS_PER_MINUTE + [429] * 3
    finally:
        server.stop()

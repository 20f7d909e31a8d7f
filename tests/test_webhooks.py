"""Webhooks: admin CRUD, signed deliveries to a real local receiver, retries, timeouts, SSRF."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import threading

import pytest

from api.articles.models import ArticleStatus
from api.core import clock
from api.webhooks.signing import verify
from tests.support.newsletter import run_outbox
from tests.support.staff import problem, staff_headers

WEBHOOKS = "/api/v1/webhooks"
SECRET = "a-long-shared-secret-for-tests"


class Receiver:
    """A real HTTP server on 127.0.0.1 that verifies signatures, like a clinic site would."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.accepted: list[dict] = []
        self.seen_ids: set[str] = set()
        self.status = 204
        # Set: the receiver holds each request until released (or for 30 s at most), so a
        # delivery that is not cut off by WEBHOOK_TIMEOUT_SECONDS gets an answer and is "sent".
        self.stall = False
        self.released = threading.Event()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = dict(self.headers.items())
                receiver.requests.append((headers, body))
                if receiver.stall:
                    receiver.released.wait(timeout=30)
                self.send_response(receiver.check(headers, body))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/careleaf"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def check(self, headers: dict[str, str], body: bytes) -> int:
        """What a receiver does: verify signature and freshness, ignore repeats."""
        fresh = verify(
            SECRET,
            headers["Careleaf-Timestamp"],
            body,
            headers["Careleaf-Signature"],
            now=clock.now().timestamp(),
        )
        if not fresh:
            return 401
        if headers["Careleaf-Event-Id"] not in self.seen_ids:
            self.seen_ids.add(headers["Careleaf-Event-Id"])
            self.accepted.append(json.loads(body))
        return self.status


@pytest.fixture
def receiver():
    receiver = Receiver()
    receiver.thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture
def hook_app(make_app):
    return make_app(
        WEBHOOK_ALLOW_PRIVATE_TARGETS=True, WEBHOOK_TIMEOUT_SECONDS=1, OUTBOX_MAX_ATTEMPTS=3
    )


_tokens: dict[int, dict[str, str]] = {}


def admin_auth(app):
    """An admin's headers, made once per app and test (the store is emptied after each)."""
    if id(app) not in _tokens:
        _tokens[id(app)] = staff_headers(app)
    return _tokens[id(app)]


@pytest.fixture(autouse=True)
def _forget_tokens():
    yield
    _tokens.clear()


def register(app, url, events=("*",), **fields):
    response = app.test_client().post(
        WEBHOOKS,
        json={"url": url, "events": list(events), "secret": SECRET, **fields},
        headers=admin_auth(app),
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def deliveries(app, webhook_id):
    url = f"{WEBHOOKS}/{webhook_id}/deliveries"
    response = app.test_client().get(url, headers=admin_auth(app))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_publishing_sends_a_signed_webhook_that_the_receiver_verifies(
    hook_app, receiver, make, frozen_clock
):
    hook = register(hook_app, receiver.url, events=["article.published"])
    assert "secret" not in hook and hook["active"] is True
    make.article(slug="draft-only", status=ArticleStatus.DRAFT, published_at=None)
    make.article(slug="flu-season")
    assert run_outbox(hook_app) == 1
    [(headers, body)] = receiver.requests
    assert receiver.accepted == [json.loads(body)]
    event = json.loads(body)
    assert (event["type"], event["slug"], event["object"]) == (
        "article.published",
        "flu-season",
        "article",
    )
    assert headers["Careleaf-Event-Id"] == str(event["id"])
    assert headers["Content-Type"] == "application/json"
    assert headers["Careleaf-Signature"].startswith("v1=")
    [logged] = deliveries(hook_app, hook["id"])
    assert logged["status"] == "sent" and logged["attempts"] == 1
    assert logged["last_status_code"] == 204 and logged["event_type"] == "article.published"

    # A replay of the captured request later is refused by the receiver.
    frozen_clock.advance(minutes=10)
    assert receiver.check(headers, body) == 401
    # A tampered body is refused even when fresh.
    frozen_clock.advance(minutes=-10)
    assert receiver.check(headers, body.replace(b"flu", b"flo")) == 401


def test_failures_are_retried_with_backoff_and_logged(hook_app, receiver, make, frozen_clock):
    hook = register(hook_app, receiver.url)
    receiver.status = 500
    make.topic(slug="asthma")
    assert run_outbox(hook_app) == 1
    [logged] = deliveries(hook_app, hook["id"])
    assert (logged["status"], logged["attempts"], logged["last_status_code"]) == ("pending", 1, 500)
    assert "500" in logged["last_error"]
    assert run_outbox(hook_app) == 0  # backing off
    receiver.status = 200
    frozen_clock.advance(seconds=30)
    assert run_outbox(hook_app) == 1
    [logged] = deliveries(hook_app, hook["id"])
    assert (logged["status"], logged["attempts"], logged["last_status_code"]) == ("sent", 2, 200)
    assert logged["last_error"] is None
    assert [e["slug"] for e in receiver.accepted] == ["asthma"]


def test_a_slow_receiver_is_cut_off(hook_app, receiver, make):
    hook = register(hook_app, receiver.url)
    receiver.stall = True
    make.topic(slug="slow")
    try:
        assert run_outbox(hook_app) == 1
    finally:
        receiver.released.set()
    [logged] = deliveries(hook_app, hook["id"])
    assert logged["status"] == "pending" and logged["last_status_code"] is None
    assert "timed out" in logged["last_error"] or "within 1 seconds" in logged["last_error"]


def test_scheduled_publication_is_delivered_when_its_time_comes(
    hook_app, receiver, make, frozen_clock
):
    register(hook_app, receiver.url, events=["article.published"])
    make.article(slug="later", published_at=frozen_clock.current + dt.timedelta(hours=1))
    make.article(slug="called-off", published_at=frozen_clock.current + dt.timedelta(hours=1))
    make.update_article("called-off", status=ArticleStatus.DRAFT)
    assert run_outbox(hook_app) == 0
    frozen_clock.advance(hours=1)
    assert run_outbox(hook_app) == 1
    assert [e["slug"] for e in receiver.accepted] == ["later"]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.1/hook",
        "http://[::1]/hook",
        "http://0.0.0.0/hook",
        "http://224.0.0.1/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://localhost/hook",
        "ftp://example.com/hook",
        "file:///etc/passwd",
        "http://user:pass@example.com/hook",
        "not a url",
    ],
)
def test_urls_that_could_reach_inside_are_refused(client, admin_headers, url):
    response = client.post(
        WEBHOOKS, json={"url": url, "events": ["*"], "secret": SECRET}, headers=admin_headers
    )
    assert "url" in problem(response, 422)["errors"]


def test_delivery_checks_the_address_again(hook_app, make_app, make, receiver):
    """DNS may change after registration: the worker refuses a target that became private."""
    hook = register(hook_app, receiver.url)
    strict = make_app(WEBHOOK_ALLOW_PRIVATE_TARGETS=False)
    make.topic(slug="rebinding")
    assert run_outbox(strict) == 1
    assert receiver.requests == []
    [logged] = deliveries(hook_app, hook["id"])
    assert logged["status"] == "failed" and "127.0.0.1" in logged["last_error"]


# IPv6 forms that a gateway or the kernel turns into a packet to an IPv4 address inside.
EMBEDDED_INSIDE = {
    "6to4 of the metadata service": "http://[2002:a9fe:a9fe::]/hook",
    "6to4 of loopback": "http://[2002:7f00:1::1]/hook",
    "Teredo, server loopback": "http://[2001:0:7f00:1:0:0:f7f6:f5f4]/hook",
    "Teredo, obfuscated client 169.254.169.254": "http://[2001:0:808:808::5601:5601]/hook",
    "NAT64 of loopback": "http://[64:ff9b::7f00:1]/hook",
    "NAT64 of 10.0.0.1": "http://[64:ff9b::a00:1]/hook",
    "local-use NAT64": "http://[64:ff9b:1::a9fe:a9fe]/hook",
    "IPv4-compatible loopback": "http://[::127.0.0.1]/hook",
    "IPv4-compatible private": "http://[::192.168.1.1]/hook",
    "IPv4-mapped metadata": "http://[::ffff:169.254.169.254]/hook",
    "IPv4-translated loopback": "http://[::ffff:0:127.0.0.1]/hook",
    "IPv4-translated private": "http://[::ffff:0:172.16.0.1]/hook",
}


@pytest.mark.parametrize("url", EMBEDDED_INSIDE.values(), ids=EMBEDDED_INSIDE.keys())
def test_ipv6_addresses_embedding_an_inside_ipv4_are_refused(client, admin_headers, url):
    response = client.post(
        WEBHOOKS, json={"url": url, "events": ["*"], "secret": SECRET}, headers=admin_headers
    )
    assert "url" in problem(response, 422)["errors"]


@pytest.mark.parametrize(
    "url", [EMBEDDED_INSIDE["6to4 of the metadata service"], EMBEDDED_INSIDE["NAT64 of loopback"]]
)
def test_delivery_refuses_an_embedded_inside_ipv4(hook_app, make_app, make, url):
    """A target stored while private targets were allowed is refused by a strict worker."""
    hook = register(hook_app, url)
    strict = make_app(WEBHOOK_ALLOW_PRIVATE_TARGETS=False)
    make.topic(slug="tunnelled")
    assert run_outbox(strict) == 1
    [logged] = deliveries(hook_app, hook["id"])
    host = url.split("[")[1].split("]")[0]
    assert logged["status"] == "failed" and host in logged["last_error"]


def test_an_ipv6_address_embedding_a_public_ipv4_is_accepted(client, admin_headers):
    """The rule is about what is embedded, not the form: 6to4 of 8.8.8.8 is someone public."""
    response = client.post(
        WEBHOOKS,
        json={"url": "http://[2002:808:808::1]/hook", "events": ["*"], "secret": SECRET},
        headers=admin_headers,
    )
    assert response.status_code == 201, response.get_json()


def test_crud_is_for_admins_and_never_shows_the_secret(hook_app, receiver, make_staff, caplog):
    from api.users.models import Role

    client = hook_app.test_client()
    editor = staff_headers(hook_app, role=Role.EDITOR)
    body = {"url": receiver.url, "events": ["*"], "secret": SECRET}
    assert client.post(WEBHOOKS, json=body, headers=editor).status_code == 403
    assert client.get(WEBHOOKS).status_code == 401
    hook = register(hook_app, receiver.url)
    admin = admin_auth(hook_app)
    url = f"{WEBHOOKS}/{hook['id']}"
    changed = client.patch(url, json={"events": ["topic.created"], "active": False}, headers=admin)
    assert changed.status_code == 200 and changed.get_json()["events"] == ["topic.created"]
    assert problem(client.patch(url, json={"events": ["nope"]}, headers=admin), 422)["errors"]
    assert problem(client.post(WEBHOOKS, json={**body, "secret": "short"}, headers=admin), 422)
    listed = client.get(WEBHOOKS, headers=admin)
    assert [h["id"] for h in listed.get_json()] == [hook["id"]]
    assert SECRET not in listed.get_data(as_text=True)
    assert SECRET not in client.get(url, headers=admin).get_data(as_text=True)
    assert client.delete(url, headers=admin).status_code == 204
    assert client.get(url, headers=admin).status_code == 404
    assert SECRET not in caplog.text


def test_inactive_and_unsubscribed_endpoints_get_nothing(hook_app, receiver, make):
    register(hook_app, receiver.url, events=["topic.deleted"])
    register(hook_app, receiver.url, active=False)
    make.topic()
    assert run_outbox(hook_app) == 0

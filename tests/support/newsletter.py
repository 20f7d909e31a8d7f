"""Fixtures for the newsletter and outbox tests: a real SMTP server, an app that mails to it,
a newsletter, and helpers to run the outbox worker and read tokens from mail."""

from __future__ import annotations

import asyncio
import email
import email.policy
import re
import socket
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from api.extensions import db, limiter
from api.newsletter.models import Newsletter
from api.outbox import worker

SIGNUP = "/api/v1/newsletter/subscriptions"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RecordingHandler:
    """Keeps every message received; refuses recipients listed in `refuse` with a 550."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[list[str]] = []
        self.raw: list[bytes] = []
        self.refuse: set[str] = set()
        self.delay = 0.0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)  # slow delivery: lets parallel workers overlap
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
            self.raw.append(envelope.content)
            self.envelopes.append(list(envelope.rcpt_tos))
        return "250 Message accepted"


class SmtpServer:
    def __init__(self, controller: Controller, handler: RecordingHandler, port: int) -> None:
        self.controller = controller
        self.handler = handler
        self.port = port

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    handler = RecordingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(controller, handler, port)
    finally:
        controller.stop()


@pytest.fixture
def mail_app(make_app: Any, smtp_server: SmtpServer) -> Flask:
    """An app on the test store that delivers mail to the local SMTP server."""
    return make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, MAIL_TIMEOUT=5)


@pytest.fixture(autouse=True)
def _forget_rate_limits(app: Flask) -> Iterator[None]:
    yield
    with app.app_context():
        limiter.reset()


def create_newsletter(app: Flask, slug: str = "spine-health", name: str = "Spine health") -> int:
    with app.app_context(), db.transaction() as session:
        newsletter = Newsletter(slug=slug, name=name, description="Monthly.")
        session.add(newsletter)
        session.flush()
        return newsletter.id


@pytest.fixture
def newsletter(app: Flask) -> int:
    return create_newsletter(app)


def run_outbox(app: Flask) -> int:
    """Deliver everything due now, as `flask outbox run --once` does."""
    with app.app_context():
        return worker.run(once=True)


def signup_body(email_address: str, **fields: Any) -> dict[str, Any]:
    return {"email": email_address, "consent": True, **fields}


def link_token(message: EmailMessage, marker: str = "confirm") -> str:
    """The token of the first link in the mail's text whose URL contains `marker`."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(rf"https?://\S*{marker}\S*[?&]token=([^\s&]+)", text)
    assert match, text
    return unquote(match.group(1))


def unsubscribe_url(message: EmailMessage) -> str:
    header = str(message["List-Unsubscribe"])
    match = re.search(r"<(https?://[^>]+)>", header)
    assert match, header
    return match.group(1)


class PageParts(HTMLParser):
    """What a person or a screen reader meets on a small HTML page: language, headings,
    labels, buttons, forms with their fields, and any script."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.lang: str | None = None
        self.headings: list[str] = []
        self.labels: list[dict[str, str | None]] = []
        self.buttons: list[dict[str, str | None]] = []
        self.forms: list[dict[str, Any]] = []
        self.scripts = 0
        self._open: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.lang = values.get("lang")
        elif tag == "script":
            self.scripts += 1
        elif tag == "form":
            self.forms.append({**values, "fields": {}})
        elif tag == "input" and self.forms:
            self.forms[-1]["fields"][values.get("name")] = values.get("value")
        elif tag in ("h1", "h2", "label", "button"):
            self._open = tag
            if tag == "label":
                self.labels.append({**values, "text": ""})
            elif tag == "button":
                self.buttons.append({**values, "text": ""})
            else:
                self.headings.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._open:
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open == "label":
            self.labels[-1]["text"] = (self.labels[-1]["text"] or "") + data
        elif self._open == "button":
            self.buttons[-1]["text"] = (self.buttons[-1]["text"] or "") + data
        elif self._open in ("h1", "h2"):
            self.headings[-1] += data

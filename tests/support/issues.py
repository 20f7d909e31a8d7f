"""Newsletter issues for tests: an app that sends them to the local SMTP server, confirmed
subscribers made through the API, and the parts of a received mail."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from typing import Any

import pytest
from flask import Flask

from tests.support.newsletter import SIGNUP, SmtpServer, link_token, run_outbox, signup_body
from tests.support.staff import Staff

ISSUES = "/api/v1/newsletters/spine-health/issues"
CONFIRM = "/api/v1/newsletter/confirm"
SUBSCRIBERS = "/api/v1/newsletter/subscribers"
POSTAL_ADDRESS = "Careleaf Clinic, 1 Harbor Way, Springfield, IL 62701, USA"
# The frozen clock's time (tests/conftest.py): articles are published relative to it.
NOW = dt.datetime(2026, 1, 15, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def issue_app(make_app: Any, smtp_server: SmtpServer) -> Flask:
    """An app that mails to the local SMTP server, with the clinic's postal address set."""
    return make_app(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_server.port,
        MAIL_TIMEOUT=5,
        SITE_URL="https://api.clinic.example",
        CLINIC_POSTAL_ADDRESS=POSTAL_ADDRESS,
    )


def as_staff(app: Flask, staff: Staff) -> Staff:
    """The same staff member, talking to `app`."""
    return Staff(app.test_client(), staff.user, staff.token)


def subscribe(
    app: Flask, smtp_server: SmtpServer, address: str, *, confirm: bool = True, **fields: Any
) -> None:
    """Sign up through the API and (by default) confirm with the link of the mail received."""
    client = app.test_client()
    assert client.post(SIGNUP, json=signup_body(address, **fields)).status_code == 202
    run_outbox(app)
    if confirm:
        [mail] = [m for m in smtp_server.messages if m["To"] == address]
        assert client.post(CONFIRM, json={"token": link_token(mail)}).status_code == 200


def subscriber_id(admin: Staff, address: str) -> int:
    [row] = admin.get(SUBSCRIBERS, query_string={"email": address}).get_json()
    return row["id"]


def mails_to(smtp_server: SmtpServer, address: str) -> list[EmailMessage]:
    return [mail for mail in smtp_server.messages if mail["To"] == address]


def parts(mail: EmailMessage) -> tuple[str, str]:
    """(text, html) of a multipart/alternative mail, with the wire's CRLF line ends as LF."""
    text = mail.get_body(preferencelist=("plain",))
    html = mail.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    return tuple(part.get_content().replace("\r\n", "\n") for part in (text, html))

"""The mail we send is well formed (Date, Message-ID, RFC 8058 headers), the unsubscribe link
opens a page with one button in any browser, every unsubscription records when and how, and
the dev mailer's log keeps every word and header while masking addresses and tokens."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from api.core.request_log import redact
from tests.support.newsletter import (
    SIGNUP,
    PageParts,
    link_token,
    run_outbox,
    signup_body,
    unsubscribe_url,
)
from tests.support.outbox import enqueue_mails

CONFIRM = "/api/v1/newsletter/confirm"
SUBSCRIBERS = "/api/v1/newsletter/subscribers"
MESSAGE_ID = re.compile(r"<[^<>@\s]+@([^<>@\s]+)>")


def _subscribe(app, smtp_server, address: str):
    """A confirmed subscriber; returns the confirmation mail (it carries the unsubscribe link)."""
    client = app.test_client()
    assert client.post(SIGNUP, json=signup_body(address)).status_code == 202
    run_outbox(app)
    mail = smtp_server.messages[-1]
    assert client.post(CONFIRM, json={"token": link_token(mail)}).status_code == 200
    return mail


def _subscriber(admin, address: str) -> dict:
    [row] = admin.get(SUBSCRIBERS, query_string={"email": address}).get_json()
    return row


def _relative(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_every_mail_has_a_date_a_message_id_and_one_click_headers(
    make_app, smtp_server, newsletter, frozen_clock
):
    app = make_app(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, SITE_URL="https://api.clinic.example"
    )
    app.test_client().post(SIGNUP, json=signup_body("hdr@example.com"))
    enqueue_mails(app, to="plain@example.com")  # a mail without List-Unsubscribe
    run_outbox(app)
    confirmation, plain = sorted(smtp_server.messages, key=lambda m: m["To"] != "hdr@example.com")

    ids = set()
    for mail in (confirmation, plain):
        sent_at = parsedate_to_datetime(mail["Date"])
        assert sent_at == frozen_clock.current and sent_at.utcoffset() == dt.timedelta(0)
        assert len(mail.get_all("Date")) == 1 and len(mail.get_all("Message-ID")) == 1
        match = MESSAGE_ID.fullmatch(mail["Message-ID"])
        assert match and match.group(1) == "api.clinic.example", mail["Message-ID"]
        ids.add(mail["Message-ID"])
    assert len(ids) == 2
    assert confirmation["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe_url(confirmation).startswith("https://api.clinic.example/")
    assert plain["List-Unsubscribe"] is None and plain["List-Unsubscribe-Post"] is None


def test_unsubscribe_link_opens_a_page_whose_one_button_unsubscribes(
    mail_app, smtp_server, newsletter, admin, frozen_clock
):
    mail = _subscribe(mail_app, smtp_server, "page@example.com")
    url = _relative(unsubscribe_url(mail))
    client = mail_app.test_client()

    page = client.get(url)
    assert page.status_code == 200 and page.mimetype == "text/html"
    parts = PageParts(page.get_data(as_text=True))
    assert parts.lang == "en" and parts.headings == ["Unsubscribe"] and parts.scripts == 0
    [button] = parts.buttons
    assert button["text"] == "Unsubscribe" and button.get("type") == "submit"
    [label] = parts.labels
    assert label["for"] == button["id"] and "Unsubscribe" in label["text"]
    [form] = parts.forms
    assert form["method"] == "post"
    assert urljoin("http://localhost" + url, form["action"]) == "http://localhost" + url
    # The app's strict policy lets this page post its form to itself, and run no script.
    policy = page.headers["Content-Security-Policy"]
    assert "form-action 'self'" in policy and "script-src" not in policy
    assert "default-src 'none'" in policy and page.headers["Cache-Control"] == "no-store"
    # Opening the page changes nothing.
    assert _subscriber(admin, "page@example.com")["status"] == "active"

    frozen_clock.advance(minutes=5)
    done = client.post(urljoin(url, form["action"]), data=form["fields"])
    assert done.status_code == 200 and done.mimetype == "text/html"
    assert PageParts(done.get_data(as_text=True)).headings == ["You are unsubscribed"]
    row = _subscriber(admin, "page@example.com")
    assert row["status"] == "unsubscribed" and row["unsubscribe_method"] == "page"
    assert dt.datetime.fromisoformat(row["unsubscribed_at"]) == frozen_clock.current
    # A second press says the same, and keeps the first time and method.
    frozen_clock.advance(minutes=5)
    again = client.post(urljoin(url, form["action"]), data=form["fields"])
    assert again.get_data() == done.get_data()
    assert _subscriber(admin, "page@example.com")["unsubscribed_at"] == row["unsubscribed_at"]


def test_the_page_says_nothing_about_the_subscription(mail_app, smtp_server, newsletter):
    active = _subscribe(mail_app, smtp_server, "one@example.com")
    gone = _subscribe(mail_app, smtp_server, "two@example.com")
    client = mail_app.test_client()
    client.post(_relative(unsubscribe_url(gone)), data={"List-Unsubscribe": "One-Click"})

    def page_without_token(mail) -> bytes:
        token = unsubscribe_url(mail).rpartition("token=")[2]
        return client.get(_relative(unsubscribe_url(mail))).get_data().replace(token.encode(), b"T")

    assert page_without_token(active) == page_without_token(gone)

    # Forged, truncated, missing or oversized tokens: one page that only says the link is bad.
    key, _, mac = link_token(active, "prefer").partition(".")
    bad_pages = set()
    for query in (
        f"?token={key}.{mac[:-2]}",
        f"?token={key}",
        "",
        "?token=x.y",
        "?token=" + "a" * 500,
    ):
        response = client.get("/api/v1/newsletter/unsubscribe" + query)
        assert response.status_code == 200 and response.mimetype == "text/html", query
        assert PageParts(response.get_data(as_text=True)).headings == ["This link is not valid"]
        assert "form-action 'self'" in response.headers["Content-Security-Policy"]
        bad_pages.add(response.get_data())
    assert len(bad_pages) == 1
    text = bad_pages.pop().decode().lower()
    assert "subscribed" not in text and "@" not in text
    # The page's button with a forged token is refused like any forged token: nothing written.
    forged = client.post(f"/api/v1/newsletter/unsubscribe?token={key}.x", data={"via": "page"})
    assert forged.status_code == 400 and forged.mimetype == "application/problem+json"
    assert "token" in forged.get_json()["errors"]


def test_an_erased_subscribers_old_link_says_the_same(mail_app, smtp_server, newsletter, admin):
    mail = _subscribe(mail_app, smtp_server, "erased@example.com")
    assert (
        admin.delete(f"{SUBSCRIBERS}/{_subscriber(admin, 'erased@example.com')['id']}").status_code
        == 204
    )
    url = _relative(unsubscribe_url(mail))
    client = mail_app.test_client()
    form = PageParts(client.get(url).get_data(as_text=True)).forms[0]
    done = client.post(urljoin(url, form["action"]), data=form["fields"])
    assert done.status_code == 200
    assert PageParts(done.get_data(as_text=True)).headings == ["You are unsubscribed"]


def test_one_click_and_api_unsubscriptions_record_their_method(
    mail_app, smtp_server, newsletter, admin
):
    one_click = _subscribe(mail_app, smtp_server, "oc@example.com")
    by_api = _subscribe(mail_app, smtp_server, "api@example.com")
    client = mail_app.test_client()
    # RFC 8058: the mail client POSTs the header's URL with this form body.
    response = client.post(
        _relative(unsubscribe_url(one_click)),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200 and response.get_json()["status"] == "unsubscribed"
    token = link_token(by_api, "prefer")
    response = client.post("/api/v1/newsletter/unsubscribe", json={"token": token})
    assert response.status_code == 200 and response.get_json()["status"] == "unsubscribed"
    assert _subscriber(admin, "oc@example.com")["unsubscribe_method"] == "one_click"
    assert _subscriber(admin, "api@example.com")["unsubscribe_method"] == "api"
    export = csv.DictReader(io.StringIO(admin.get(SUBSCRIBERS + "/export").get_data(as_text=True)))
    methods = {row["email"]: row["unsubscribe_method"] for row in export}
    assert methods == {"oc@example.com": "one_click", "api@example.com": "api"}

    # Signing up and confirming again clears the old unsubscription.
    client.post(SIGNUP, json=signup_body("oc@example.com"))
    run_outbox(mail_app)
    client.post(CONFIRM, json={"token": link_token(smtp_server.messages[-1])})
    row = _subscriber(admin, "oc@example.com")
    assert row["status"] == "active" and row["unsubscribe_method"] is None


def test_dev_mailer_log_keeps_every_word_and_header(make_app, newsletter, caplog):
    app = make_app(NEWSLETTER_UNSUBSCRIBE_MAILTO="leave@clinic.example")
    assert app.config["MAIL_SERVER"] is None
    app.test_client().post(SIGNUP, json=signup_body("dev.reader@example.org"))
    with caplog.at_level(logging.INFO):
        assert run_outbox(app) == 1
    [record] = [r for r in caplog.records if r.name == "careleaf.dev_mail"]
    logged = record.getMessage()
    for words in (
        "If you did not ask for this, ignore this email: you will not be subscribed.",
        "<p>If you did not ask for this, ignore this email",
        "Confirm my subscription</a></p>",
        "Manage your topics or unsubscribe",
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
        "Subject: Confirm your subscription to Spine health",
    ):
        assert words in logged, words
    for header in ("From:", "To: <email>", "Date:", "Message-ID:", "List-Unsubscribe: <http"):
        assert re.search(rf"^{re.escape(header)}", logged, re.M), header
    # Addresses and every token are masked, the mailto: one included.
    assert "dev.reader" not in logged and "leave@clinic.example" not in logged
    assert "subject=unsubscribe%20<token>" in logged
    assert "token=<token>" in logged and not re.search(r"token=(?!<token>)", logged)


def test_redaction_masks_secrets_not_words():
    assert redact("the bearer of this card, Bearer 3fa85f64c9") == (
        "the bearer of this card, Bearer <token>"
    )
    assert redact('<a href="https://x.example/c?token=abc-1.d_2">Go</a> If') == (
        '<a href="https://x.example/c?token=<token>">Go</a> If'
    )

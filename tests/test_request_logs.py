"""Structured logs: one JSON object per line with the request id, no email or token ever."""

from __future__ import annotations

import json
import logging
import re

from api.core.request_log import JsonFormatter, TextFormatter, redact
from tests.support.newsletter import SIGNUP, link_token, run_outbox, signup_body

CONFIRM = "/api/v1/newsletter/confirm"
PREFERENCES = "/api/v1/newsletter/preferences"
UNSUBSCRIBE = "/api/v1/newsletter/unsubscribe"


def _lines(records):
    json_lines = [JsonFormatter().format(record) for record in records]
    text_lines = [TextFormatter().format(record) for record in records]
    return json_lines, text_lines


def test_each_request_logs_one_json_access_line(client, caplog):
    with caplog.at_level(logging.INFO):
        client.get("/api/v1/articles?page=1", headers={"X-Request-ID": "req-1"})
        client.get("/api/v1/nowhere", headers={"X-Request-ID": "req-2"})
    access = [r for r in caplog.records if r.name == "careleaf.access"]
    entries = [json.loads(line) for line in _lines(access)[0]]
    assert [(e["request_id"], e["method"], e["path"], e["status"]) for e in entries] == [
        ("req-1", "GET", "/api/v1/articles", 200),
        ("req-2", "GET", "/api/v1/nowhere", 404),
    ]
    assert all(isinstance(e["duration_ms"], float) and e["duration_ms"] >= 0 for e in entries)
    assert all("\n" not in line for line in _lines(access)[0])


def test_log_format_is_configurable(make_app):
    root = logging.getLogger()
    make_app(LOG_FORMAT="text")
    ours = [h for h in root.handlers if getattr(h, "careleaf", False)]
    assert len(ours) == 1 and isinstance(ours[0].formatter, TextFormatter)
    make_app(LOG_FORMAT="json")
    ours = [h for h in root.handlers if getattr(h, "careleaf", False)]
    assert len(ours) == 1 and isinstance(ours[0].formatter, JsonFormatter)


def test_redaction_masks_emails_and_tokens():
    text = redact(
        "to Jane.Doe+x@Example.co.uk with clf_AbC-123_x, Authorization: Bearer abc.def "
        "and https://clinic.example/confirm?token=k1.m2&x=1"
    )
    assert "Jane" not in text and "AbC" not in text and "abc.def" not in text
    assert "k1.m2" not in text and "&x=1" in text


def test_no_email_or_token_reaches_the_logs_in_a_full_flow(
    app, mail_app, smtp_server, newsletter, make_staff, caplog
):
    email = "Secret.Patient@example.com"
    client = mail_app.test_client()
    secrets: list[str] = [email, email.lower()]
    with caplog.at_level(logging.DEBUG):
        # A reader signs up, confirms, reads and changes preferences, unsubscribes.
        assert client.post(SIGNUP, json=signup_body(email)).status_code == 202
        assert client.post(SIGNUP, json=signup_body(email)).status_code == 202
        run_outbox(mail_app)
        confirm_token = link_token(smtp_server.messages[0])
        preferences_token = link_token(smtp_server.messages[0], "prefer")
        secrets += [confirm_token, preferences_token]
        assert client.post(CONFIRM, json={"token": confirm_token}).status_code == 200
        query = {"token": preferences_token}
        assert client.get(PREFERENCES, query_string=query).status_code == 200
        assert client.post(UNSUBSCRIBE, json={"token": preferences_token}).status_code == 200
        problem_token = confirm_token[:-2] + "xx"
        client.post(CONFIRM, json={"token": problem_token})
        # Staff: an admin creates a user with a token, who uses it; a bad token is refused.
        admin = make_staff("admin")
        secrets.append(admin.token)
        headers = {"Authorization": f"Bearer {admin.token}"}
        created = client.post(
            "/api/v1/users",
            json={"name": "New", "email": "new.staff@clinic.example", "role": "writer"},
            headers=headers,
        )
        assert created.status_code == 201
        secrets.append("new.staff@clinic.example")
        issued = client.post(
            "/api/v1/tokens",
            json={"name": "ci", "user_id": created.get_json()["id"]},
            headers=headers,
        )
        assert issued.status_code == 201
        new_token = issued.get_json()["token"]
        secrets.append(new_token)
        me = client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {new_token}"})
        assert me.status_code == 200
        bad = client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {new_token}x"})
        assert bad.status_code == 401
        client.get("/api/v1/subscribers", headers=headers)
        run_outbox(mail_app)
        # Without MAIL_SERVER the dev mailer writes the whole mail, links included, to the log.
        dev_email = "dev.reader@example.org"
        secrets.append(dev_email)
        assert app.test_client().post(SIGNUP, json=signup_body(dev_email)).status_code == 202
        assert run_outbox(app) == 1
    assert len(caplog.records) > 10
    json_lines, text_lines = _lines(caplog.records)
    everything = "\n".join(json_lines + text_lines + [r.getMessage() for r in caplog.records])
    for secret in secrets:
        assert secret not in everything, secret
        assert secret.lower() not in everything.lower(), secret
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", everything)

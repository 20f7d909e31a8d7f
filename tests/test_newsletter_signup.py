"""Signup, double opt-in over a real SMTP server, unsubscribe and preferences, via the API."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import func, select

from api.newsletter.models import Subscription, SubscriptionStatus
from api.outbox.models import OutboxMessage
from tests.support.newsletter import (
    SIGNUP,
    link_token,
    run_outbox,
    signup_body,
    unsubscribe_url,
)

CONFIRM = "/api/v1/newsletter/confirm"
UNSUBSCRIBE = "/api/v1/newsletter/unsubscribe"
PREFERENCES = "/api/v1/newsletter/preferences"


def _subscriptions(db_session):
    rows = db_session.scalars(select(Subscription)).all()
    db_session.rollback()
    return rows


def _outbox_count(db_session):
    count = db_session.scalar(select(func.count()).select_from(OutboxMessage))
    db_session.rollback()
    return count


def test_whole_loop_through_a_real_smtp_server(mail_app, smtp_server, newsletter, make):
    make.topic(slug="exercise")
    client = mail_app.test_client()
    response = client.post(
        SIGNUP, json=signup_body(" Jane.Doe@Example.COM ", topics=["exercise"], source="kiosk-3")
    )
    assert response.status_code == 202
    assert smtp_server.messages == []  # nothing is sent inside the request

    assert run_outbox(mail_app) == 1
    [message] = smtp_server.messages
    assert smtp_server.handler.envelopes == [["Jane.Doe@example.com"]]
    assert message["Subject"] == "Confirm your subscription to Spine health"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert urlsplit(unsubscribe_url(message)).path == UNSUBSCRIBE
    # On the wire the header is the plain URL that mail clients parse, not an encoded word.
    assert b"\r\nList-Unsubscribe: <http://" in smtp_server.handler.raw[0]
    assert message.get_body(preferencelist=("html",)) is not None

    token = link_token(message)
    confirmed = client.post(CONFIRM, json={"token": token})
    assert confirmed.status_code == 200
    assert confirmed.get_json() == {"newsletter": "spine-health", "status": "active"}
    # Confirming twice (a double click) is harmless.
    again = client.post(CONFIRM, json={"token": token})
    assert again.status_code == 200 and again.get_json()["status"] == "active"

    preferences = client.get(PREFERENCES, query_string={"token": link_token(message, "prefer")})
    assert preferences.get_json() == {
        "newsletter": "spine-health",
        "email": "J***@example.com",
        "status": "active",
        "language": "en",
        "topics": ["exercise"],
    }
    assert run_outbox(mail_app) == 0  # nothing else queued


def test_responses_are_identical_whatever_the_address_state(client, app, newsletter, db_session):
    def signup(address, **extra):
        response = client.post(SIGNUP, json=signup_body(address, **extra))
        headers = sorted((k, v) for k, v in response.headers.items() if k != "X-Request-ID")
        return response.status_code, response.get_data(), headers

    new = signup("new@example.com")
    pending = signup("new@example.com")
    with app.app_context():
        from api.extensions import db

        with db.transaction() as session:
            session.execute(
                Subscription.__table__.update().values(status=SubscriptionStatus.ACTIVE.value)
            )
    active = signup("new@example.com")
    honeypot = signup("bot@example.com", website="http://spam.example")
    assert new == pending == active == honeypot
    assert new[0] == 202
    assert [s.email for s in _subscriptions(db_session)] == ["new@example.com"]


def test_honeypot_stores_and_sends_nothing(client, newsletter, db_session):
    response = client.post(SIGNUP, json=signup_body("bot@example.com", website="x"))
    assert response.status_code == 202
    assert _subscriptions(db_session) == []
    assert _outbox_count(db_session) == 0


def test_invalid_signups_are_422_naming_the_field(client, newsletter, db_session):
    cases = [
        ({"email": "not-an-email", "consent": True}, "email"),
        ({"email": "a@b..example", "consent": True}, "email"),
        ({"email": "a@example.com"}, "consent"),
        ({"email": "a@example.com", "consent": False}, "consent"),
        ({"email": "a@example.com", "consent": True, "topics": ["nope"]}, "topics"),
        ({"email": "a@example.com", "consent": True, "newsletter": "nope"}, "newsletter"),
        ({"email": "a@example.com", "consent": True, "source": "x" * 101}, "source"),
        ({"email": "a@example.com", "consent": True, "admin": True}, "admin"),
        ({"email": "a" * 400 + "@example.com", "consent": True}, "email"),
    ]
    for body, field in cases:
        response = client.post(SIGNUP, json=body)
        assert response.status_code == 422, body
        assert response.mimetype == "application/problem+json"
        assert field in response.get_json()["errors"], body
    assert _subscriptions(db_session) == []


def test_oversized_body_is_413(client, newsletter):
    response = client.post(SIGNUP, json=signup_body("a@example.com", website="x" * 20_000))
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"


def test_addresses_compare_case_insensitively(client, newsletter, db_session):
    for address in ("Ann@Example.com", " ann@EXAMPLE.COM", "ANN@example.com "):
        assert client.post(SIGNUP, json=signup_body(address)).status_code == 202
    [subscription] = _subscriptions(db_session)
    assert subscription.email == "Ann@example.com"
    assert subscription.email_normalized == "ann@example.com"


def test_consent_evidence_is_recorded(client, app, newsletter, db_session):
    client.post(
        SIGNUP,
        json=signup_body("ev@example.com", source="form-7"),
        headers={"User-Agent": "Kiosk/1.0 " + "x" * 400},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    [subscription] = _subscriptions(db_session)
    assert subscription.consent_text == app.config["NEWSLETTER_CONSENT_TEXT"]
    assert subscription.consent_version == app.config["NEWSLETTER_CONSENT_VERSION"]
    assert subscription.consented_at is not None and subscription.source == "form-7"
    assert len(subscription.user_agent) == 255 and subscription.user_agent.startswith("Kiosk/1.0")
    assert len(subscription.ip_hash) == 64 and "203.0.113.9" not in subscription.ip_hash


def test_confirmation_expires_after_48_hours(mail_app, smtp_server, newsletter, frozen_clock):
    client = mail_app.test_client()
    client.post(SIGNUP, json=signup_body("late@example.com"))
    run_outbox(mail_app)
    token = link_token(smtp_server.messages[0])
    frozen_clock.advance(hours=48)
    response = client.post(CONFIRM, json={"token": token})
    assert response.status_code == 400
    assert "expired" in response.get_json()["detail"]
    # Signing up again sends a fresh link, which works; the old one is gone.
    assert client.post(SIGNUP, json=signup_body("late@example.com")).status_code == 202
    run_outbox(mail_app)
    fresh = link_token(smtp_server.messages[1])
    assert fresh != token
    assert client.post(CONFIRM, json={"token": token}).status_code == 400
    assert client.post(CONFIRM, json={"token": fresh}).status_code == 200


def test_confirm_just_before_expiry_works(mail_app, smtp_server, newsletter, frozen_clock):
    client = mail_app.test_client()
    client.post(SIGNUP, json=signup_body("ontime@example.com"))
    run_outbox(mail_app)
    frozen_clock.advance(hours=47, minutes=59)
    assert (
        client.post(CONFIRM, json={"token": link_token(smtp_server.messages[0])}).status_code == 200
    )


def test_unknown_and_used_tokens_are_400(mail_app, smtp_server, newsletter):
    client = mail_app.test_client()
    unknown = client.post(CONFIRM, json={"token": "x" * 43})
    assert unknown.status_code == 400 and "unknown" in unknown.get_json()["detail"]
    assert "token" in unknown.get_json()["errors"]
    assert client.post(CONFIRM, json={}).status_code == 422

    client.post(SIGNUP, json=signup_body("used@example.com"))
    run_outbox(mail_app)
    message = smtp_server.messages[0]
    assert client.post(CONFIRM, json={"token": link_token(message)}).status_code == 200
    assert (
        client.post(UNSUBSCRIBE, query_string={"token": link_token(message, "prefer")}).status_code
        == 200
    )
    used = client.post(CONFIRM, json={"token": link_token(message)})
    assert used.status_code == 400 and "already been used" in used.get_json()["detail"]


def test_pending_resend_is_throttled_and_active_gets_nothing(
    mail_app, smtp_server, newsletter, frozen_clock
):
    client = mail_app.test_client()
    client.post(SIGNUP, json=signup_body("re@example.com"))
    client.post(SIGNUP, json=signup_body("re@example.com"))  # moments later: no second mail
    run_outbox(mail_app)
    assert len(smtp_server.messages) == 1
    frozen_clock.advance(minutes=5)
    client.post(SIGNUP, json=signup_body("re@example.com"))  # later: a new link
    run_outbox(mail_app)
    assert len(smtp_server.messages) == 2
    assert (
        client.post(CONFIRM, json={"token": link_token(smtp_server.messages[0])}).status_code == 400
    )
    assert (
        client.post(CONFIRM, json={"token": link_token(smtp_server.messages[1])}).status_code == 200
    )
    frozen_clock.advance(hours=1)
    client.post(SIGNUP, json=signup_body("re@example.com"))  # already active: nothing new
    run_outbox(mail_app)
    assert len(smtp_server.messages) == 2


def test_one_click_unsubscribe_then_signup_needs_fresh_confirmation(
    mail_app, smtp_server, newsletter, db_session
):
    client = mail_app.test_client()
    client.post(SIGNUP, json=signup_body("oc@example.com"))
    run_outbox(mail_app)
    first = smtp_server.messages[0]
    client.post(CONFIRM, json={"token": link_token(first)})

    # What a mail client does for RFC 8058: POST the header's URL, form-encoded.
    url = urlsplit(unsubscribe_url(first))
    response = client.post(
        f"{url.path}?{url.query}",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert response.get_json()["status"] == "unsubscribed"
    [subscription] = _subscriptions(db_session)
    assert subscription.status is SubscriptionStatus.UNSUBSCRIBED
    assert subscription.unsubscribed_at is not None
    # Twice is harmless.
    assert (
        client.post(f"{url.path}?{url.query}", data={"List-Unsubscribe": "One-Click"}).status_code
        == 200
    )

    client.post(SIGNUP, json=signup_body("oc@example.com"))
    assert _subscriptions(db_session)[0].status is SubscriptionStatus.PENDING
    run_outbox(mail_app)
    assert len(smtp_server.messages) == 2
    assert (
        client.post(CONFIRM, json={"token": link_token(smtp_server.messages[1])}).status_code == 200
    )
    # The unsubscribe link of the first mail still works: it is long-lived.
    assert client.post(UNSUBSCRIBE, data={"token": link_token(first, "prefer")}).status_code == 200


def test_unsubscribe_accepts_json_and_rejects_forged_tokens(mail_app, smtp_server, newsletter):
    client = mail_app.test_client()
    client.post(SIGNUP, json=signup_body("js@example.com"))
    run_outbox(mail_app)
    token = link_token(smtp_server.messages[0], "prefer")
    key, _, mac = token.partition(".")
    other_last = "B" if mac.endswith("A") else "A"  # a real near-miss, never the mac itself
    for forged in (key, f"{key}.{mac[:-1]}{other_last}", "x.y", ""):
        response = client.post(UNSUBSCRIBE, json={"token": forged})
        assert response.status_code == 400, forged
    assert client.post(UNSUBSCRIBE).status_code == 400
    response = client.post(UNSUBSCRIBE, json={"token": token})
    assert response.status_code == 200 and response.get_json()["status"] == "unsubscribed"
    # Unsubscribing a pending subscription also voids its confirmation link.
    confirm = client.post(CONFIRM, json={"token": link_token(smtp_server.messages[0])})
    assert confirm.status_code == 400


def test_preferences_read_and_change_topics(mail_app, smtp_server, newsletter, make):
    make.topic(slug="sleep")
    make.topic(slug="posture")
    client = mail_app.test_client()
    client.post(SIGNUP, json=signup_body("pref@example.com", topics=["sleep"]))
    run_outbox(mail_app)
    token = link_token(smtp_server.messages[0], "prefer")
    changed = client.patch(
        PREFERENCES, query_string={"token": token}, json={"topics": ["posture", "sleep"]}
    )
    assert changed.status_code == 200 and changed.get_json()["topics"] == ["posture", "sleep"]
    assert client.get(PREFERENCES, query_string={"token": token}).get_json()["topics"] == [
        "posture",
        "sleep",
    ]
    bad = client.patch(PREFERENCES, query_string={"token": token}, json={"topics": ["nope"]})
    assert bad.status_code == 422 and "topics" in bad.get_json()["errors"]
    readonly = client.patch(PREFERENCES, query_string={"token": token}, json={"status": "active"})
    assert readonly.status_code == 422
    assert client.get(PREFERENCES, query_string={"token": "bad.token"}).status_code == 400
    assert client.get(PREFERENCES).status_code == 422


def test_newsletters_are_listed_with_their_consent_text(client, app, newsletter):
    [listed] = client.get("/api/v1/newsletter/newsletters").get_json()
    assert listed["slug"] == "spine-health"
    assert listed["consent_version"] == app.config["NEWSLETTER_CONSENT_VERSION"]


def test_mailto_unsubscribe_is_offered_when_configured(make_app, smtp_server, newsletter):
    app = make_app(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_server.port,
        NEWSLETTER_UNSUBSCRIBE_MAILTO="unsubscribe@clinic.example",
        SITE_URL="https://api.clinic.example",
    )
    app.test_client().post(SIGNUP, json=signup_body("mt@example.com"))
    run_outbox(app)
    header = str(smtp_server.messages[0]["List-Unsubscribe"])
    assert header.startswith("<https://api.clinic.example/api/v1/newsletter/unsubscribe?token=")
    assert "<mailto:unsubscribe@clinic.example?subject=unsubscribe%20" in header


def test_anonymous_signup_cannot_change_an_active_subscription(
    mail_app, smtp_server, newsletter, make, db_session
):
    make.topic(slug="sleep")
    client = mail_app.test_client()
    client.post(SIGNUP, json=signup_body("act@example.com", topics=["sleep"], source="site"))
    run_outbox(mail_app)
    client.post(CONFIRM, json={"token": link_token(smtp_server.messages[0])})
    client.post(SIGNUP, json=signup_body("act@example.com", source="attacker"))
    [subscription] = _subscriptions(db_session)
    assert subscription.source == "site"
    assert subscription.status is SubscriptionStatus.ACTIVE


def test_public_endpoints_use_a_constant_number_of_queries(client, newsletter, make, count_queries):
    slugs = [make.topic().slug for _ in range(6)]
    with count_queries() as one_topic:
        client.post(SIGNUP, json=signup_body("q1@example.com", topics=slugs[:1]))
    with count_queries() as six_topics:
        client.post(SIGNUP, json=signup_body("q2@example.com", topics=slugs))
    assert one_topic.count == six_topics.count
    with count_queries() as listing:
        client.get("/api/v1/newsletter/newsletters")
    assert listing.count <= 2


def test_a_hard_bounce_at_the_limit_suspends_the_subscription(
    mail_app, smtp_server, newsletter, db_session
):
    mail_app.config["BOUNCE_LIMIT"] = 1  # tests/test_outbox_bounces.py counts up to the default
    smtp_server.handler.refuse.add("nobody@example.com")
    client = mail_app.test_client()
    client.post(SIGNUP, json=signup_body("nobody@example.com"))
    run_outbox(mail_app)
    [subscription] = _subscriptions(db_session)
    assert subscription.status is SubscriptionStatus.SUSPENDED
    # Signing up again (mailbox fixed) restarts double opt-in.
    smtp_server.handler.refuse.clear()
    client.post(SIGNUP, json=signup_body("nobody@example.com"))
    assert _subscriptions(db_session)[0].status is SubscriptionStatus.PENDING
    run_outbox(mail_app)
    assert len(smtp_server.messages) == 1

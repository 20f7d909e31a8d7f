from __future__ import annotations

from typing import Any

import marshmallow as ma
from email_validator import EmailNotValidError, validate_email
from flask import current_app

from api.core.smorest import Schema
from api.core.validation import SLUG
from api.newsletter.models import SubscriptionStatus

TOPIC_LIST = ma.fields.List(
    ma.fields.String(validate=SLUG), validate=ma.validate.Length(max=20), load_default=list
)


def normalize_email(value: str) -> tuple[str, str]:
    """(address to write to, key to compare): trimmed, NFC/IDNA-normalized, then lowercased.

    Raises EmailNotValidError; no DNS lookup (check_deliverability=False).
    """
    if len(value) > 320:
        raise EmailNotValidError("The email address is too long.")
    address = validate_email(value.strip(), check_deliverability=False).normalized
    return address, address.lower()


class EmailField(ma.fields.String):
    """An email address, loaded as its normalized form."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validate", ma.validate.Length(max=320))
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return normalize_email(text)[0]
        except EmailNotValidError as error:
            raise ma.ValidationError(str(error)) from None


LANGUAGE_TAG = [
    ma.validate.Length(max=35),
    ma.validate.Regexp(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$", error="Not a BCP 47 tag."),
]


class SignupSchema(Schema):
    """A signup; `website` is a honeypot that people never see and bots fill in."""

    email = EmailField(required=True)
    language = ma.fields.String(
        load_default="en",
        validate=LANGUAGE_TAG,
        metadata={"description": "Language of the mail (BCP 47); issues carry articles in it"},
    )
    newsletter = ma.fields.String(validate=SLUG, metadata={"description": "Default: the first"})
    topics = TOPIC_LIST
    consent = ma.fields.Boolean(
        required=True,
        validate=ma.validate.Equal(True, error="Consent is required to subscribe."),
    )
    source = ma.fields.String(
        validate=ma.validate.Length(min=1, max=100),
        metadata={"description": "Where the signup came from: site, kiosk or form id"},
    )
    website = ma.fields.String(
        load_default="",
        validate=ma.validate.Length(max=2000),
        metadata={"description": "Leave empty (honeypot)"},
    )


class AcceptedSchema(Schema):
    """The answer to every signup, whatever the address's state: it reveals nothing."""

    status = ma.fields.String(dump_only=True)
    detail = ma.fields.String(dump_only=True)


class SubscriberTokenSchema(Schema):
    token = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))


class OptionalSubscriberTokenSchema(Schema):
    token = ma.fields.String(validate=ma.validate.Length(min=1, max=200))


class UnsubscribePageQuerySchema(Schema):
    """The unsubscribe page checks the token itself: a bad one gets a page, not JSON."""

    # Generous: a damaged link up to this length still gets the page; beyond, a 422 problem.
    token = ma.fields.String(
        load_default="",
        validate=ma.validate.Length(max=2000),
        metadata={"description": "The token of the List-Unsubscribe link"},
    )


class ConfirmedSchema(Schema):
    newsletter = ma.fields.Function(lambda sub: sub.newsletter.slug, dump_only=True)
    status = ma.fields.Enum(SubscriptionStatus, by_value=True, dump_only=True)


class PreferencesSchema(Schema):
    """What the holder of a preferences link may see and change."""

    newsletter = ma.fields.Function(lambda sub: sub.newsletter.slug, dump_only=True)
    email = ma.fields.Function(lambda sub: mask_email(sub.email or ""), dump_only=True)
    status = ma.fields.Enum(SubscriptionStatus, by_value=True, dump_only=True)
    language = ma.fields.String(validate=LANGUAGE_TAG)
    topics = ma.fields.Method("topic_slugs", deserialize="load_topics")

    def topic_slugs(self, subscription: Any) -> list[str]:
        return [topic.slug for topic in subscription.topics]

    def load_topics(self, value: Any) -> list[str]:
        return TOPIC_LIST.deserialize(value)


def mask_email(address: str) -> str:
    """j***@example.com: enough to recognise one's address, not to learn someone else's."""
    local, _, domain = address.rpartition("@")
    return f"{local[:1]}***@{domain}" if local else ""


class NewsletterSchema(Schema):
    """A newsletter, with the consent text a signup form must show (and its version)."""

    slug = ma.fields.String(dump_only=True)
    name = ma.fields.String(dump_only=True)
    description = ma.fields.String(dump_only=True)
    consent_text = ma.fields.Function(
        lambda _: current_app.config["NEWSLETTER_CONSENT_TEXT"], dump_only=True
    )
    consent_version = ma.fields.Function(
        lambda _: current_app.config["NEWSLETTER_CONSENT_VERSION"], dump_only=True
    )


class SubscriberQuerySchema(Schema):
    status = ma.fields.Enum(
        SubscriptionStatus,
        by_value=True,
        metadata={"description": "Erased tombstones are listed only when asked for"},
    )
    newsletter = ma.fields.String(validate=SLUG)
    topic = ma.fields.String(validate=SLUG)
    email = ma.fields.String(
        validate=ma.validate.Length(min=1, max=320),
        metadata={"description": "Exact address, compared case-insensitively"},
    )


class SubscriberSchema(Schema):
    """A subscription as staff see it, consent evidence included."""

    id = ma.fields.Integer(dump_only=True)
    newsletter = ma.fields.Function(lambda sub: sub.newsletter.slug, dump_only=True)
    email = ma.fields.String(dump_only=True, allow_none=True)
    status = ma.fields.Enum(SubscriptionStatus, by_value=True, dump_only=True)
    language = ma.fields.String(dump_only=True)
    topics = ma.fields.Function(lambda sub: [t.slug for t in sub.topics], dump_only=True)
    source = ma.fields.String(dump_only=True, allow_none=True)
    consent_text = ma.fields.String(dump_only=True)
    consent_version = ma.fields.String(dump_only=True)
    consented_at = ma.fields.AwareDateTime(dump_only=True)
    ip_hash = ma.fields.String(dump_only=True, allow_none=True)
    user_agent = ma.fields.String(dump_only=True, allow_none=True)
    confirmation_sent_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    confirmed_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    unsubscribed_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    unsubscribe_method = ma.fields.String(
        dump_only=True,
        allow_none=True,
        metadata={"description": "one_click (RFC 8058), page (the link's page) or api"},
    )
    erased_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    last_signup_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    hard_bounces = ma.fields.Integer(
        dump_only=True,
        metadata={"description": "Permanent SMTP refusals since the address was last confirmed"},
    )
    last_bounced_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    suspended_at = ma.fields.AwareDateTime(
        dump_only=True,
        allow_none=True,
        metadata={"description": "When BOUNCE_LIMIT hard bounces suspended it (status suspended)"},
    )
    created_at = ma.fields.AwareDateTime(dump_only=True)
    updated_at = ma.fields.AwareDateTime(dump_only=True)


class StatsQuerySchema(Schema):
    days = ma.fields.Integer(
        load_default=30,
        validate=ma.validate.Range(min=1, max=366),
        metadata={"description": "How many days of signups per day, today included"},
    )


class DailyCountSchema(Schema):
    date = ma.fields.Date(dump_only=True)
    count = ma.fields.Integer(dump_only=True)


class NewsletterStatsSchema(Schema):
    slug = ma.fields.String(dump_only=True)
    name = ma.fields.String(dump_only=True)
    by_status = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())


class StatsSchema(Schema):
    """Counts by status (overall and per newsletter), signups per day, undeliverable emails."""

    by_status = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    newsletters = ma.fields.List(ma.fields.Nested(NewsletterStatsSchema))
    signups_per_day = ma.fields.List(ma.fields.Nested(DailyCountSchema))
    outbox = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Integer(),
        metadata={"description": "Newsletter emails by delivery status (failed: see /outbox)"},
    )

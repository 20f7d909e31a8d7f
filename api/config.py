"""Configuration, read once from environment variables (documented in docs/configuration.md)."""

from __future__ import annotations

import os
from typing import Any


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def _choice(name: str, choices: tuple[str, ...]) -> str:
    """One of `choices` (the first is the default); anything else stops the start-up."""
    value = (os.environ.get(name) or choices[0]).strip().lower()
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def _float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return default if value in (None, "") else float(value)


DEFAULT_DISCLAIMER = (
    "This information is for education and does not replace advice from your own clinician. "
    "If you think you have an emergency, call 911."
)


def load_env_file() -> None:
    """Read `.env` from the working directory (or the nearest parent that has one) into the
    environment, as `flask` itself does: every entry point (`flask`, gunicorn, wsgi.py) then
    sees one configuration. A variable already set in the environment wins over the file;
    FLASK_SKIP_DOTENV=1 skips the file, as it does for `flask`."""
    from dotenv import find_dotenv, load_dotenv
    from flask.helpers import get_load_dotenv

    if not get_load_dotenv():
        return
    path = find_dotenv(".env", usecwd=True)
    if path:
        load_dotenv(path, override=False, encoding="utf-8")


def from_environment() -> dict[str, Any]:
    """Settings taken from the process environment; `create_app(config)` overrides them."""
    return {
        # None means "a SQLite file in the instance folder", resolved in create_app.
        "DATABASE_URL": os.environ.get("DATABASE_URL") or None,
        "DATABASE_ECHO": _bool("DATABASE_ECHO", False),
        "MAX_CONTENT_LENGTH": _int("MAX_CONTENT_LENGTH", 1024 * 1024),
        # Request head limits (414 / 431 as problem+json); gunicorn.conf.py sets gunicorn's above.
        "MAX_URL_BYTES": _int("MAX_URL_BYTES", 8000),
        "MAX_HEADER_FIELDS": _int("MAX_HEADER_FIELDS", 100),
        "MAX_HEADER_BYTES": _int("MAX_HEADER_BYTES", 16 * 1024),
        # Unset: the host and port each request came to (api/core/site.py).
        "SITE_URL": os.environ.get("SITE_URL") or None,
        "ARTICLE_URL_TEMPLATE": os.environ.get(
            "ARTICLE_URL_TEMPLATE", "https://clinic.example/learn/{slug}"
        ),
        "READING_WORDS_PER_MINUTE": _int("READING_WORDS_PER_MINUTE", 200),
        # Markdown shown with every article (disclaimer_html); empty turns it off.
        "CLINIC_DISCLAIMER": os.environ.get("CLINIC_DISCLAIMER", DEFAULT_DISCLAIMER),
        "REVIEW_INTERVAL_DAYS": _int("REVIEW_INTERVAL_DAYS", 365),
        # Public review.status is "due_soon" this many days before next_review_due.
        "REVIEW_DUE_SOON_DAYS": _int("REVIEW_DUE_SOON_DAYS", 30),
        # Separation of duties: whoever made a revision may not approve it, unless this is on.
        "REVIEW_ALLOW_SELF_APPROVAL": _bool("REVIEW_ALLOW_SELF_APPROVAL", False),
        # flag: an overdue article stays public, review.status "overdue"; withdraw: it leaves
        # public view REVIEW_GRACE_DAYS after its due date (`flask review withdraw-overdue`).
        "REVIEW_OVERDUE_ACTION": _choice("REVIEW_OVERDUE_ACTION", ("flag", "withdraw")),
        "REVIEW_GRACE_DAYS": _int("REVIEW_GRACE_DAYS", 14),
        # Above this Flesch-Kincaid grade, submit warns and approve needs accept_reading_grade.
        "CLINIC_MAX_READING_GRADE": _float("CLINIC_MAX_READING_GRADE", 8.0),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        # json: one JSON object per line (request id, method, path, status, duration); or text.
        "LOG_FORMAT": os.environ.get("LOG_FORMAT", "json").strip().lower(),
        # page * page_size may not exceed this (deep scans: use the staff exports).
        "MAX_PAGE_DEPTH": _int("MAX_PAGE_DEPTH", 10_000),
        # Failed bearer-token attempts allowed per client address before 429s.
        "AUTH_FAILURE_LIMIT": os.environ.get("AUTH_FAILURE_LIMIT", "20 per minute"),
        # None means "a random key kept in the instance folder", resolved in create_app.
        "SECRET_KEY": os.environ.get("SECRET_KEY") or None,
        "PROXY_FIX_X_FOR": _int("PROXY_FIX_X_FOR", 0),
        # Page totals (X-Pagination) are exact up to this many matches, a flagged lower bound
        # past it: counting stops there (api/core/pagination.py).
        "LIST_COUNT_CAP": _int("LIST_COUNT_CAP", 1_000),
        # Related articles (api/related): how long topic sizes are reused, how many recent
        # public articles of each neighbouring topic are candidates.
        "RELATED_STATS_TTL_SECONDS": _int("RELATED_STATS_TTL_SECONDS", 300),
        "RELATED_CANDIDATES_PER_TOPIC": _int("RELATED_CANDIDATES_PER_TOPIC", 50),
        # Draft preview links (api/previews): their longest life, and the front-end page that
        # shows one ({token}); unset, the link is the API's own GET /api/v1/previews/{token}.
        "PREVIEW_TTL_HOURS": _int("PREVIEW_TTL_HOURS", 48),
        "PREVIEW_URL_TEMPLATE": os.environ.get("PREVIEW_URL_TEMPLATE") or None,
        # Per-query, per-day search counts (content gaps) are kept this many days;
        # `flask search prune` deletes older ones.
        "SEARCH_LOG_RETENTION_DAYS": _int("SEARCH_LOG_RETENTION_DAYS", 90),
        **_media_settings(),
        **_mail_settings(),
        **_outbox_settings(),
        **_newsletter_settings(),
        **_delivery_settings(),
        **_handout_settings(),
    }


def _handout_settings() -> dict[str, Any]:
    env = os.environ.get
    return {
        # The clinic on printed handouts (api/handouts); unset ones are left off the page.
        "CLINIC_NAME": env("CLINIC_NAME", "Careleaf Clinic"),
        # CLINIC_POSTAL_ADDRESS, the newsletter footer's (_newsletter_settings), is shown too.
        "CLINIC_PHONE": env("CLINIC_PHONE") or None,
        # Paper of handouts when the request names none (`?paper=`).
        "HANDOUT_PAPER": _choice("HANDOUT_PAPER", ("letter", "a4")),
        # Longer articles are refused (422) rather than laid out: the bound on a render's
        # time and memory (bench/RESULTS.md, "Handouts").
        "HANDOUT_MAX_WORDS": _int("HANDOUT_MAX_WORDS", 3_000),
    }


def _delivery_settings() -> dict[str, Any]:
    env = os.environ.get
    return {
        "PUBLIC_CACHE_CONTROL": env(
            "PUBLIC_CACHE_CONTROL", "public, max-age=60, stale-while-revalidate=300"
        ),
        "ERROR_CACHE_CONTROL": env("ERROR_CACHE_CONTROL", "no-store"),
        # Per-process memory for public response bodies, keyed by their validator (0: off).
        "RESPONSE_CACHE_BYTES": _int("RESPONSE_CACHE_BYTES", 32 * 1024 * 1024),
        # Change it to give every public response a new ETag (e.g. after a deploy that
        # changes response shapes).
        "CACHE_SALT": env("CACHE_SALT", ""),
        # Comma-separated site origins allowed to read the public API from a browser.
        "CORS_ORIGINS": env("CORS_ORIGINS", ""),
        "TOPIC_URL_TEMPLATE": env("TOPIC_URL_TEMPLATE", "https://clinic.example/topics/{slug}"),
        "AUTHOR_URL_TEMPLATE": env("AUTHOR_URL_TEMPLATE", "https://clinic.example/authors/{slug}"),
        # The href of internal links in body_html: the site page (absolute), its root-relative
        # path (relative) or the API URL (api); `?links=` on a request overrides it.
        "LINK_MODE": _choice("LINK_MODE", ("absolute", "relative", "api")),
        "FEED_SIZE": _int("FEED_SIZE", 50),
        "FEED_TITLE": env("FEED_TITLE", "Careleaf patient education"),
        # The changes feed serves events older than this: longer than any write transaction.
        "CHANGES_SAFETY_LAG_SECONDS": _int("CHANGES_SAFETY_LAG_SECONDS", 5),
        "WEBHOOK_TIMEOUT_SECONDS": _int("WEBHOOK_TIMEOUT_SECONDS", 5),
        # Only for development and tests: lets webhooks reach loopback and private networks.
        "WEBHOOK_ALLOW_PRIVATE_TARGETS": _bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", False),
    }


def _media_settings() -> dict[str, Any]:
    return {
        # Where media bytes live: only "database" (the relational store) exists; any other
        # value stops the start-up (api/media/storage.py).
        "MEDIA_STORAGE": os.environ.get("MEDIA_STORAGE", "database"),
        # Largest image file accepted (413 beyond), and most pixels (422 beyond: bombs).
        "MEDIA_MAX_BYTES": _int("MEDIA_MAX_BYTES", 10 * 1024 * 1024),
        "MEDIA_MAX_PIXELS": _int("MEDIA_MAX_PIXELS", 40_000_000),
    }


def _mail_settings() -> dict[str, Any]:
    return {
        # Unset: mail to example domains goes to the log (development); mail to real
        # recipients waits, and `outbox run` refuses to start, unless MAIL_BACKEND=log.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER") or None,
        # log: every mail is written to the (redacted) log and never sent, on purpose.
        "MAIL_BACKEND": _choice("MAIL_BACKEND", ("smtp", "log")),
        "MAIL_PORT": _int("MAIL_PORT", 25),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", False),
        "MAIL_USE_SSL": _bool("MAIL_USE_SSL", False),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": os.environ.get(
            "MAIL_DEFAULT_SENDER", "Careleaf <newsletter@clinic.example>"
        ),
        "MAIL_TIMEOUT": _int("MAIL_TIMEOUT", 10),
        # Most messages one worker process sends a minute (0: no limit); per process.
        "MAIL_RATE_PER_MINUTE": _int("MAIL_RATE_PER_MINUTE", 600),
    }


def _outbox_settings() -> dict[str, Any]:
    return {
        "OUTBOX_MAX_ATTEMPTS": _int("OUTBOX_MAX_ATTEMPTS", 8),
        "OUTBOX_BACKOFF_SECONDS": _int("OUTBOX_BACKOFF_SECONDS", 30),
        "OUTBOX_BACKOFF_MAX_SECONDS": _int("OUTBOX_BACKOFF_MAX_SECONDS", 6 * 3600),
        "OUTBOX_LEASE_SECONDS": _int("OUTBOX_LEASE_SECONDS", 300),
        "OUTBOX_BATCH_SIZE": _int("OUTBOX_BATCH_SIZE", 20),
        "OUTBOX_POLL_SECONDS": _int("OUTBOX_POLL_SECONDS", 5),
    }


def _newsletter_settings() -> dict[str, Any]:
    env = os.environ.get
    return {
        "NEWSLETTER_CONFIRM_URL_TEMPLATE": env(
            "NEWSLETTER_CONFIRM_URL_TEMPLATE",
            "https://clinic.example/newsletter/confirm?token={token}",
        ),
        "NEWSLETTER_PREFERENCES_URL_TEMPLATE": env(
            "NEWSLETTER_PREFERENCES_URL_TEMPLATE",
            "https://clinic.example/newsletter/preferences?token={token}",
        ),
        "NEWSLETTER_UNSUBSCRIBE_MAILTO": env("NEWSLETTER_UNSUBSCRIBE_MAILTO") or None,
        "NEWSLETTER_DEFAULT": env("NEWSLETTER_DEFAULT") or None,
        "NEWSLETTER_CONFIRM_TTL_HOURS": _int("NEWSLETTER_CONFIRM_TTL_HOURS", 48),
        "NEWSLETTER_RESEND_INTERVAL_SECONDS": _int("NEWSLETTER_RESEND_INTERVAL_SECONDS", 120),
        "NEWSLETTER_CONSENT_TEXT": env(
            "NEWSLETTER_CONSENT_TEXT",
            "I agree to receive the clinic's newsletter by email. I can unsubscribe at any "
            "time with the link in every email.",
        ),
        "NEWSLETTER_CONSENT_VERSION": env("NEWSLETTER_CONSENT_VERSION", "2026-01"),
        # Hard bounces (permanent SMTP refusals) that suspend a subscription.
        "BOUNCE_LIMIT": _int("BOUNCE_LIMIT", 3),
        "NEWSLETTER_MAX_BODY_BYTES": _int("NEWSLETTER_MAX_BODY_BYTES", 8 * 1024),
        "NEWSLETTER_SIGNUP_LIMIT_PER_IP": env(
            "NEWSLETTER_SIGNUP_LIMIT_PER_IP", "10 per minute; 100 per day"
        ),
        "NEWSLETTER_SIGNUP_LIMIT_PER_EMAIL": env("NEWSLETTER_SIGNUP_LIMIT_PER_EMAIL", "3 per hour"),
        # CAN-SPAM: the footer of every issue shows it; unset, issues cannot be sent (409).
        "CLINIC_POSTAL_ADDRESS": env("CLINIC_POSTAL_ADDRESS") or None,
        "NEWSLETTER_QUEUE_CHUNK_SIZE": _int("NEWSLETTER_QUEUE_CHUNK_SIZE", 500),
        "NEWSLETTER_AUTO_FIRST_DAYS": _int("NEWSLETTER_AUTO_FIRST_DAYS", 30),
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        "RATELIMIT_STORAGE_URI": env("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_KEY_PREFIX": env("RATELIMIT_KEY_PREFIX", "careleaf"),
        # Redis socket timeouts: a storage that hangs answers 503s, it does not hang requests.
        "RATELIMIT_STORAGE_TIMEOUT_SECONDS": float(env("RATELIMIT_STORAGE_TIMEOUT_SECONDS", "1")),
    }


# flask-smorest settings: fixed, not environment-dependent.
OPENAPI_SETTINGS: dict[str, Any] = {
    "API_TITLE": "Careleaf",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": "/",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "docs",
    "OPENAPI_SWAGGER_UI_URL": "/docs/assets/",
    # Shows each operation's operationId: the name a generated client gives it.
    "OPENAPI_SWAGGER_UI_CONFIG": {"displayOperationId": True},
    "API_SPEC_OPTIONS": {
        "info": {
            "description": (
                "Patient-education content API: published articles, authors and "
                "topics for clinic websites and waiting-room kiosks."
            ),
        },
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
            }
        },
    },
}

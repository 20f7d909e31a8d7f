"""Configuration, read once from environment variables (documented in README.md)."""

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


def from_environment() -> dict[str, Any]:
    """Settings taken from the process environment; `create_app(config)` overrides them."""
    return {
        # None means "a SQLite file in the instance folder", resolved in create_app.
        "DATABASE_URL": os.environ.get("DATABASE_URL") or None,
        "DATABASE_ECHO": _bool("DATABASE_ECHO", False),
        "MAX_CONTENT_LENGTH": _int("MAX_CONTENT_LENGTH", 1024 * 1024),
        "SITE_URL": os.environ.get("SITE_URL", "http://127.0.0.1:5000"),
        "ARTICLE_URL_TEMPLATE": os.environ.get(
            "ARTICLE_URL_TEMPLATE", "https://clinic.example/learn/{slug}"
        ),
        "READING_WORDS_PER_MINUTE": _int("READING_WORDS_PER_MINUTE", 200),
        "REVIEW_INTERVAL_DAYS": _int("REVIEW_INTERVAL_DAYS", 365),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
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

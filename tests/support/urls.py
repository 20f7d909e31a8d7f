"""Where resources live with the test settings (the defaults of api/config.py)."""

from __future__ import annotations

SITE = "https://clinic.example"
# SITE_URL is unset in tests: the API names the host the test client asks (localhost).
API = "http://localhost/api/v1"
SITE_PATHS = {"article": "/learn/{slug}", "topic": "/topics/{slug}", "author": "/authors/{slug}"}
API_PATHS = {"article": "/articles/{slug}", "topic": "/topics/{slug}", "author": "/authors/{slug}"}


def site_url(kind: str, slug: str) -> str:
    return SITE + SITE_PATHS[kind].format(slug=slug)


def site_path(kind: str, slug: str) -> str:
    return SITE_PATHS[kind].format(slug=slug)


def api_url(kind: str, slug: str) -> str:
    return API + API_PATHS[kind].format(slug=slug)


def topic_ref(slug: str, name: str) -> dict[str, str]:
    """A topic as summaries show it (children, breadcrumbs, related topics...)."""
    return {
        "slug": slug,
        "name": name,
        "url": site_url("topic", slug),
        "api_url": api_url("topic", slug),
    }


def article_ref(slug: str, title: str) -> dict[str, str]:
    """An article reference (a topic's pillar)."""
    return {
        "slug": slug,
        "title": title,
        "url": site_url("article", slug),
        "api_url": api_url("article", slug),
    }

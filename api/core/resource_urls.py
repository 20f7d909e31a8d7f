"""Where a resource lives: its page on the clinic site (`url`) and in this API (`api_url`).

Plain string formatting from the settings, never `url_for`: no query, and the same bytes for
every client. `SITE_URL` is the API's public base URL; unset, the host served (api/core/site.py),
which the public cache key then includes.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import marshmallow as ma
from flask import current_app
from marshmallow.utils import get_value

from api.core import site

# Kinds of resource: the setting of its site page, and its path in the API.
SITE_TEMPLATES = {
    "article": "ARTICLE_URL_TEMPLATE",
    "topic": "TOPIC_URL_TEMPLATE",
    "author": "AUTHOR_URL_TEMPLATE",
}
API_PATHS = {
    "article": "/api/v1/articles/{slug}",
    "topic": "/api/v1/topics/{slug}",
    "author": "/api/v1/authors/{slug}",
}
LINK_MODES = ("absolute", "relative", "api")


def site_url(kind: str, slug: str) -> str:
    """The clinic site's page of the resource (absolute)."""
    return str(current_app.config[SITE_TEMPLATES[kind]]).format(slug=slug)


def site_path(kind: str, slug: str) -> str:
    """The site page as a root-relative reference (path, query and fragment of `site_url`)."""
    parts = urlsplit(site_url(kind, slug))
    query = f"?{parts.query}" if parts.query else ""
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    return (parts.path or "/") + query + fragment


def api_url(kind: str, slug: str) -> str:
    """The absolute API URL of the resource (SITE_URL, or the host served: api/core/site.py)."""
    return site.site_url() + API_PATHS[kind].format(slug=slug)


def link_href(kind: str, slug: str, mode: str) -> str:
    """The href of an internal link in a body, by link mode (see LINK_MODE)."""
    if mode == "relative":
        return site_path(kind, slug)
    if mode == "api":
        return api_url(kind, slug)
    return site_url(kind, slug)


class _UrlField(ma.fields.Field):
    """A read-only URL computed from the object's slug (at `slug_attribute`)."""

    def __init__(self, kind: str, slug_attribute: str = "slug", **kwargs: Any) -> None:
        kwargs.setdefault("dump_only", True)
        super().__init__(**kwargs)
        self.kind = kind
        self.slug_attribute = slug_attribute

    def serialize(self, attr: str, obj: Any, accessor: Any = None, **kwargs: Any) -> Any:
        slug = get_value(obj, self.slug_attribute)
        return None if slug is None else self.url(slug)

    def url(self, slug: str) -> str:
        raise NotImplementedError


class SiteUrl(_UrlField):
    """`url`: the resource's page on the clinic site."""

    def __init__(self, kind: str, slug_attribute: str = "slug", **kwargs: Any) -> None:
        metadata = {
            "type": "string",
            "format": "uri",
            "description": f"The {kind}'s page on the clinic site ({SITE_TEMPLATES[kind]})",
        }
        super().__init__(kind, slug_attribute, metadata=metadata, **kwargs)

    def url(self, slug: str) -> str:
        return site_url(self.kind, slug)


class ApiUrl(_UrlField):
    """`api_url`: the resource in this API."""

    def __init__(self, kind: str, slug_attribute: str = "slug", **kwargs: Any) -> None:
        metadata = {
            "type": "string",
            "format": "uri",
            "description": f"The {kind} in this API (absolute: SITE_URL, or the host served)",
        }
        super().__init__(kind, slug_attribute, metadata=metadata, **kwargs)

    def url(self, slug: str) -> str:
        return api_url(self.kind, slug)

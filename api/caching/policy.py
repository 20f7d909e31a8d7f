"""Which requests are public reads (shared-cacheable, open to the site origins).

Derived from the flask-smorest declarations, like the query-parameter guard: an operation
documented as staff-only (`staff_only`: bearer token required) is never public, and neither
is anything in a private blueprint. New public GET endpoints are therefore cached without
being listed anywhere.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import current_app, request

READ_METHODS = frozenset({"GET", "HEAD"})
# Personal (newsletter: tokens in links, subscription state; previews: a secret link to an
# unpublished article) or operational (probes).
PRIVATE_BLUEPRINTS = frozenset({"newsletter", "health", "previews"})
# Endpoints a clinic site calls from the browser besides public reads: the newsletter's
# signup and link pages, and a preview link's article (no staff token; personal, so never
# cached).
SITE_FORM_ENDPOINTS = frozenset(
    {
        "previews.Preview",
        "newsletter.Newsletters",
        "newsletter.Subscriptions",
        "newsletter.Confirm",
        "newsletter.Unsubscribe",
        "newsletter.Preferences",
    }
)
STAFF_ONLY = [{"bearerAuth": []}]
# Public reads whose answer also moves with the clock beyond publication times (the changes
# feed waits out a safety lag): validated by their own body, after the view, never kept.
BODY_VALIDATED_ENDPOINTS = frozenset({"changes.Changes"})
# Public reads whose URL names immutable content (media files, by hash): they set their own
# strong ETag and year-long Cache-Control, and answer 304s themselves; no content validator.
SELF_VALIDATED_ENDPOINTS = frozenset({"media_files.MediaFile"})


def _apidoc(endpoint: str, method: str) -> dict[str, Any] | None:
    view = current_app.view_functions.get(endpoint)
    view_class = getattr(view, "view_class", None)
    func = getattr(view_class, method.lower(), None) if view_class else view
    if method == "HEAD" and func is None and view_class is not None:
        func = getattr(view_class, "get", None)
    return getattr(func, "_apidoc", None)


@cache
def _is_public_operation(endpoint: str, method: str) -> bool:
    if method not in READ_METHODS or endpoint.split(".", 1)[0] in PRIVATE_BLUEPRINTS:
        return False
    apidoc = _apidoc(endpoint, method)
    if apidoc is None:
        return False  # not an API operation: docs UI, spec, static assets
    return apidoc.get("manual_doc", {}).get("security") != STAFF_ONLY


def effective_method() -> str:
    """The method a request is about: for a CORS preflight, the one it asks permission for."""
    if request.method == "OPTIONS":
        return request.headers.get("Access-Control-Request-Method", "").upper()
    return request.method


def is_public_operation(method: str | None = None) -> bool:
    """The matched endpoint is a public read (whoever sends it)."""
    if request.url_rule is None or request.endpoint is None:
        return False
    return _is_public_operation(request.endpoint, method or request.method)


def is_public_read() -> bool:
    """A GET/HEAD of a public endpoint without a staff token: shared caches may keep it."""
    return "Authorization" not in request.headers and is_public_operation()


def is_body_validated() -> bool:
    """A public read validated by a hash of its own body rather than by the content state."""
    return request.endpoint in BODY_VALIDATED_ENDPOINTS


def is_self_validated() -> bool:
    """A public read of immutable content that sets its own validators (media files)."""
    return request.endpoint in SELF_VALIDATED_ENDPOINTS


def is_api_operation() -> bool:
    """The request reached one of the API's documented operations."""
    if request.url_rule is None or request.endpoint is None:
        return False
    return _apidoc(request.endpoint, effective_method() or request.method) is not None


def is_site_form() -> bool:
    """A newsletter request a clinic site makes from the browser (no staff token)."""
    return request.endpoint in SITE_FORM_ENDPOINTS and "Authorization" not in request.headers

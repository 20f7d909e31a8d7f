"""CORS (Flask-CORS) for the clinic sites in CORS_ORIGINS: public reads and newsletter forms.

Flask-CORS matches paths; which operations are public comes from `policy`. A last hook
removes every CORS header from anything else (staff operations, requests with a token), so
a staff endpoint is never opened to another origin, whatever its path. Credentials are not
supported and `Authorization` is not an allowed request header: a browser on a site cannot
send a staff token cross-origin.
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask_cors import CORS

from api.caching import policy

READ_OPTIONS = {"methods": ["GET", "HEAD", "OPTIONS"]}
FORM_OPTIONS = {"methods": ["GET", "POST", "PATCH", "OPTIONS"]}
RESOURCES = {
    r"/api/v1/newsletter/.*": FORM_OPTIONS,
    r"/api/v1/.*": READ_OPTIONS,
    r"/feeds/.*": READ_OPTIONS,
    r"/sitemap\.xml": READ_OPTIONS,
}
EXPOSED = ["ETag", "X-Pagination", "Link", "Location", "Retry-After", "X-Matched-Code"]
ALLOWED_REQUEST_HEADERS = ["Content-Type", "If-None-Match", "If-Modified-Since"]


def origins_setting(value: str | list[str] | tuple[str, ...] | None) -> list[str]:
    """CORS_ORIGINS as a list: comma-separated text or a list; blanks and slashes dropped."""
    items = value.split(",") if isinstance(value, str) else list(value or [])
    return [item.strip().rstrip("/") for item in items if item.strip()]


def _may_cross_origin() -> bool:
    if "Authorization" in request.headers:
        return False
    method = policy.effective_method()
    return policy.is_public_operation(method) or policy.is_site_form()


def close_staff_operations(response: Response) -> Response:
    """Drop the CORS headers Flask-CORS added to anything but public reads and site forms."""
    if not _may_cross_origin():
        names = {name for name, _value in response.headers}
        for name in names:
            if name.lower().startswith("access-control-"):
                del response.headers[name]
    return response


def init_app(app: Flask) -> None:
    """Open public reads to CORS_ORIGINS; nothing at all when the list is empty."""
    origins = origins_setting(app.config["CORS_ORIGINS"])
    app.config["CORS_ORIGINS"] = origins
    if not origins:
        return
    # after_request hooks run last-registered-first: this one runs after Flask-CORS's.
    app.after_request(close_staff_operations)
    CORS(
        app,
        resources=RESOURCES,
        origins=origins,
        expose_headers=EXPOSED,
        allow_headers=ALLOWED_REQUEST_HEADERS,
        supports_credentials=False,
        always_send=False,  # no Origin, no CORS headers (not a list of every allowed site)
        max_age=600,
    )

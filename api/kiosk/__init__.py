"""The reference kiosk at /kiosk/: static files, no build step, built on the public API only
(docs/kiosk-and-website.md). The page is a few ES modules; a service worker (scope /kiosk/)
keeps the shell for offline use, and the page keeps the content in IndexedDB.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, request

STATIC = Path(__file__).with_name("static")
TYPES = {".html": "text/html", ".js": "text/javascript", ".css": "text/css"}
# The kiosk reads its own origin's API only; the sanitized article HTML carries no script or
# style attribute, so nothing inline is allowed.
POLICY = (
    "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; "
    "img-src 'self'; worker-src 'self'; manifest-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)

kiosk = Blueprint("kiosk", __name__)


def load_files() -> dict[str, tuple[bytes, str, str]]:
    """Every file /kiosk/ serves, by name: body, media type and ETag (hash of the bytes)."""
    return {
        path.name: (body, TYPES[path.suffix], hashlib.sha256(body).hexdigest()[:32])
        for path in sorted(STATIC.iterdir())
        if path.suffix in TYPES
        for body in (path.read_bytes(),)
    }


@kiosk.get("/kiosk/", defaults={"name": "index.html"})
@kiosk.get("/kiosk/<name>")
def kiosk_file(name: str) -> Response:
    found = current_app.extensions["careleaf_kiosk"].get(name)
    if found is None:
        abort(404)
    body, mimetype, etag = found
    response = Response(body, mimetype=mimetype)
    response.set_etag(etag)
    # Always revalidated (a cheap 304): a deployment reaches the kiosk at its next load; the
    # service worker answers from its cache while the network is down.
    response.headers["Cache-Control"] = "no-cache"
    # On every file: the service worker runs under its script's policy (the API's default,
    # `default-src 'none'`, would forbid it to fetch the files it keeps).
    response.headers["Content-Security-Policy"] = POLICY
    return response.make_conditional(request)


def init_app(app: Flask) -> None:
    app.extensions["careleaf_kiosk"] = load_files()
    app.register_blueprint(kiosk)

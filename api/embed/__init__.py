"""Embeddable widgets for clinic websites, served from this origin (docs/kiosk-and-website.md).

Each widget is one classic script (`/embed/careleaf-<name>.js`): the shared core followed by
the widget's own file, joined here at start-up rather than by a build step, so a host page
needs one script tag per widget and no module loader (cross-origin module scripts would
need CORS). The demo page shows them on the demo content under a strict CSP: no inline
script or style, Trusted Types enforced, so what works there works on a strict host page.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, render_template, request

from api.core.site import site_url

STATIC = Path(__file__).with_name("static")
WIDGETS = ("signup", "related", "topic")
# Scripts change only with a deployment: an hour fresh, then revalidated by ETag (cheap 304).
SCRIPT_CACHE_CONTROL = "public, max-age=3600"
# The policy the demo page runs under, and the strictest a host page may use: scripts and
# API calls from this origin only, no inline script, no style source at all (the widgets
# style their shadow roots with constructed stylesheets, which CSP does not govern), and
# no string-to-DOM sinks (Trusted Types with no policy).
DEMO_POLICY = (
    "default-src 'none'; script-src 'self' {api}; connect-src 'self' {api}; style-src 'self'; "
    "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; "
    "require-trusted-types-for 'script'; trusted-types 'none'"
)

embed = Blueprint("embed", __name__, template_folder="templates")


@dataclass(frozen=True)
class Asset:
    body: bytes
    mimetype: str
    etag: str


def _asset(body: bytes, mimetype: str) -> Asset:
    return Asset(body, mimetype, hashlib.sha256(body).hexdigest()[:32])


def load_assets() -> dict[str, Asset]:
    """Every file /embed serves, by name: one script per widget and the demo's stylesheet."""
    core = (STATIC / "core.js").read_bytes()
    assets = {
        f"careleaf-{name}.js": _asset(
            core + b"\n" + (STATIC / f"{name}.js").read_bytes(), "text/javascript"
        )
        for name in WIDGETS
    }
    assets["demo.css"] = _asset((STATIC / "demo.css").read_bytes(), "text/css")
    return assets


@embed.get("/embed/<name>")
def embed_asset(name: str) -> Response:
    asset = current_app.extensions["careleaf_embed"].get(name)
    if asset is None:
        abort(404)
    response = Response(asset.body, mimetype=asset.mimetype)
    response.set_etag(asset.etag)
    response.headers["Cache-Control"] = SCRIPT_CACHE_CONTROL
    # Host pages that isolate themselves (COEP: require-corp) may still load the widgets.
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response.make_conditional(request)


@embed.get("/embed/demo.html")
def demo_page() -> Response:
    # The snippets name the API's public address; the page may be opened on another name.
    origin = site_url()
    policy = DEMO_POLICY.format(api=origin)
    html = render_template("embed/demo.html", origin=origin, policy=policy)
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = policy
    response.headers["Cache-Control"] = "no-cache"
    return response


def init_app(app: Flask) -> None:
    app.extensions["careleaf_embed"] = load_assets()
    app.register_blueprint(embed)

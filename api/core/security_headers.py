"""Security headers on every response, and a strict Content-Security-Policy on HTML pages.

API responses are data, never documents: `default-src 'none'` forbids them everything should
a browser ever render one. The main HTML page is /docs (Swagger UI, assets served locally):
its scripts must come from this origin, and its one inline bootstrap script is allowed by
its SHA-256 hash, computed from the page actually sent, so no 'unsafe-inline' for scripts.
Swagger UI sets inline styles and shows data: images, hence those two allowances. The
newsletter's unsubscribe page sets its own, stricter policy (`form_page_policy`).
"""

from __future__ import annotations

import base64
import hashlib
import re

from flask import Flask, Response

ALWAYS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
HTML_POLICY = (
    "default-src 'none'; script-src 'self'{hashes}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
# Small server-rendered pages with a form (newsletter unsubscribe): no script at all, inline
# styles only by hash, and the form may post to this origin and nowhere else.
FORM_PAGE_POLICY = (
    "default-src 'none'; style-src {styles}; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
_INLINE_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.DOTALL | re.I)
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.I)


def inline_script_hashes(html: str) -> list[str]:
    """CSP source expressions for each inline <script> of `html`."""
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(html)
    ]


def inline_style_hashes(html: str) -> list[str]:
    """CSP source expressions for each inline <style> block of `html`."""
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in _INLINE_STYLE.findall(html)
    ]


def form_page_policy(html: str) -> str:
    """The CSP of a server-rendered form page: its inline <style> blocks by hash, no script."""
    return FORM_PAGE_POLICY.format(styles=" ".join(inline_style_hashes(html)) or "'none'")


def _html_policy(response: Response) -> str:
    if response.is_streamed or "Content-Encoding" in response.headers:
        return HTML_POLICY.format(hashes="")  # no text to hash: no inline script allowed
    hashes = inline_script_hashes(response.get_data(as_text=True))
    return HTML_POLICY.format(hashes="".join(" " + value for value in hashes))


def add_security_headers(response: Response) -> Response:
    for name, value in ALWAYS.items():
        response.headers.setdefault(name, value)
    if "Content-Security-Policy" not in response.headers:
        is_html = response.mimetype == "text/html"
        response.headers["Content-Security-Policy"] = (
            _html_policy(response) if is_html else API_POLICY
        )
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)

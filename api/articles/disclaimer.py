"""The clinic-wide disclaimer (`CLINIC_DISCLAIMER`, Markdown) served with every article.

Rendered and sanitized like any body, once per app and text (a setting, not per request), and
served as `disclaimer_html` on article reads and bundles and appended to feed entries' content.
"""

from __future__ import annotations

from functools import lru_cache

from flask import current_app

from api.core.markdown import render_markdown


@lru_cache(maxsize=256)
def _rendered(markdown: str) -> str:
    return render_markdown(markdown).html if markdown.strip() else ""


def disclaimer_html(override: str | None = None) -> str:
    """The disclaimer as sanitized HTML: the article's override when it has one (even empty),
    else the clinic's; empty when the one that applies is empty."""
    return _rendered(current_app.config["CLINIC_DISCLAIMER"] if override is None else override)

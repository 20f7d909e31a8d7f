"""HTML to PDF with WeasyPrint, fetching nothing: the document is self-contained, and a body's
images or links must not make the server request arbitrary URLs (SSRF) or wait on them."""

from __future__ import annotations

import weasyprint
from weasyprint.urls import URLFetcher


def pdf_from_html(html: str) -> bytes:
    """The PDF of a self-contained handout document."""
    # No protocol at all: the document inlines all it needs (the QR code is an <svg> element),
    # any URL is skipped, and an image left out shows its alt text. One fetcher per render: it
    # keeps per-request state.
    fetcher = URLFetcher(allowed_protocols=frozenset(), allow_redirects=False, timeout=1)
    pdf = weasyprint.HTML(string=html, url_fetcher=fetcher, base_url="about:blank").write_pdf()
    assert pdf is not None  # write_pdf returns the bytes when given no target
    return pdf

"""HTML to PDF with WeasyPrint, fetching nothing from the network: the document inlines its
styles and QR code, and a body's images are read from the media library itself, so no body
can make the server request an address of its choosing (SSRF) or wait on one."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import weasyprint
from weasyprint.urls import URLFetcher, URLFetcherResponse

from api.core.site import site_url
from api.media.images import MIMETYPES
from api.media.services import rendition_file

_MEDIA_PATH = re.compile(r"/media/(?P<sha>[0-9a-f]{64})/(?P<name>[a-z0-9]{1,20})\.(?P<ext>\w+)")
_FORMATS = {"jpg": "jpeg", "png": "png", "webp": "webp"}  # AVIF: WeasyPrint cannot show it


class MediaFetcher(URLFetcher):
    """Images of this site's media library (`<SITE_URL>/media/<sha256>/<name>.<ext>`), read from
    the store; any other URL is refused, and its image prints as its alt text."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=frozenset(), allow_redirects=False, timeout=1)
        self._origin = urlsplit(site_url())[:2]

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        match = _MEDIA_PATH.fullmatch(parts.path)
        image_format = _FORMATS.get(match["ext"]) if match else None
        if match is None or image_format is None or parts[:2] != self._origin:
            raise ValueError(f"Handouts fetch nothing from outside the media library: {url}")
        found = rendition_file(match["sha"], match["name"], image_format)
        if found is None or found[0] is None:
            raise ValueError(f"No media file is at {url}")
        return URLFetcherResponse(url, found[0], {"Content-Type": MIMETYPES[image_format]})


def pdf_from_html(html: str) -> bytes:
    """The PDF of a handout document (one fetcher per render: a fetcher keeps state)."""
    document = weasyprint.HTML(string=html, url_fetcher=MediaFetcher(), base_url=site_url())
    pdf = document.write_pdf()
    assert pdf is not None  # write_pdf returns the bytes when given no target
    return pdf

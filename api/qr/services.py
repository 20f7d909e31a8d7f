"""An article's QR code: its clinic-site URL as SVG, drawn by segno."""

from __future__ import annotations

import io

import segno

from api.core.resource_urls import site_url
from api.links.services import public_article_id_or_404

# Medium error correction survives a scuffed or glare-covered kiosk screen; 4 px modules
# with the standard 4-module quiet zone keep the code readable from a phone at arm's length.
ERROR_CORRECTION = "m"
SCALE = 4


def qr_code(url: str) -> segno.QRCode:
    """The QR code of a URL, as every code Careleaf shows or prints is made."""
    return segno.make(url, error=ERROR_CORRECTION, micro=False)


def article_qr_svg(slug: str) -> bytes:
    """The QR code of the public article's site URL; a draft or unknown slug is a 404."""
    public_article_id_or_404(slug)
    url = site_url("article", slug)
    buffer = io.BytesIO()
    qr_code(url).save(
        buffer,
        kind="svg",
        scale=SCALE,
        title=f"QR code: {url}",
        svgclass="careleaf-qr",
        lineclass=None,
        dark="#000",
        light="#fff",
    )
    return buffer.getvalue()

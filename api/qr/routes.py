from __future__ import annotations

from flask import Response
from flask.views import MethodView

from api.core.smorest import Blueprint
from api.qr.services import article_qr_svg

blp = Blueprint("qr", __name__, url_prefix="/api/v1/articles", description="QR codes")

SVG = "image/svg+xml"
SVG_RESPONSE = {"description": "SVG image", "content": {SVG: {"schema": {"type": "string"}}}}


@blp.route("/<slug>/qr.svg")
class ArticleQrCode(MethodView):
    @blp.doc(responses={"200": SVG_RESPONSE})
    @blp.alt_response(404, description="No published article has this slug")
    def get(self, slug: str) -> Response:
        """QR code (SVG) of a published article's page on the clinic site

        Encodes the article's `url` (`ARTICLE_URL_TEMPLATE`), so a patient can open it on
        their phone; cached and revalidated like article detail.
        """
        return Response(article_qr_svg(slug), content_type=SVG)

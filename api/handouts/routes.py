from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView

from api.core.security_headers import inline_style_hashes
from api.core.smorest import Blueprint
from api.handouts.pdf import pdf_from_html
from api.handouts.schemas import HandoutArgsSchema
from api.handouts.services import handout_article, handout_html, options

blp = Blueprint(
    "handouts",
    __name__,
    url_prefix="/api/v1/articles",
    template_folder="templates",
    description="Printable handouts of published articles (HTML and PDF)",
)
PUBLIC_ONLY = "No published article has this slug (drafts included)"
TOO_LONG = "Unknown `size` or `paper`, or the article is longer than HANDOUT_MAX_WORDS"
# A document to print, not an app: no script at all, its one style block by hash, and images
# of the body from the site or the API.
PRINT_PAGE_POLICY = (
    "default-src 'none'; style-src {styles}; img-src 'self' https: data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


def _document(content_type: str, description: str) -> Any:
    schema = {"type": "string", **({"format": "binary"} if content_type.endswith("pdf") else {})}
    return blp.doc(
        responses={
            "200": {"description": description, "content": {content_type: {"schema": schema}}}
        }
    )


@blp.route("/<slug>/handout.pdf")
class HandoutPdf(MethodView):
    @blp.arguments(HandoutArgsSchema, location="query")
    @_document("application/pdf", "The handout as PDF")
    @blp.alt_response(301, description="An old slug: Location names the current URL")
    @blp.alt_response(404, description=PUBLIC_ONLY)
    @blp.alt_response(422, description=TOO_LONG)
    def get(self, args: dict[str, Any], slug: str) -> Response:
        """Print a published article as a PDF handout

        The article with its care callouts and references, its reviewer and review dates, the
        clinic's name, address and phone (CLINIC_* settings), the disclaimer and a QR code to
        its page on the clinic site. `size=large` is large print.
        """
        article = handout_article(slug)
        pdf = pdf_from_html(handout_html(article, options(args)))
        response = Response(pdf, content_type="application/pdf")
        response.headers["Content-Disposition"] = f'inline; filename="{article.slug}.pdf"'
        return response


@blp.route("/<slug>/handout.html")
class HandoutHtml(MethodView):
    @blp.arguments(HandoutArgsSchema, location="query")
    @_document("text/html", "The handout as one HTML document, styled for print")
    @blp.alt_response(301, description="An old slug: Location names the current URL")
    @blp.alt_response(404, description=PUBLIC_ONLY)
    @blp.alt_response(422, description=TOO_LONG)
    def get(self, args: dict[str, Any], slug: str) -> Response:
        """A published article as an HTML handout, for the browser's own print

        The same document the PDF is made from.
        """
        html = handout_html(handout_article(slug), options(args))
        response = Response(html, content_type="text/html; charset=utf-8")
        styles = " ".join(inline_style_hashes(html)) or "'none'"
        response.headers["Content-Security-Policy"] = PRINT_PAGE_POLICY.format(styles=styles)
        return response

"""What a handout shows: the public article (the detail's one query, links absolute, since
paper has no relative links), the clinic's details, its review and a QR code to its page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, render_template
from markupsafe import Markup

from api.articles.disclaimer import disclaimer_html
from api.articles.models import Article
from api.articles.services import public_article
from api.core.errors import Problem
from api.core.resource_urls import site_url
from api.handouts.labels import labels, long_date
from api.qr.services import qr_code
from api.review.records import public_review


@dataclass(frozen=True)
class HandoutOptions:
    size: str  # "normal" or "large" (large print)
    paper: str  # "letter" or "a4"


def options(args: dict[str, Any]) -> HandoutOptions:
    """The request's options, the clinic's paper by default."""
    return HandoutOptions(args["size"], args.get("paper") or current_app.config["HANDOUT_PAPER"])


def handout_article(slug: str) -> Article:
    """The public article with this slug, short enough to print (drafts are 404s as on the
    detail; an article over HANDOUT_MAX_WORDS is a 422, refused before any layout)."""
    article = public_article(slug, "absolute")
    if article is None:
        raise Problem(404, f"No published article has the slug '{slug}'.")
    limit = current_app.config["HANDOUT_MAX_WORDS"]
    words = len(article.body_text.split())
    if words > limit:
        detail = f"The article has {words} words; handouts are made of at most {limit}."
        raise Problem(422, detail, errors={"slug": [detail]})
    return article


def qr_svg(url: str) -> Markup:
    """The URL as an inline SVG QR code."""
    code = qr_code(url)
    # segno writes the markup and escapes the title: nothing unescaped comes from outside.
    return Markup(code.svg_inline(scale=4, border=2, omitsize=True, title=url))  # noqa: S704


def handout_html(article: Article, chosen: HandoutOptions) -> str:
    """The handout as one self-contained HTML document (styles inline, QR code inline SVG)."""
    config = current_app.config
    url = site_url("article", article.slug)
    review = public_review(article)
    address = config["CLINIC_POSTAL_ADDRESS"] or ""
    return render_template(
        "handouts/handout.html",
        article=article,
        # Both were sanitized with the allowlist when rendered (api/core/markdown.py).
        body_html=Markup(article.body_html),  # noqa: S704
        disclaimer_html=Markup(disclaimer_html(article.disclaimer_markdown)),  # noqa: S704
        review=review,
        reviewed_on=long_date(review["reviewed_at"], article.language) if review else None,
        next_review_on=long_date(review["next_review_due"], article.language) if review else None,
        published_on=long_date(article.published_at, article.language),
        labels=labels(article.language),
        clinic_name=config["CLINIC_NAME"],
        clinic_address=[line.strip() for line in address.splitlines() if line.strip()],
        clinic_phone=config["CLINIC_PHONE"],
        url=url,
        qr=qr_svg(url),
        size=chosen.size,
        paper=chosen.paper,
    )

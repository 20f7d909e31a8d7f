"""The message of an issue for one reader: subject, text and HTML parts, list headers.

Rendered when the message is queued (the outbox stores it whole, as it does the confirmation
mail): the preview calls the same function, so what staff preview is what the reader gets.
The HTML needs no image and no script: a preheader, the intro, the articles as plain links,
and a footer with the unsubscribe link and the clinic's postal address (CAN-SPAM). Colours
are inline and `color-scheme` says both schemes are supported, so dark mode keeps contrast.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import urlencode

from flask import current_app

from api.core.resource_urls import site_url as resource_site_url
from api.issues.content import Candidate, Reader
from api.issues.models import NewsletterIssue
from api.newsletter.emails import preferences_url, unsubscribe_headers_for, unsubscribe_url
from api.newsletter.models import Newsletter
from api.outbox.mailer import message_id_domain

TEXT = "color:#1f2328"
MUTED = "color:#57606a;font-size:13px"
LINK = "color:#0b5cad;text-decoration:underline"
STYLE = (
    "@media (prefers-color-scheme: dark){body,.careleaf-mail{background:#0d1117!important;"
    "color:#e6edf3!important}a{color:#79c0ff!important}.careleaf-muted{color:#9da7b3!important}}"
)


def campaign(issue: NewsletterIssue, newsletter: Newsletter) -> str:
    return f"{newsletter.slug}-{issue.id}"


def article_link(slug: str, campaign_name: str) -> str:
    """The article's page on the clinic site, tagged with the campaign (no per-reader tag)."""
    url = resource_site_url("article", slug)
    tags = urlencode(
        {"utm_source": "newsletter", "utm_medium": "email", "utm_campaign": campaign_name}
    )
    return f"{url}{'&' if '?' in url else '?'}{tags}"


def list_id(newsletter: Newsletter) -> str:
    """RFC 2919: a name and an id under a domain of ours, constant for the list."""
    domain = message_id_domain(current_app.config)
    name = newsletter.name.replace('"', "'")
    return f'"{name}" <{newsletter.slug}.newsletter.{domain}>'


@dataclass(frozen=True)
class Edition:
    """What every message of an issue shares, built once per issue: the per-reader work is
    then choosing and joining fragments, and the footer with their links."""

    issue: NewsletterIssue
    newsletter: Newsletter
    list_id: str
    address: str
    # slug -> (text block, HTML block) of the article, its link tagged with the campaign.
    articles: dict[str, tuple[str, str]]


def edition(issue: NewsletterIssue, newsletter: Newsletter, found: list[Candidate]) -> Edition:
    name = campaign(issue, newsletter)
    blocks = {}
    for article in found:
        url = article_link(article.slug, name)
        text = "\n".join([article.title, *([article.summary] if article.summary else []), url])
        html = (
            f'<h2 style="font-size:18px;margin:24px 0 4px"><a href="{escape(url)}" '
            f'style="{LINK}">{escape(article.title)}</a></h2>'
        )
        if article.summary:
            html += f'<p style="margin:0 0 8px">{escape(article.summary)}</p>'
        blocks[article.slug] = (text, html)
    address = current_app.config["CLINIC_POSTAL_ADDRESS"] or ""
    return Edition(issue, newsletter, list_id(newsletter), address, blocks)


def render(
    edition: Edition, reader: Reader, articles: list[Candidate], *, subject_prefix: str = ""
) -> dict[str, Any]:
    """The outbox payload of the issue's message for `reader` (kind "email")."""
    blocks = [edition.articles[article.slug] for article in articles]
    links = (unsubscribe_url(reader.token), preferences_url(reader.token))
    subject = subject_prefix + edition.issue.subject
    return {
        "to": reader.email,
        "subject": subject,
        "text": _text(edition, [text for text, _ in blocks], links),
        "html": _html(edition, reader, subject, [html for _, html in blocks], links),
        "headers": {"List-Id": edition.list_id, **unsubscribe_headers_for(reader.token)},
    }


def _text(edition: Edition, blocks: list[str], links: tuple[str, str]) -> str:
    issue, (leave, manage) = edition.issue, links
    parts = [issue.subject, ""]
    if issue.intro_text:
        parts += [issue.intro_text, ""]
    for block in blocks:
        parts += [block, ""]
    parts += [
        "--",
        f"You receive {edition.newsletter.name} because you subscribed and confirmed your address.",
        f"Choose your topics: {manage}",
        f"Unsubscribe: {leave}",
        edition.address,
    ]
    return "\n".join(parts).rstrip() + "\n"


def _html(
    edition: Edition, reader: Reader, subject: str, blocks: list[str], links: tuple[str, str]
) -> str:
    issue, (leave, manage) = edition.issue, links
    postal = "<br>".join(
        escape(line.strip()) for line in edition.address.split("\n") if line.strip()
    )
    return (
        f'<!doctype html>\n<html lang="{escape(reader.language)}">\n<head>\n'
        '<meta charset="utf-8">\n<meta name="viewport" content="width=device-width">\n'
        '<meta name="color-scheme" content="light dark">\n'
        '<meta name="supported-color-schemes" content="light dark">\n'
        f"<title>{escape(subject)}</title>\n<style>{STYLE}</style>\n</head>\n"
        f'<body style="margin:0;padding:0;{TEXT}">\n'
        # The preheader: the line mail clients show after the subject, hidden in the body.
        '<div style="display:none;max-height:0;overflow:hidden;mso-hide:all">'
        f"{escape(issue.preheader)}</div>\n"
        '<div class="careleaf-mail" style="max-width:600px;margin:0 auto;padding:16px;'
        f'font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;{TEXT}">\n'
        f'<h1 style="font-size:24px;margin:0 0 16px">{escape(issue.subject)}</h1>\n'
        f"{issue.intro_html}\n{''.join(blocks)}\n"
        '<hr style="border:0;border-top:1px solid #d0d7de;margin:32px 0 16px">\n'
        f'<p class="careleaf-muted" style="{MUTED}">You receive '
        f"{escape(edition.newsletter.name)} because you subscribed and confirmed your address."
        f'<br><a href="{escape(manage)}" style="{LINK}">Choose your topics</a> · '
        f'<a href="{escape(leave)}" style="{LINK}">Unsubscribe</a></p>\n'
        f'<p class="careleaf-muted" style="{MUTED}">{postal}</p>\n'
        "</div>\n</body>\n</html>\n"
    )

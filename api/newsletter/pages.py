"""The unsubscribe page a link in a mail opens: plain HTML, no script, one button that POSTs.

The page never says whether an address is subscribed: the same form is shown for every genuine
link (only the token's MAC is checked, no lookup), and the same answer follows the button
whatever the subscription's state (erased included). A link that is not genuine gets one page
that says only that.
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from flask import Response

from api.core.security_headers import form_page_policy

# Readable without any CSS too; with it, comfortable on a phone and in dark mode.
STYLE = (
    ":root{color-scheme:light dark}"
    "body{font:1.125rem/1.5 system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem}"
    "button{font:inherit;padding:.5rem 1.25rem;margin-top:.5rem}"
)
PAGE_FIELD = "via"  # the form's hidden field: tells the POST it came from this page


def _page(title: str, body: str, status: int) -> Response:
    html = (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="noindex">\n'
        f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n"
        f"<body>\n<main>\n<h1>{escape(title)}</h1>\n{body}</main>\n</body>\n</html>\n"
    )
    response = Response(html, status=status, content_type="text/html; charset=utf-8")
    response.headers["Content-Security-Policy"] = form_page_policy(html)
    response.headers["Cache-Control"] = "no-store"  # the URL holds a personal token
    return response


def unsubscribe_form(token: str) -> Response:
    """The page of a genuine link: one button that POSTs to the same URL."""
    action = "?token=" + quote(token, safe="")
    body = (
        f'<form method="post" action="{escape(action)}">\n'
        f'<input type="hidden" name="{PAGE_FIELD}" value="page">\n'
        '<p id="unsubscribe-help">You will get no more emails from this newsletter. '
        "You can sign up again at any time.</p>\n"
        '<label for="unsubscribe-button">Unsubscribe from this newsletter:</label>\n'
        '<button type="submit" id="unsubscribe-button" aria-describedby="unsubscribe-help">'
        "Unsubscribe</button>\n</form>\n"
    )
    return _page("Unsubscribe", body, 200)


def unsubscribed() -> Response:
    """After the button: the same words whatever the subscription's state was."""
    body = "<p>You are unsubscribed. You will get no more emails from this newsletter.</p>\n"
    return _page("You are unsubscribed", body, 200)


def invalid_link() -> Response:
    """A link that is not genuine or no longer valid: nothing about any subscription."""
    body = (
        "<p>This unsubscribe link is not valid. If you copied it from an email, check that "
        "you copied all of it, or use the link of a more recent email.</p>\n"
    )
    # 200: a page for a person who followed a damaged link, not an API error (errors are
    # problem+json everywhere; a mail scanner has nothing to act on either way).
    return _page("This link is not valid", body, 200)

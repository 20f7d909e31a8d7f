"""The emails of the newsletter, rendered when enqueued (the outbox stores them whole)."""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import quote

from flask import current_app

from api.core.site import site_url
from api.newsletter.models import Newsletter, Subscription
from api.newsletter.tokens import unsubscribe_token


def _link(template: str, token: str) -> str:
    return template.format(token=quote(token, safe=""))


def unsubscribe_url(token: str) -> str:
    """The https unsubscribe link: a page with one button on GET, RFC 8058 on POST."""
    return site_url(from_request=False) + "/api/v1/newsletter/unsubscribe?token=" + quote(token)


def preferences_url(token: str) -> str:
    return _link(current_app.config["NEWSLETTER_PREFERENCES_URL_TEMPLATE"], token)


def unsubscribe_headers(subscription: Subscription) -> dict[str, str]:
    """RFC 2369 / RFC 8058 headers: mail clients offer one-click unsubscribe from them."""
    return unsubscribe_headers_for(unsubscribe_token(subscription.token_key or ""))


def unsubscribe_headers_for(token: str) -> dict[str, str]:
    """The headers of `unsubscribe_headers` for the token of the links."""
    config = current_app.config
    targets = [f"<{unsubscribe_url(token)}>"]
    if config["NEWSLETTER_UNSUBSCRIBE_MAILTO"]:
        address = config["NEWSLETTER_UNSUBSCRIBE_MAILTO"]
        targets.append(f"<mailto:{address}?subject=unsubscribe%20{quote(token)}>")
    return {
        "List-Unsubscribe": ", ".join(targets),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def confirmation_email(
    subscription: Subscription, newsletter: Newsletter, confirm_token: str
) -> dict[str, Any]:
    """The payload of the double opt-in email."""
    config = current_app.config
    confirm_url = _link(config["NEWSLETTER_CONFIRM_URL_TEMPLATE"], confirm_token)
    manage_url = preferences_url(unsubscribe_token(subscription.token_key or ""))
    hours = config["NEWSLETTER_CONFIRM_TTL_HOURS"]
    text = (
        f"Hello,\n\nPlease confirm that you want to receive {newsletter.name} by opening this "
        f"link within {hours} hours:\n\n{confirm_url}\n\n"
        "If you did not ask for this, ignore this email: you will not be subscribed.\n\n"
        f"Manage your topics or unsubscribe: {manage_url}\n"
    )
    html = (
        f"<p>Hello,</p><p>Please confirm that you want to receive {escape(newsletter.name)} "
        f"by opening this link within {hours} hours:</p>"
        f'<p><a href="{escape(confirm_url)}">Confirm my subscription</a></p>'
        "<p>If you did not ask for this, ignore this email: you will not be subscribed.</p>"
        f'<p><a href="{escape(manage_url)}">Manage your topics or unsubscribe</a></p>'
    )
    return {
        "to": subscription.email,
        "subject": f"Confirm your subscription to {newsletter.name}",
        "text": text,
        "html": html,
        "headers": unsubscribe_headers(subscription),
    }

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request
from flask.views import MethodView

from api.core.auth import staff_only
from api.core.errors import Problem
from api.core.pagination import SelectPage
from api.core.smorest import Blueprint
from api.extensions import limiter
from api.newsletter import bounces, export, pages, services, staff
from api.newsletter.models import Subscription, UnsubscribeMethod
from api.newsletter.ratelimits import email_limit_key, no_email_to_limit
from api.newsletter.schemas import (
    AcceptedSchema,
    ConfirmedSchema,
    NewsletterSchema,
    OptionalSubscriberTokenSchema,
    PreferencesSchema,
    SignupSchema,
    StatsQuerySchema,
    StatsSchema,
    SubscriberQuerySchema,
    SubscriberSchema,
    SubscriberTokenSchema,
    UnsubscribePageQuerySchema,
)
from api.newsletter.tokens import token_key_of
from api.outbox.worker import register_guard, register_refusal_hook
from api.users.models import Role

blp = Blueprint(
    "newsletter",
    __name__,
    url_prefix="/api/v1/newsletter",
    description="Newsletter signups with double opt-in, unsubscribe and staff tools",
)
ACCEPTED = {
    "status": "accepted",
    "detail": "If this address can receive email, a confirmation link is on its way.",
}
TOKEN_BODY = {
    "required": False,
    "content": {
        media: {"schema": {"type": "object", "properties": {"token": {"type": "string"}}}}
        for media in ("application/x-www-form-urlencoded", "application/json")
    },
}


register_refusal_hook(bounces.count_hard_bounce)
register_guard(bounces.send_veto)


@blp.before_request
def bound_request_size() -> None:
    """Newsletter bodies are tiny: refuse big ones before reading them (413)."""
    request.max_content_length = current_app.config["NEWSLETTER_MAX_BODY_BYTES"]


def _ip_limits() -> str:
    return current_app.config["NEWSLETTER_SIGNUP_LIMIT_PER_IP"]


def _email_limits() -> str:
    return current_app.config["NEWSLETTER_SIGNUP_LIMIT_PER_EMAIL"]


@blp.route("/newsletters")
class Newsletters(MethodView):
    @blp.response(200, NewsletterSchema(many=True))
    @blp.paginate(SelectPage)
    def get(self) -> Any:
        """List the newsletters one can join, with the consent text to show"""
        return services.newsletters_query()


@blp.route("/subscriptions")
class Subscriptions(MethodView):
    @limiter.limit(_ip_limits)
    @limiter.limit(
        _email_limits,
        key_func=email_limit_key,
        exempt_when=no_email_to_limit,
        deduct_when=lambda response: response.status_code == 202,  # typos do not lock out
    )
    @blp.arguments(SignupSchema)
    @blp.response(202, AcceptedSchema)
    @blp.alt_response(422, description="Invalid email, missing consent, unknown newsletter/topic")
    @blp.alt_response(429, description="Too many signups from this client or for this address")
    def post(self, data: dict[str, Any]) -> dict[str, str]:
        """Sign up: the same 202 whether the address is new, pending or already subscribed"""
        client = services.Client(request.remote_addr, request.headers.get("User-Agent"))
        services.signup(data, client)
        return ACCEPTED


@blp.route("/confirm")
class Confirm(MethodView):
    @blp.arguments(SubscriberTokenSchema)
    @blp.response(200, ConfirmedSchema)
    @blp.alt_response(400, description="Unknown, expired or used token")
    def post(self, data: dict[str, str]) -> Subscription:
        """Confirm a subscription with the token of the confirmation email"""
        return services.confirm(data["token"])


def _body_token() -> str | None:
    if request.is_json:
        body = request.get_json(silent=True)
        token = body.get("token") if isinstance(body, dict) else None
    else:
        token = request.form.get("token")
    return token if isinstance(token, str) else None


HTML_PAGE = {"text/html": {"schema": {"type": "string"}}}


def _unsubscribe_method() -> UnsubscribeMethod:
    if request.form.get(pages.PAGE_FIELD) == "page":
        return UnsubscribeMethod.PAGE
    if request.form.get("List-Unsubscribe") == "One-Click":
        return UnsubscribeMethod.ONE_CLICK
    return UnsubscribeMethod.API


@blp.route("/unsubscribe")
class Unsubscribe(MethodView):
    @blp.arguments(UnsubscribePageQuerySchema, location="query")
    @blp.doc(
        responses={
            "200": {
                "description": (
                    "A page with one button that POSTs here; for a link that is not genuine, "
                    "a page that only says so (a page for people, not an API error)"
                ),
                "content": HTML_PAGE,
            },
        },
    )
    def get(self, query: dict[str, str]) -> Response:
        """The page an unsubscribe link opens in a browser: one button, no script"""
        token = query["token"]
        # Only the MAC is checked: the page is the same whatever the subscription's state.
        if len(token) > 200 or token_key_of(token) is None:
            return pages.invalid_link()
        return pages.unsubscribe_form(token)

    @blp.arguments(OptionalSubscriberTokenSchema, location="query")
    @blp.doc(
        requestBody=TOKEN_BODY,
        responses={
            "200": {
                "description": "Unsubscribed (the button of the GET page gets a page back)",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Confirmed"}},
                    **HTML_PAGE,
                },
            }
        },
    )
    @blp.response(200, ConfirmedSchema)
    @blp.alt_response(400, description="Invalid token")
    def post(self, query: dict[str, str]) -> Subscription | Response:
        """Unsubscribe (RFC 8058 one-click): token in the query, a form or a JSON body

        Records when, and how: `one_click` (RFC 8058), `page` (the GET page's button) or `api`.
        """
        method = _unsubscribe_method()
        token = query.get("token") or _body_token()
        if method is not UnsubscribeMethod.PAGE:
            return services.unsubscribe(token, method)
        try:
            services.unsubscribe(token, method)
        except Problem:
            # A genuine link whose subscription is gone (erased): no mail will come either way,
            # and the answer must not tell. Only a forged token is refused.
            if token_key_of(token or "") is None:
                raise
        return pages.unsubscribed()


@blp.route("/preferences")
class Preferences(MethodView):
    @blp.arguments(SubscriberTokenSchema, location="query")
    @blp.response(200, PreferencesSchema)
    @blp.alt_response(400, description="Invalid token")
    def get(self, query: dict[str, str]) -> Subscription:
        """Read the topics of interest of the link's subscription"""
        return services.subscription_for_token(query["token"])

    @blp.arguments(SubscriberTokenSchema, location="query")
    @blp.arguments(PreferencesSchema)
    @blp.response(200, PreferencesSchema)
    @blp.alt_response(400, description="Invalid token")
    def patch(self, query: dict[str, str], data: dict[str, Any]) -> Subscription:
        """Change the topics of interest of the link's subscription"""
        return services.update_preferences(query["token"], data)


@blp.route("/subscribers")
class Subscribers(MethodView):
    @staff_only(blp, Role.ADMIN)
    @blp.arguments(SubscriberQuerySchema, location="query")
    @blp.response(200, SubscriberSchema(many=True))
    @blp.paginate(SelectPage)
    def get(self, filters: dict[str, Any]) -> Any:
        """List subscribers, newest first, by status, newsletter, topic or address"""
        return staff.subscribers_query(**filters)


@blp.route("/subscribers/export")
class SubscribersExport(MethodView):
    @staff_only(blp, Role.ADMIN)
    @blp.arguments(SubscriberQuerySchema, location="query")
    @blp.response(200, description="CSV, one subscriber a line", content_type="text/csv")
    def get(self, filters: dict[str, Any]) -> Response:
        """Export subscribers as CSV (streamed), consent evidence included"""
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        return Response(
            export.export_rows(app, filters),
            mimetype="text/csv",
            headers={"Content-Disposition": 'attachment; filename="subscribers.csv"'},
        )


@blp.route("/subscribers/<int:subscription_id>")
class Subscriber(MethodView):
    @staff_only(blp, Role.ADMIN)
    @blp.response(204)
    @blp.alt_response(404, description="No subscriber has this id")
    def delete(self, subscription_id: int) -> None:
        """Erase a subscriber: personal data and emails removed, a tombstone kept"""
        staff.erase(subscription_id)


@blp.route("/stats")
class Stats(MethodView):
    @staff_only(blp, Role.ADMIN)
    @blp.arguments(StatsQuerySchema, location="query")
    @blp.response(200, StatsSchema)
    def get(self, query: dict[str, int]) -> dict[str, Any]:
        """Counts by status and newsletter, and signups per day"""
        return staff.stats(query["days"])

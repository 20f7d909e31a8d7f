from __future__ import annotations

from typing import Any

from flask import url_for
from flask.views import MethodView

from api.core.auth import staff_only
from api.core.pagination import SelectPage
from api.core.smorest import Blueprint
from api.core.writes import patch_schema, require_json_body
from api.users.models import Role
from api.webhooks import delivery as delivery  # registers the outbox handler
from api.webhooks import services
from api.webhooks.models import Webhook
from api.webhooks.schemas import WebhookDeliverySchema, WebhookSchema

blp = Blueprint(
    "webhooks", __name__, url_prefix="/api/v1/webhooks", description="Webhooks (admins)"
)
blp.before_request(require_json_body)
WebhookPatchSchema = patch_schema(WebhookSchema)


@blp.route("")
class Webhooks(MethodView):
    @staff_only(blp, Role.ADMIN)
    @blp.response(200, WebhookSchema(many=True))
    @blp.paginate(SelectPage)
    def get(self) -> Any:
        """List webhook endpoints"""
        return services.webhooks_query()

    @staff_only(blp, Role.ADMIN)
    @blp.arguments(WebhookSchema)
    @blp.response(201, WebhookSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Register a webhook endpoint

        The URL must be http(s) and resolve to public addresses only (422 naming `url`).
        Each change event is POSTed as JSON with `Careleaf-Timestamp` and
        `Careleaf-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`.
        """
        webhook = services.save_webhook(None, data)
        return webhook, 201, {"Location": url_for("webhooks.WebhookItem", webhook_id=webhook.id)}


@blp.route("/<int:webhook_id>")
class WebhookItem(MethodView):
    @staff_only(blp, Role.ADMIN)
    @blp.response(200, WebhookSchema)
    @blp.alt_response(404, description="No webhook has this id")
    def get(self, webhook_id: int) -> Webhook:
        """Read a webhook endpoint (never its secret)"""
        return services.webhook_or_404(webhook_id)

    @staff_only(blp, Role.ADMIN)
    @blp.arguments(WebhookPatchSchema)
    @blp.response(200, WebhookSchema)
    @blp.alt_response(404, description="No webhook has this id")
    def patch(self, data: dict[str, Any], webhook_id: int) -> Webhook:
        """Change a webhook endpoint: URL, events, secret or active"""
        return services.save_webhook(services.webhook_or_404(webhook_id), data)

    @staff_only(blp, Role.ADMIN)
    @blp.response(204)
    @blp.alt_response(404, description="No webhook has this id")
    def delete(self, webhook_id: int) -> None:
        """Delete a webhook endpoint with its delivery log and unsent deliveries"""
        services.delete_webhook(services.webhook_or_404(webhook_id))


@blp.route("/<int:webhook_id>/deliveries")
class WebhookDeliveries(MethodView):
    @staff_only(blp, Role.ADMIN)
    @blp.response(200, WebhookDeliverySchema(many=True))
    @blp.alt_response(404, description="No webhook has this id")
    @blp.paginate(SelectPage)
    def get(self, webhook_id: int) -> Any:
        """List the endpoint's deliveries, newest first: status, attempts, codes, errors"""
        services.webhook_or_404(webhook_id)
        return services.deliveries_query(webhook_id)

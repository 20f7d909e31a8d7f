from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.core.auth import staff_only
from api.core.pagination import SelectPage
from api.core.smorest import Blueprint
from api.outbox import staff
from api.outbox.models import OutboxMessage
from api.outbox.schemas import OutboxMessageSchema, OutboxQuerySchema
from api.users.models import Role

blp = Blueprint(
    "outbox", __name__, url_prefix="/api/v1/outbox", description="Delivery of outgoing messages"
)


@blp.route("")
class OutboxMessages(MethodView):
    @staff_only(blp, Role.ADMIN)
    @blp.arguments(OutboxQuerySchema, location="query")
    @blp.response(200, OutboxMessageSchema(many=True))
    @blp.paginate(SelectPage)
    def get(self, filters: dict[str, Any]) -> Any:
        """List outbox messages, newest first (status=failed: what staff must look at)"""
        return staff.messages_query(**filters)


@blp.route("/<int:message_id>/retry")
class OutboxRetry(MethodView):
    @staff_only(blp, Role.ADMIN)
    @blp.response(200, OutboxMessageSchema)
    @blp.alt_response(404, description="No outbox message has this id")
    @blp.alt_response(409, description="The message has not failed")
    def post(self, message_id: int) -> OutboxMessage:
        """Queue a failed message again, with a fresh set of attempts"""
        return staff.retry(message_id)

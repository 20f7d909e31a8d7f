"""The outbox handler of "webhook" messages: sign, POST to a checked address, log the attempt.

Payload: `webhook_id`, `event_id` and `event` (the feed's JSON of the event). The endpoint's
URL and secret are read at delivery time: a changed URL or secret applies to pending messages.
"""

from __future__ import annotations

import http.client
import json
import logging
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from api.core import clock
from api.extensions import db
from api.outbox import worker
from api.outbox.mailer import PermanentFailure
from api.outbox.services import redact
from api.webhooks import client, signing, targets
from api.webhooks.models import Webhook, WebhookDelivery

log = logging.getLogger(__name__)
USER_AGENT = "Careleaf-Webhooks/1"


def request_for(secret: str, event: Mapping[str, Any]) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one delivery (signed now)."""
    body = json.dumps(event, separators=(",", ":"), sort_keys=True).encode()
    timestamp = str(int(clock.now().timestamp()))
    return body, {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Careleaf-Event-Id": str(event["id"]),
        "Careleaf-Event-Type": str(event["type"]),
        "Careleaf-Timestamp": timestamp,
        "Careleaf-Signature": signing.signature(secret, timestamp, body),
    }


def _endpoint(webhook_id: int) -> tuple[str, str]:
    with db.transaction() as session:
        webhook = session.get(Webhook, webhook_id)
        if webhook is None or not webhook.active:
            raise PermanentFailure("the webhook was removed or deactivated")
        return webhook.url, webhook.secret


def _attempt(url: str, secret: str, event: Mapping[str, Any], config: Mapping[str, Any]) -> int:
    target = targets.check(url, allow_private=config["WEBHOOK_ALLOW_PRIVATE_TARGETS"])
    body, headers = request_for(secret, event)
    return client.post(target, body, headers, timeout=config["WEBHOOK_TIMEOUT_SECONDS"])


def deliver_webhook(payload: Mapping[str, Any], config: Mapping[str, Any]) -> None:
    """Deliver one event to one endpoint; a non-2xx answer or no answer is retried."""
    url, secret = _endpoint(payload["webhook_id"])
    status: int | None = None
    error: Exception | None = None
    try:
        status = _attempt(url, secret, payload["event"], config)
    except targets.TargetRefused as refused:
        error = PermanentFailure(str(refused))
    except (OSError, http.client.HTTPException) as failed:
        error = RuntimeError(f"{type(failed).__name__}: {failed}")
    if error is None and status is not None and not 200 <= status < 300:
        error = RuntimeError(f"the receiver answered {status}")
    _log_attempt(payload, status, error)
    if error is not None:
        raise error


def _log_attempt(payload: Mapping[str, Any], status: int | None, error: Exception | None) -> None:
    now = clock.now()
    with db.transaction() as session:
        delivery = session.scalar(
            select(WebhookDelivery).where(
                WebhookDelivery.webhook_id == payload["webhook_id"],
                WebhookDelivery.event_id == payload["event_id"],
            )
        )
        if delivery is None:  # the endpoint was deleted meanwhile
            return
        delivery.attempts += 1
        delivery.last_status_code = status
        delivery.last_error = redact(str(error)) if error is not None else None
        delivery.last_attempt_at = now
        if error is None:
            delivery.delivered_at = now


worker.register_handler("webhook", deliver_webhook)

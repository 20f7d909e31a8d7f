"""Outbox messages for tests that send or stop workers."""

from __future__ import annotations

from flask import Flask

from api.extensions import db
from api.outbox.services import enqueue


def enqueue_mails(
    app: Flask, count: int = 1, to: str = "someone@example.com", reference: str | None = None
) -> list[int]:
    """Queue `count` plain mails to `to` in one committed transaction; returns their ids."""
    with app.app_context(), db.transaction():
        return [
            enqueue(
                "email",
                {"to": to, "subject": f"Message {number}", "text": "Hello."},
                reference=reference,
            ).id
            for number in range(count)
        ]

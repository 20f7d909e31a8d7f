"""Webhook signatures: HMAC-SHA256 over `<timestamp>.<body>`, as receivers verify them.

Headers: `Careleaf-Timestamp: <unix seconds>` and `Careleaf-Signature: v1=<hex digest>`.
A receiver recomputes the digest with its secret, compares in constant time, and rejects a
timestamp older than a few minutes: a captured request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac

DEFAULT_TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "v1=" + digest.hexdigest()


def verify(
    secret: str,
    timestamp: str,
    body: bytes,
    signature_header: str,
    *,
    now: float,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
) -> bool:
    """Whether the request is authentic and fresh (within `tolerance` seconds of `now`)."""
    try:
        sent_at = int(timestamp)
    except ValueError:
        return False
    if abs(now - sent_at) > tolerance:
        return False
    expected = signature(secret, timestamp, body)
    return any(
        hmac.compare_digest(expected, candidate.strip())
        for candidate in signature_header.split(",")
    )

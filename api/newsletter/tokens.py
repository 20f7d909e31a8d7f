"""Secrets of the newsletter: confirmation tokens, unsubscribe tokens, keyed hashes.

Confirmation tokens are 256 random bits, stored as their SHA-256 digest, single use.
Unsubscribe/preferences tokens are long-lived and must be recomputable for every future email,
so they are `<key>.<mac>`: the key (128 random bits) is stored, the MAC is an HMAC of the key
under SECRET_KEY and never stored. A stolen database alone yields no working link; rotating
SECRET_KEY invalidates the links of emails already sent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from flask import current_app

UNSUBSCRIBE_PURPOSE = "newsletter-unsubscribe"


def new_confirm_token() -> tuple[str, str]:
    """A fresh confirmation token and the digest to store."""
    plain = secrets.token_urlsafe(32)
    return plain, digest(plain)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def keyed_hash(purpose: str, value: str) -> str:
    """HMAC-SHA256 of `value` under the server secret: not reversible without the secret."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def new_token_key() -> str:
    return secrets.token_urlsafe(16)


def _mac(token_key: str) -> str:
    raw = bytes.fromhex(keyed_hash(UNSUBSCRIBE_PURPOSE, token_key))
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unsubscribe_token(token_key: str) -> str:
    """The long-lived token put in unsubscribe and preferences links."""
    return f"{token_key}.{_mac(token_key)}"


def token_key_of(token: str) -> str | None:
    """The key of a genuine unsubscribe token, or None (checked in constant time)."""
    key, separator, mac = token.partition(".")
    if not separator or not key or not mac:
        return None
    return key if hmac.compare_digest(mac.encode(), _mac(key).encode()) else None

"""Field rules shared by every resource's schemas."""

from __future__ import annotations

import re

import marshmallow as ma

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
# A list, not And(...): apispec documents the length and the pattern only from a list.
SLUG = [
    ma.validate.Length(min=1, max=120),
    ma.validate.Regexp(SLUG_PATTERN, error="Use lowercase letters, digits and single hyphens."),
]


# Never valid in a URL (RFC 3986), and each could break out of an HTML attribute or a tag.
_UNSAFE_URL_CHARACTERS = re.compile(r'[\x00-\x20\x7f"<>\\`]')


def _safe_url(value: str) -> None:
    if _UNSAFE_URL_CHARACTERS.search(value):
        raise ma.ValidationError("Contains characters a URL may not hold; percent-encode them.")


class HttpUrl(ma.fields.Url):
    """An absolute http(s) URL of at most 2048 characters; no spaces, quotes or brackets."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("schemes", {"http", "https"})
        kwargs.setdefault("validate", [ma.validate.Length(max=2048), _safe_url])
        super().__init__(**kwargs)  # type: ignore[arg-type]

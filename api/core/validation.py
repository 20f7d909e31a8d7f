"""Field rules shared by every resource's schemas."""

from __future__ import annotations

import marshmallow as ma

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SLUG = ma.validate.And(
    ma.validate.Length(min=1, max=120),
    ma.validate.Regexp(SLUG_PATTERN, error="Use lowercase letters, digits and single hyphens."),
)


class HttpUrl(ma.fields.Url):
    """An absolute http(s) URL of at most 2048 characters."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("schemes", {"http", "https"})
        kwargs.setdefault("validate", ma.validate.Length(max=2048))
        super().__init__(**kwargs)  # type: ignore[arg-type]

"""Type rules every schema applies to what it loads: strict JSON types, and bounded instants.

- In a JSON body a boolean field takes `true`/`false` only and a number field a JSON number only:
  marshmallow would read `"off"` as false and `"3"` as 3, so a typo silently flips a setting.
  Query strings, where everything is text, keep marshmallow's documented forms
  (`?published=true`, `?page=2`); webargs hands them over as a MultiDict, never a plain dict.
- Every date-time input lies in [EARLIEST_INSTANT, LATEST_INSTANT) once converted to UTC:
  `0001-01-01T00:00:00+14:00` would otherwise overflow the first time it is converted, and a
  year short of 9999 leaves room to add a review interval or a cache lifetime to any stored time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import marshmallow as ma

EARLIEST_INSTANT = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
LATEST_INSTANT = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)
_RANGE_MESSAGE = "Out of range: use an instant from 1900-01-01T00:00:00Z to 9998-12-31T23:59:59Z."


def instant_in_range(value: dt.datetime) -> None:
    """Validator of every loaded date-time (naive ones are read as UTC)."""
    try:
        utc = value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)
    except OverflowError:
        raise ma.ValidationError(_RANGE_MESSAGE) from None
    if not EARLIEST_INSTANT <= utc < LATEST_INSTANT:
        raise ma.ValidationError(_RANGE_MESSAGE)


def bound_instants(field: ma.fields.Field) -> None:
    """Give a date-time field that loads input the range check (once)."""
    loads_instants = isinstance(field, ma.fields.DateTime) and not field.dump_only
    if loads_instants and instant_in_range not in field.validators:
        field.validators.append(instant_in_range)
    inner = getattr(field, "inner", None)
    if isinstance(inner, ma.fields.Field):
        bound_instants(inner)


def _json_type_problem(field: ma.fields.Field, value: Any) -> str | None:
    if value is None:
        return None  # allow_none decides
    if isinstance(field, ma.fields.Boolean) and not isinstance(value, bool):
        return "Not a valid boolean: send JSON true or false."
    if isinstance(field, ma.fields.Integer) and (
        isinstance(value, bool) or not isinstance(value, int)
    ):
        return "Not a valid integer: send a JSON number without a fraction."
    if isinstance(field, ma.fields.Number) and (
        isinstance(value, bool) or not isinstance(value, int | float)
    ):
        return "Not a valid number: send a JSON number."
    return None


def json_type_errors(schema: ma.Schema, data: Any) -> dict[str, Any]:
    """Messages by field name for JSON values of the wrong type (lists checked item by item)."""
    if type(data) is not dict:
        return {}
    errors: dict[str, Any] = {}
    for name, field in schema.load_fields.items():
        key = field.data_key or name
        if key not in data:
            continue
        value = data[key]
        inner = getattr(field, "inner", None)
        if isinstance(field, ma.fields.List) and isinstance(value, list) and inner is not None:
            items = {
                index: [message]
                for index, item in enumerate(value)
                if (message := _json_type_problem(inner, item))
            }
            if items:
                errors[key] = items
        elif message := _json_type_problem(field, value):
            errors[key] = [message]
    return errors

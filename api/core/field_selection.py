"""`fields=` on list endpoints: clients pick the fields they need; unknown names are 422s.

`CommaSeparatedList` reads `?x=a,b` and `?x=a&x=b` alike. `fields_argument(Schema)` declares
the parameter (documented in OpenAPI from the schema's own field names), and
`selectable_fields(Schema)` dumps the page with only those fields. It sits between
`@blp.response` and `@blp.paginate`, so paging headers are kept.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import marshmallow as ma
from flask import current_app
from flask_smorest.utils import unpack_tuple_response

from api.core.smorest import optional_fields_schema


class CommaSeparatedList(ma.fields.List):
    """A list given as repeated parameters, comma-separated values, or both."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> list[Any]:
        values = value if isinstance(value, list | tuple) else [value]
        if not all(isinstance(item, str) for item in values):
            raise ma.ValidationError("Not a valid list of strings.")
        parts = [part.strip() for item in values for part in item.split(",") if part.strip()]
        return super()._deserialize(parts, attr, data, **kwargs)


def dumped_field_names(schema: type[ma.Schema]) -> list[str]:
    """The names a schema writes in responses, in order."""
    instance = schema()
    return [
        field.data_key or name for name, field in instance.fields.items() if not field.load_only
    ]


def fields_argument(schema: type[ma.Schema]) -> CommaSeparatedList:
    """The `fields` query parameter for responses shaped by `schema`."""
    allowed = dumped_field_names(schema)

    def known(names: list[str]) -> None:
        if not names:
            raise ma.ValidationError(f"Name at least one of: {', '.join(allowed)}.")
        unknown = [name for name in names if name not in allowed]
        if unknown:
            raise ma.ValidationError(
                f"Unknown field: {', '.join(unknown)}. Choose from: {', '.join(allowed)}."
            )

    return CommaSeparatedList(
        ma.fields.String(validate=ma.validate.Length(max=60), metadata={"enum": allowed}),
        validate=known,
        metadata={
            "description": f"Return only these fields (comma-separated): {', '.join(allowed)}"
        },
    )


def selectable_fields(schema: type[ma.Schema]) -> Callable[[Any], Any]:
    """Dump the view's list with only the `fields` asked for (the view never sees `fields`)."""

    def decorator(view: Any) -> Any:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            query = next((arg for arg in args if isinstance(arg, dict)), {})
            fields = query.pop("fields", None)
            result = view(*args, **kwargs)
            if not fields:
                return result
            items, status, headers = unpack_tuple_response(result)
            body = schema(many=True, only=list(dict.fromkeys(fields))).dump(items)
            return current_app.json.response(body), status, headers

        return wrapper

    return decorator


def selectable_schema(schema_cls: type[ma.Schema]) -> type[ma.Schema]:
    """How a list with `fields=` documents its items: any field may be left out."""
    return optional_fields_schema(
        schema_cls, "Selection", "With `fields=`, only the fields asked for are present."
    )

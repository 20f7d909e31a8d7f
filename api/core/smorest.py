"""Thin project-local subclasses of flask-smorest's Api and Blueprint, kept in one place."""

from __future__ import annotations

import http
import json
import unicodedata
from typing import Any
from urllib.parse import urlencode

import flask_smorest
import marshmallow as ma
from flask import request
from flask_smorest.utils import prepare_response

from api.core.errors import PROBLEM_MIMETYPE, handle_http_exception
from api.core.input_types import bound_instants, json_type_errors


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details, the body of every error response."""

    class Meta:
        unknown = ma.INCLUDE  # extension members, such as `current_etag` on a 412

    type = ma.fields.String(metadata={"description": "A URI reference naming the problem type"})
    title = ma.fields.String(metadata={"description": "Short summary of the problem type"})
    status = ma.fields.Integer(metadata={"description": "HTTP status code"})
    detail = ma.fields.String(metadata={"description": "Explanation of this occurrence"})
    instance = ma.fields.String(metadata={"description": "The request path"})
    errors = ma.fields.Dict(
        keys=ma.fields.String(),
        metadata={"description": "Messages by field name, for validation errors"},
    )
    request_id = ma.fields.String(
        metadata={"description": "The X-Request-ID of this request, to quote to support"}
    )


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {_nfc(key): _nfc(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_nfc(item) for item in value]
    return value


LINK_HEADER = {
    "description": "RFC 8288 links to the `first`, `prev`, `next` and `last` pages "
    "(root-relative, keeping the other query parameters); `last` is left out while the "
    "total is a lower bound",
    "schema": {"type": "string"},
}


class Api(flask_smorest.Api):
    ERROR_SCHEMA = ProblemSchema

    def _register_pagination_header(self) -> None:
        super()._register_pagination_header()
        self.spec.components.header("LINK", LINK_HEADER, lazy=True)

    def handle_http_exception(self, error: Any) -> Any:
        return handle_http_exception(error)

    def _register_responses(self) -> None:
        # flask-smorest documents errors as application/json; ours are problem+json.
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_MIMETYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_MIMETYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


class Blueprint(flask_smorest.Blueprint):
    """Every resource's blueprint; pages of 20 by default, at most 100."""

    DEFAULT_PAGINATION_PARAMETERS = {"page": 1, "page_size": 20, "max_page_size": 100}

    def _set_pagination_metadata(self, page_params: Any, result: Any, headers: Any) -> Any:
        # A total counted only up to LIST_COUNT_CAP (api/core/pagination.py) is a lower bound:
        # say so, and point to the next page, which exists.
        result, headers = super()._set_pagination_metadata(page_params, result, headers)
        if getattr(page_params, "total_is_lower_bound", False):
            metadata = json.loads(headers[self.PAGINATION_HEADER_NAME])
            metadata["total_is_lower_bound"] = True
            metadata["next_page"] = page_params.page + 1
            headers[self.PAGINATION_HEADER_NAME] = json.dumps(metadata)
        headers["Link"] = page_links(page_params)
        return result, headers

    def _document_pagination_metadata(self, spec: Any, resp_doc: dict[str, Any]) -> None:
        super()._document_pagination_metadata(spec, resp_doc)
        resp_doc["headers"]["Link"] = "LINK"


def _page_url(page: int) -> str:
    # The request's other parameters, in their order (campaign tags are gone already:
    # api/core/query_args.py), with `page` set.
    args = [(name, value) for name, value in request.args.items(multi=True) if name != "page"]
    return f"{request.path}?{urlencode([*args, ('page', page)])}"


def page_links(page_params: Any) -> str:
    """RFC 8288 `Link` value for a page: first, prev, next and (when the total is exact) last."""
    page = page_params.page
    lower_bound = getattr(page_params, "total_is_lower_bound", False)
    last = max(1, -(-page_params.item_count // page_params.page_size))
    links = [("first", 1)]
    if page > 1:
        links.append(("prev", min(page - 1, last)))
    if lower_bound or page < last:
        links.append(("next", page + 1))
    if not lower_bound:
        links.append(("last", last))
    return ", ".join(f'<{_page_url(number)}>; rel="{rel}"' for rel, number in links)


class Schema(ma.Schema):
    """Base schema: unknown fields are errors that name the field; so are read-only ones,
    values of the wrong JSON type and date-times out of range (api/core/input_types.py)."""

    class Meta:
        unknown = ma.RAISE
        ordered = True

    def on_bind_field(self, field_name: str, field_obj: ma.fields.Field) -> None:
        bound_instants(field_obj)

    @ma.pre_load
    def _reject_wrong_json_types(self, data: Any, **_kwargs: Any) -> Any:
        errors = json_type_errors(self, data)
        if errors:
            raise ma.ValidationError(errors)
        return data

    @ma.pre_load
    def _normalize_text(self, data: Any, **_kwargs: Any) -> Any:
        # NFC: canonically equivalent text (e + combining accent, or é) is stored, compared
        # and kept unique as one string: emails, names, slugs (which must then be ASCII).
        return _nfc(data)

    @ma.pre_load
    def _reject_read_only_fields(self, data: Any, **_kwargs: Any) -> Any:
        # marshmallow would call them "Unknown field."; a client sending `status` or `id`
        # deserves to hear that the field exists but is the server's to set.
        if isinstance(data, dict):
            sent = [
                key
                for name, field in self.fields.items()
                if field.dump_only and (key := field.data_key or name) in data
            ]
            if sent:
                raise ma.ValidationError({key: ["Read-only field."] for key in sent})
        return data


def optional_fields_schema(schema_cls: type[Any], suffix: str, note: str) -> type[Any]:
    """`schema_cls` with every field optional, under its own name in the OpenAPI document
    (flask-smorest would otherwise warn that two shapes share one name)."""

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("partial", True)
        schema_cls.__init__(self, *args, **kwargs)

    name = schema_cls.__name__.removesuffix("Schema") + suffix + "Schema"
    doc = f"{(schema_cls.__doc__ or '').strip()} {note}"
    return type(name, (schema_cls,), {"__init__": __init__, "__doc__": doc})


def if_match_required(blueprint: flask_smorest.Blueprint, kind: str) -> Any:
    """Documents the two answers of a write that needs If-Match: 412 stale, 428 missing."""

    def decorator(func: Any) -> Any:
        func = blueprint.alt_response(428, description="If-Match is missing")(func)
        return blueprint.alt_response(
            412, description=f"The {kind} changed since the ETag was read"
        )(func)

    return decorator

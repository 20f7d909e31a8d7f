"""Request guards: NUL bytes are 400s; unknown query parameters are 422s that name them.

Links people paste carry campaign tags and cache-busters (`utm_*`, `fbclid`, `_`...): on a
read without a staff token they are dropped from `request.args` before anything reads it, so
they are never a 422, never part of the response-cache key, ETag or paging links.

The allowed names come from the same flask-smorest declarations that build the
OpenAPI document (`@blp.arguments(..., location="query")` and `@blp.paginate()`),
so what is accepted and what is documented cannot drift apart.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import marshmallow as ma
from flask import Flask, current_app, request
from werkzeug.datastructures import ImmutableMultiDict

from api.core.errors import Problem

PAGINATION_ARGS = frozenset({"page", "page_size"})
TRACKING_ARGS = frozenset({"fbclid", "gclid", "mc_cid", "mc_eid", "_"})
TRACKING_PREFIXES = ("utm_",)
READS = frozenset({"GET", "HEAD"})


def _schema_fields(schema: Any) -> set[str]:
    if isinstance(schema, type):
        schema = schema()
    if isinstance(schema, ma.Schema):
        return {field.data_key or name for name, field in schema.fields.items()}
    return set()


def _integer_fields(schema: Any) -> set[str]:
    if isinstance(schema, type):
        schema = schema()
    if not isinstance(schema, ma.Schema):
        return set()
    return {
        field.data_key or name
        for name, field in schema.fields.items()
        if isinstance(field, ma.fields.Integer)
        or isinstance(getattr(field, "inner", None), ma.fields.Integer)
    }


def _apidoc(endpoint: str, method: str) -> dict[str, Any] | None:
    view = current_app.view_functions[endpoint]
    view_class = getattr(view, "view_class", None)
    func = getattr(view_class, method.lower(), None) if view_class else view
    return getattr(func, "_apidoc", None)


def _query_schemas(apidoc: dict[str, Any]) -> list[Any]:
    parameters = apidoc.get("arguments", {}).get("parameters", [])
    return [parameter["schema"] for parameter in parameters if parameter.get("in") == "query"]


@cache
def _allowed_for(endpoint: str, method: str) -> frozenset[str] | None:
    apidoc = _apidoc(endpoint, method)
    if apidoc is None:
        return None  # not an API operation (docs UI, static files)
    allowed: set[str] = set()
    for schema in _query_schemas(apidoc):
        allowed |= _schema_fields(schema)
    if "pagination" in apidoc:
        allowed |= PAGINATION_ARGS
    return frozenset(allowed)


@cache
def _integers_for(endpoint: str, method: str) -> frozenset[str]:
    apidoc = _apidoc(endpoint, method) or {}
    names: set[str] = set()
    for schema in _query_schemas(apidoc):
        names |= _integer_fields(schema)
    if "pagination" in apidoc:
        names |= PAGINATION_ARGS
    return frozenset(names)


def integer_query_args() -> frozenset[str]:
    """The declared integer query parameters of the current operation."""
    if request.url_rule is None or request.endpoint is None:
        return frozenset()
    return _integers_for(request.endpoint, request.method)


def reject_nul_bytes() -> None:
    """NUL is never part of a slug or a parameter, and PostgreSQL text cannot hold it."""
    if "\x00" in request.path:
        raise Problem(400, "The URL path contains a NUL byte.")
    for name, value in request.args.items(multi=True):
        if "\x00" in name or "\x00" in value:
            raise Problem(
                400,
                f"The query parameter {name!r} contains a NUL byte.",
                errors={name: ["Contains a NUL byte."]},
            )


def is_tracking_arg(name: str) -> bool:
    """A campaign tag or cache-buster that a pasted link may carry."""
    return name in TRACKING_ARGS or name.startswith(TRACKING_PREFIXES)


def drop_tracking_args() -> None:
    """Forget campaign tags and cache-busters on reads without a staff token.

    Programs with a token stay strict: for them an unknown parameter is still a 422.
    """
    if request.method not in READS or "Authorization" in request.headers:
        return
    if not any(is_tracking_arg(name) for name in request.args):
        return
    kept = [(n, v) for n, v in request.args.items(multi=True) if not is_tracking_arg(n)]
    request.args = ImmutableMultiDict(kept)  # type: ignore[misc]  # cached; every reader sees it


def reject_unknown_query_args() -> None:
    if request.url_rule is None or request.endpoint is None:
        return
    allowed = _allowed_for(request.endpoint, request.method)
    if allowed is None:
        return
    unknown = sorted(set(request.args) - allowed)
    if unknown:
        raise Problem(
            422,
            f"Unknown query parameter: {', '.join(unknown)}.",
            errors={name: ["Unknown query parameter."] for name in unknown},
        )


def init_app(app: Flask) -> None:
    app.before_request(reject_nul_bytes)
    app.before_request(drop_tracking_args)
    app.before_request(reject_unknown_query_args)

"""Error responses every operation can give, declared in the OpenAPI document in one place.

Guards that run before any view (request-head sizes, NUL bytes, invalid UTF-8, JSON nesting,
body size, content type, failed-token throttling) can answer any operation; declaring them here
keeps the document truthful without repeating the same alt responses on every view. Every error
response is `application/problem+json` with the `Problem` schema, also those declared with a
description only.
"""

from __future__ import annotations

from typing import Any

PROBLEM_CONTENT = {
    "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}},
}
ALWAYS = {
    400: "Malformed request: a NUL byte or invalid UTF-8 in the URL or query string",
    414: "The URL is longer than MAX_URL_BYTES",
    431: "The header fields are more or larger than MAX_HEADER_FIELDS / MAX_HEADER_BYTES",
}
WITH_BODY = {
    400: "Malformed request: the body is not UTF-8 JSON, or is nested too deeply",
    413: "The request body is too large",
    415: "The request body is not JSON",
}
WITH_TOKEN = {
    401: "The token is unknown, expired, revoked or malformed",
    429: "Too many failed token attempts from this client; see Retry-After",
}
WRITE_METHODS = ("post", "put", "patch")


def _operations(paths: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    methods = ("get", "post", "put", "patch", "delete")
    return [(name, op) for item in paths.values() for name, op in item.items() if name in methods]


def _add(responses: dict[str, Any], extra: dict[int, str]) -> None:
    for status, description in extra.items():
        responses.setdefault(str(status), {"description": description})


def _as_problem(responses: dict[str, Any]) -> None:
    for status, response in responses.items():
        if status[0] in "45" and "$ref" not in response and "content" not in response:
            response["content"] = PROBLEM_CONTENT


def document_common_errors(api: Any) -> None:
    """Add the guard responses to every registered operation (call after the blueprints)."""
    pagination = api.spec.components.headers.get("PAGINATION")
    if pagination and "schema" in pagination:
        # The header carries a JSON object, not OpenAPI's default `simple` style (k,v,k,v).
        pagination["content"] = {"application/json": {"schema": pagination.pop("schema")}}
    for method, operation in _operations(api.spec._paths):
        responses = operation.setdefault("responses", {})
        _add(responses, ALWAYS)
        if "requestBody" in operation or method in WRITE_METHODS:
            _add(responses, WITH_BODY)
        if operation.get("security"):
            _add(responses, WITH_TOKEN)
        _as_problem(responses)

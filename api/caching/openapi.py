"""The caching contract in the OpenAPI document: validators on public reads, and their 304."""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from api.caching.policy import STAFF_ONLY

PRIVATE_TAGS = frozenset({"newsletter", "health", "previews"})
NOT_MODIFIED = {
    "description": "Not Modified: the copy named by If-None-Match / If-Modified-Since is current",
}
CONDITIONAL_PARAMETERS = [
    {
        "name": "If-None-Match",
        "in": "header",
        "required": False,
        "description": "ETag of the copy you hold: a 304 without a body when it is current",
        "schema": {"type": "string"},
    },
    {
        "name": "If-Modified-Since",
        "in": "header",
        "required": False,
        "description": "Last-Modified of the copy you hold (ignored when If-None-Match is sent)",
        "schema": {"type": "string"},
    },
]
VALIDATOR_HEADERS = {
    "ETag": {
        "description": "Strong validator of this response (staff reads: the row's version, "
        '`"article-12-v7"`, for If-Match)',
        "schema": {"type": "string"},
    },
    "Last-Modified": {
        "description": "Last content change or publication (public reads only)",
        "schema": {"type": "string"},
    },
    "Cache-Control": {
        "description": "`public, ...` for public reads, `private, no-store` with a token",
        "schema": {"type": "string"},
    },
}


def _is_public_read(operation: dict[str, Any]) -> bool:
    return operation.get("security") != STAFF_ONLY and not PRIVATE_TAGS & set(
        operation.get("tags", [])
    )


def document_conditional_reads(spec: Any) -> None:
    """Add the 304, the validator headers and the conditional request headers to every public
    GET of the spec."""
    for operations in spec._paths.values():
        operation = operations.get("get")
        if operation is None or not _is_public_read(operation):
            continue
        responses = operation.setdefault("responses", {})
        # Copies: shared objects would become YAML anchors in openapi.yaml.
        responses.setdefault("304", deepcopy(NOT_MODIFIED))
        operation.setdefault("parameters", []).extend(deepcopy(CONDITIONAL_PARAMETERS))
        ok = responses.get("200")
        if ok is not None:
            ok.setdefault("headers", {}).update(deepcopy(VALIDATOR_HEADERS))

"""Rules every staff write shares: JSON bodies, strong ETags and If-Match preconditions.

An ETag names one version of one row (`"article-12-v7"`). The If-Match check is atomic with
the write: the UPDATE itself says `WHERE version = <the version checked>` (SQLAlchemy's
`version_id_col`), so of two writers holding the same ETag exactly one wins, even when they
race; the other gets a 412.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from flask import request
from sqlalchemy import delete
from sqlalchemy.orm.exc import StaleDataError

from api.core.errors import Problem
from api.core.smorest import optional_fields_schema
from api.extensions import db

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})


class Versioned(Protocol):
    id: Any
    version: Any


def require_json_body() -> None:
    """A write that carries a body must say it is JSON (415 otherwise); bodiless writes pass."""
    if request.method not in WRITE_METHODS:
        return
    has_body = bool(request.content_length) or "Transfer-Encoding" in request.headers
    if has_body and not request.is_json:
        raise Problem(
            415,
            "Send the request body as JSON with 'Content-Type: application/json'.",
            headers={
                "Accept-Patch" if request.method == "PATCH" else "Accept-Post": "application/json"
            },
        )


def etag_of(kind: str, obj: Versioned) -> str:
    """The strong ETag of one version of one row."""
    return f'"{kind}-{obj.id}-v{obj.version}"'


def etag_header(kind: str, obj: Versioned) -> dict[str, str]:
    """The per-row ETag staff send back in If-Match; public reads get the caching validator."""
    if "Authorization" not in request.headers:
        return {}
    return {"ETag": etag_of(kind, obj)}


def _listed_etags(header: str) -> list[str]:
    return [part.strip() for part in header.split(",") if part.strip()]


def check_if_match(kind: str, obj: Versioned, *, required: bool = True) -> None:
    """428 without If-Match (when required), 412 when it names another version."""
    header = request.headers.get("If-Match")
    if header is None:
        if required:
            raise Problem(
                428,
                "Send If-Match with the ETag of the version you read, so no edit is lost.",
            )
        return
    listed = _listed_etags(header)
    if "*" not in listed and etag_of(kind, obj) not in listed:
        raise _stale(kind, obj)


def _stale(kind: str, obj: Versioned) -> Problem:
    return Problem(
        412,
        f"The {kind} changed since you read it; read it again and reapply your change.",
        current_etag=etag_of(kind, obj),
    )


@contextmanager
def versioned_writes(kind: str, *, status: int = 412) -> Iterator[None]:
    """Flushes inside the block that find the row's version moved (a concurrent writer won)
    become a 412 (or `status`) instead of a crash."""
    try:
        yield
    except StaleDataError:
        db.session.rollback()
        raise Problem(
            status, f"The {kind} was changed by someone else meanwhile; read it again."
        ) from None


def flush_versioned(kind: str, *, status: int = 412) -> None:
    """Flush; a row whose version moved under us is a 412 (or `status`)."""
    with versioned_writes(kind, status=status):
        db.session.flush()


def delete_versioned(kind: str, obj: Versioned) -> None:
    """DELETE the row only if it still has the version that was checked (412 otherwise);
    the store's ON DELETE rules take care of dependent rows."""
    model = type(obj)
    result = db.session.execute(
        delete(model).where(model.id == obj.id, model.version == obj.version),  # type: ignore[attr-defined]
        execution_options={"synchronize_session": False},
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Problem(412, f"The {kind} was changed by someone else meanwhile; read it again.")
    db.session.expunge(obj)


def patch_schema(schema_cls: type[Any]) -> type[Any]:
    """The schema of a PATCH body: `schema_cls` with every field optional ("ArticleWritePatch")."""
    return optional_fields_schema(schema_cls, "Patch", "Every field is optional.")

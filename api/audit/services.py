"""Writing to and reading the audit log. Every write of every entry point calls `record`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from api.audit.models import AuditEntry
from api.core import clock
from api.core.writes import versioned_writes
from api.extensions import db
from api.users.models import User

# Long values (article bodies) are summarised; the revisions hold them in full.
MAX_VALUE_LENGTH = 200


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if hasattr(value, "value") and not isinstance(value, str | int | float | bool):
        return value.value  # enums
    if isinstance(value, str) and len(value) > MAX_VALUE_LENGTH:
        return f"{value[:MAX_VALUE_LENGTH]}… ({len(value)} characters)"
    return value


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """{field: {"from": old, "to": new}} for the fields whose value differs."""
    return {
        name: {"from": _plain(before.get(name)), "to": _plain(after.get(name))}
        for name in after
        if before.get(name) != after.get(name)
    }


def record(
    actor: User | None,
    action: str,
    object_type: str,
    object_id: int,
    *,
    label: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry; it commits or rolls back with the write it describes."""
    entry = AuditEntry(
        at=clock.now(),
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_label=label[:320],
        changes={name: _plain(value) for name, value in (changes or {}).items()},
    )
    db.session.add(entry)
    return entry


def audited_update(
    user: User | None,
    kind: str,
    obj: Any,
    state: Callable[[Any], dict[str, Any]],
    apply: Callable[[], object],
) -> None:
    """Run `apply` (a versioned write of `obj`) and record what it changed, if anything."""
    before = state(obj)
    with versioned_writes(kind):
        apply()
    changes = changes_between(before, state(obj))
    if changes:
        record(user, f"{kind}.update", kind, obj.id, label=obj.slug, changes=changes)


def audit_query(
    *,
    actor: int | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> Select[tuple[AuditEntry]]:
    """Entries newest first, filtered; the actor is loaded in the same query."""
    query = select(AuditEntry).options(joinedload(AuditEntry.actor))
    if actor is not None:
        query = query.where(AuditEntry.actor_id == actor)
    if object_type is not None:
        query = query.where(AuditEntry.object_type == object_type)
    if object_id is not None:
        query = query.where(AuditEntry.object_id == object_id)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if until is not None:
        query = query.where(AuditEntry.at < until)
    return query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())

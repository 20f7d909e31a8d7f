"""Staff writes to the media library, each recorded in the audit log."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import FileStorage

from api.audit.services import changes_between, record
from api.core.writes import delete_versioned, versioned_writes
from api.extensions import db
from api.media.models import MediaItem
from api.media.services import apply_fields, store_upload
from api.media.usage import refuse_if_used
from api.users.models import User

FIELDS = ("alt", "decorative", "caption", "credit", "license", "focal_x", "focal_y")


def _state(item: MediaItem) -> dict[str, Any]:
    return {name: getattr(item, name) for name in FIELDS}


def _label(item: MediaItem) -> str:
    return f"{item.sha256[:12]} {item.alt or ''}".strip()


def upload_media(user: User, upload: FileStorage, data: dict[str, Any]) -> tuple[MediaItem, bool]:
    item, created = store_upload(user, upload, data)
    if created:
        changes = {**_state(item), "sha256": item.sha256, "bytes": item.bytes}
        record(user, "media.create", "media", item.id, label=_label(item), changes=changes)
    return item, created


def update_media(user: User, item: MediaItem, data: dict[str, Any]) -> MediaItem:
    before = _state(item)
    with versioned_writes("media item"):
        apply_fields(item, data)
        db.session.flush()
    changes = changes_between(before, _state(item))
    if changes:
        record(user, "media.update", "media", item.id, label=_label(item), changes=changes)
    return item


def delete_media(user: User, item: MediaItem) -> None:
    """Delete an item no article (live or pending) and no author uses; else a 409 saying
    where it is used."""
    refuse_if_used(item)
    changes = {**_state(item), "sha256": item.sha256}
    record(user, "media.delete", "media", item.id, label=_label(item), changes=changes)
    delete_versioned("media item", item)

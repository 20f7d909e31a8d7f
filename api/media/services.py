"""Rules for the media library: storing uploads once, their JSON, lookups and housekeeping."""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import Select, or_, select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from api.core import clock
from api.core.errors import Problem
from api.core.site import site_url
from api.extensions import db
from api.media.images import EXTENSIONS, ImageRefused, Normalized, normalize
from api.media.models import ORIGINAL, MediaItem, MediaRendition
from api.users.models import User

TEXT_FIELDS = ("caption", "credit", "license")


def media_path(media_sha256: str, name: str, image_format: str) -> str:
    return f"/media/{media_sha256}/{name}.{EXTENSIONS[image_format]}"


def _url(rendition: MediaRendition) -> str:
    return site_url() + media_path(rendition.media_sha256, rendition.name, rendition.format)


def present(item: MediaItem) -> dict[str, Any]:
    """The JSON of a media item: `url` is the widest JPEG (every browser shows it), `srcset`
    lists every width of each format, `renditions` every file with its hash and size."""
    files = sorted((r for r in item.renditions if r.name != ORIGINAL), key=_file_order)
    original = next(r for r in item.renditions if r.name == ORIGINAL)
    srcset = {
        image_format: ", ".join(f"{_url(r)} {r.width}w" for r in files if r.format == image_format)
        for image_format in ("webp", "jpeg")
    }
    widest = widest_jpeg(item)
    return {
        **{name: getattr(item, name) for name in _ITEM_FIELDS},
        "url": _url(widest),
        "original_url": _url(original),
        "srcset": srcset,
        "sizes_hint": sizes_hint(widest),
        "renditions": [
            {
                "url": _url(r),
                **{name: getattr(r, name) for name in ("name", "format", "width", "height")},
                **{name: getattr(r, name) for name in ("bytes", "sha256")},
            }
            for r in sorted(item.renditions, key=_file_order)
        ],
    }


def sizes_hint(widest: MediaRendition) -> str:
    """Full width on screens up to the widest file, never wider than it."""
    return f"(max-width: {widest.width}px) 100vw, {widest.width}px"


def widest_jpeg(item: MediaItem) -> MediaRendition:
    """The rendition `url` names: the widest JPEG."""
    jpegs = (r for r in item.renditions if r.format == "jpeg" and r.name != ORIGINAL)
    return max(jpegs, key=lambda r: r.width)


def _file_order(rendition: MediaRendition) -> tuple[bool, str, int]:
    return (rendition.name != ORIGINAL, rendition.format, rendition.width)


_ITEM_FIELDS = (
    "id", "width", "height", "format", "alt", "alt_missing", "decorative", "caption", "credit",
    "license", "focal_x", "focal_y", "sha256", "bytes", "dominant_color", "created_at",
    "updated_at",
)  # fmt: skip


def media_query(*, missing_alt: bool | None = None) -> Select[tuple[MediaItem]]:
    """The library, newest first; `missing_alt` keeps (or drops) items still needing alt."""
    query = select(MediaItem).order_by(MediaItem.created_at.desc(), MediaItem.id.desc())
    missing = (MediaItem.decorative.is_(False)) & or_(MediaItem.alt.is_(None), MediaItem.alt == "")
    if missing_alt is True:
        query = query.where(missing)
    elif missing_alt is False:
        query = query.where(~missing)
    return query


def media_or_404(media_id: int) -> MediaItem:
    item = db.session.get(MediaItem, media_id)
    if item is None:
        raise Problem(404, f"No media item has the id {media_id}.")
    return item


def rendition_file(
    media_sha256: str, name: str, image_format: str, *, if_none_match: Any = None
) -> tuple[bytes | None, str] | None:
    """(bytes, sha256) of one stored file, found by its unique index; (None, sha256) when
    `if_none_match` (a werkzeug ETags) names the file: a 304 never loads the bytes. None when
    there is no such file."""
    where = (
        MediaRendition.media_sha256 == media_sha256,
        MediaRendition.name == name,
        MediaRendition.format == image_format,
    )
    if if_none_match:
        digest = db.session.scalar(select(MediaRendition.sha256).where(*where))
        if digest is None:
            return None
        if if_none_match.contains(digest) or if_none_match.star_tag:
            return None, digest
    row = db.session.execute(select(MediaRendition.data, MediaRendition.sha256).where(*where))
    found = row.first()
    return (found[0], found[1]) if found else None


def apply_fields(item: MediaItem, data: dict[str, Any]) -> None:
    """Set the text fields and focal point; alt and decorative are checked together:
    a decorative image has alt "" (declared, not forgotten), any other a real description
    (or none yet, reported as alt_missing)."""
    decorative = data.get("decorative", item.decorative)
    alt = data.get("alt", item.alt)
    alt = alt.strip() if alt is not None else None
    if decorative:
        if alt:
            raise Problem(
                422,
                "A decorative image has no alt text: send alt as an empty string.",
                errors={"alt": ['Must be "" when decorative is true.']},
            )
        alt = ""
    elif not alt:
        alt = None  # left blank: still to be written, reported as alt_missing
    item.decorative, item.alt = bool(decorative), alt
    for name in (*TEXT_FIELDS, "focal_x", "focal_y"):
        if name in data:
            value = data[name]
            if isinstance(value, str):
                value = value.strip() or None
            setattr(item, name, value)


def _read_upload(upload: FileStorage) -> bytes:
    limit = current_app.config["MEDIA_MAX_BYTES"]
    data = upload.stream.read(limit + 1)
    if not data:
        raise Problem(422, "The file part is empty.", errors={"file": ["Empty file."]})
    if len(data) > limit:
        raise Problem(
            413,
            f"The image is larger than {limit} bytes (MEDIA_MAX_BYTES).",
            errors={"file": [f"At most {limit} bytes."]},
        )
    return data


def _normalize(data: bytes) -> Normalized:
    try:
        return normalize(data, max_pixels=current_app.config["MEDIA_MAX_PIXELS"])
    except ImageRefused as refused:
        reason = str(refused)
        raise Problem(422, f"The file was refused: {reason}", errors={"file": [reason]}) from None
    except MemoryError:
        message = "The image is too large to process."
        raise Problem(422, message, errors={"file": [message]}) from None


def existing_media(sha256: str) -> MediaItem | None:
    return db.session.scalar(select(MediaItem).where(MediaItem.sha256 == sha256))


def store_upload(user: User, upload: FileStorage, data: dict[str, Any]) -> tuple[MediaItem, bool]:
    """The item for this image and whether it was created: an image stored before (same
    normalized bytes) is that item, unchanged."""
    normalized = _normalize(_read_upload(upload))
    original = normalized.original
    found = existing_media(original.sha256)
    if found is not None:
        return found, False
    item = MediaItem(
        sha256=original.sha256,
        format=original.format,
        width=original.width,
        height=original.height,
        bytes=len(original.data),
        dominant_color=normalized.dominant_color,
        uploaded_by_id=user.id,
        decorative=False,
    )
    apply_fields(item, data)
    now = clock.now()
    item.renditions = [
        MediaRendition(
            media_sha256=original.sha256,
            name=encoded.name,
            format=encoded.format,
            width=encoded.width,
            height=encoded.height,
            bytes=len(encoded.data),
            sha256=encoded.sha256,
            data=encoded.data,
            created_at=now,
        )
        for encoded in (original, *normalized.renditions)
    ]
    try:
        with db.session.begin_nested():  # a concurrent upload of the same image may win
            db.session.add(item)
            db.session.flush()
    except IntegrityError:
        found = existing_media(original.sha256)
        if found is None:
            raise
        return found, False
    return item, True

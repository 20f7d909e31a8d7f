"""The media manifest of a bundle: every media item its articles and authors show, with the
files a kiosk downloads once and verifies by SHA-256 (`media=` chooses which files)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from api.articles.models import Article
from api.authors.models import Author
from api.extensions import db
from api.media.images import RENDITION_FORMATS
from api.media.models import ORIGINAL, MediaItem
from api.media.services import present

_WIDTH_FORMAT = re.compile(r"(\d{1,5})w-(webp|jpeg)")
MEDIA_CHOICE_HELP = (
    "`all` (default: every file), `none` (no media), or a comma-separated list of `original` "
    "and `<width>w-<format>` (format webp or jpeg, e.g. `640w-webp,1600w-jpeg`); an image "
    "narrower than a width gets its full-width rendition"
)


@dataclass(frozen=True)
class MediaChoice:
    """Which files of each item a bundle lists."""

    everything: bool = True
    original: bool = False
    widths: frozenset[tuple[int, str]] = frozenset()

    @property
    def nothing(self) -> bool:
        return not (self.everything or self.original or self.widths)

    def keeps(self, rendition: dict[str, Any], item_width: int) -> bool:
        """Whether a file (as the media JSON lists it) is chosen."""
        if self.everything:
            return True
        if rendition["name"] == ORIGINAL:
            return self.original
        return any(
            rendition["format"] == image_format and rendition["width"] == min(width, item_width)
            for width, image_format in self.widths
        )


def parse_choice(value: str | None) -> MediaChoice:
    """The `media=` argument; ValueError with a message for a part it does not know."""
    parts = [part.strip() for part in (value or "all").split(",") if part.strip()]
    if parts == ["all"]:
        return MediaChoice()
    if parts == ["none"]:
        return MediaChoice(everything=False)
    widths, original = set(), False
    for part in parts:
        match = _WIDTH_FORMAT.fullmatch(part)
        if part == ORIGINAL:
            original = True
        elif match and int(match.group(1)) > 0 and match.group(2) in RENDITION_FORMATS:
            widths.add((int(match.group(1)), match.group(2)))
        else:
            raise ValueError(f"Unknown media choice '{part}': use {MEDIA_CHOICE_HELP}.")
    return MediaChoice(everything=False, original=original, widths=frozenset(widths))


def manifest(
    articles: Iterable[Article], authors: Iterable[Author], choice: MediaChoice
) -> list[dict[str, Any]]:
    """The items shown by the live content of these articles (the ids their rows record in
    `media_text`, loaded with them) and by these authors (avatars), by id: no query when none
    shows one, else one for the items and one for their renditions."""
    ids = {int(media_id) for article in articles for media_id in article.media_text or {}}
    ids |= {article.feature_image_id for article in articles if article.feature_image_id}
    ids |= {author.avatar_id for author in authors if author.avatar_id}
    if choice.nothing or not ids:
        return []
    items = db.session.scalars(
        select(MediaItem).where(MediaItem.id.in_(ids)).order_by(MediaItem.id)
    )
    return [
        {
            "id": item.id,
            "sha256": item.sha256,
            "bytes": item.bytes,
            "url": shown["original_url"],
            "renditions": [r for r in shown["renditions"] if choice.keeps(r, item.width)],
        }
        for item, shown in ((item, present(item)) for item in items)
    ]

"""Articles and the media library: the feature image, figures in bodies, the text recorded
with the content, the places each item is used, and the rule that publishing needs alt text.

The alt text and caption of every item an article shows are reviewed content: each content
write records them, as the library has them then, in `media_text` (a content field, so every
revision holds it and a review's hash covers it). Reads and renders use that record, so a later
change in the library reaches an article only with its next content write, which is a new
revision to review. Alt text written in the Markdown (`![alt](media:7)`) or the article's
`feature_image_alt` wins over the library's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy import delete, select

from api.articles.figures import FIGURES_KEY, Figure, media_ids, written_alts
from api.core.errors import Problem
from api.extensions import db
from api.links.rendering import parse_article_body
from api.media.models import ORIGINAL, MediaItem, MediaRendition, MediaUse
from api.media.services import media_path, present, sizes_hint, widest_jpeg

FEATURE, BODY = "feature_image", "body"


def items_by_id(ids: Iterable[int]) -> dict[int, MediaItem]:
    """The media items of these ids (their renditions in one more query)."""
    wanted = set(ids)
    if not wanted:
        return {}
    found = db.session.scalars(select(MediaItem).where(MediaItem.id.in_(wanted)))
    return {item.id: item for item in found}


def _refuse_unknown(ids: Iterable[int], found: Mapping[int, Any], field: str) -> None:
    unknown = [media_id for media_id in dict.fromkeys(ids) if media_id not in found]
    if unknown:
        names = ", ".join(str(media_id) for media_id in unknown)
        raise Problem(
            422,
            f"No media item has the id {names}.",
            errors={field: [f"Unknown media id {media_id}." for media_id in unknown]},
        )


def _body_ids(body_markdown: str | None) -> list[int]:
    return media_ids(parse_article_body(body_markdown or "")) if body_markdown else []


def text_of(item: MediaItem) -> dict[str, Any]:
    return {"alt": item.alt, "caption": item.caption, "decorative": item.decorative}


def media_text_for(feature_image_id: int | None, body_markdown: str | None) -> dict[str, Any]:
    """The library's text of every item the content shows, now: what a content write records.
    An unknown id is a 422 naming the field that refers to it."""
    body = _body_ids(body_markdown)
    wanted = [*([feature_image_id] if feature_image_id is not None else []), *body]
    items = items_by_id(wanted)
    if feature_image_id is not None:
        _refuse_unknown([feature_image_id], items, FEATURE + "_id")
    _refuse_unknown(body, items, "body_markdown")
    return {str(media_id): text_of(items[media_id]) for media_id in dict.fromkeys(wanted)}


def _path(rendition: MediaRendition) -> str:
    return media_path(rendition.media_sha256, rendition.name, rendition.format)


def _figure(item: MediaItem, text: Mapping[str, Any] | None) -> Figure:
    """Root-relative URLs: the stored body does not depend on the host it was written on
    (`absolute_media_urls` prefixes the site's URL when it is read)."""
    widest = widest_jpeg(item)
    webp = sorted(
        (r for r in item.renditions if r.format == "webp" and r.name != ORIGINAL),
        key=lambda r: r.width,
    )
    text = text or text_of(item)
    return Figure(
        src=_path(widest),
        srcset=", ".join(f"{_path(r)} {r.width}w" for r in webp),
        sizes=sizes_hint(widest),
        width=widest.width,
        height=widest.height,
        alt=text.get("alt") or "",
        caption=text.get("caption"),
    )


def figures_env(media_text: Mapping[str, Any] | None) -> Callable[[list[Any]], dict[str, Any]]:
    """The `prepare` step of a body render: the figures of the media it places (one query
    for the items, one for their renditions), with the recorded text."""

    def prepare(tokens: list[Any]) -> dict[str, Any]:
        ids = media_ids(tokens)
        if not ids:
            return {}
        items = items_by_id(ids)
        _refuse_unknown(ids, items, "body_markdown")
        recorded = media_text or {}
        return {FIGURES_KEY: {i: _figure(items[i], recorded.get(str(i))) for i in ids}}

    return prepare


def feature_image_json(article: Any) -> dict[str, Any] | None:
    """The article's feature image as the media JSON shapes it, with the alt text and caption
    recorded with the content (the article's own feature_image_alt first)."""
    if article.feature_image_id is None:  # nothing to load
        return None
    item = article.feature_image
    if item is None:
        return None
    shown = present(item)
    recorded = (article.media_text or {}).get(str(item.id)) or text_of(item)
    alt = article.feature_image_alt or recorded.get("alt")
    decorative = bool(recorded.get("decorative")) and not article.feature_image_alt
    shown.update(alt=alt, caption=recorded.get("caption"), decorative=decorative)
    shown["alt_missing"] = not decorative and not (alt or "").strip()
    return shown


def row_media(article: Any) -> dict[str, Any]:
    """What of the row's content decides its images and their text."""
    names = ("feature_image_id", "feature_image_alt", "body_markdown", "media_text")
    return {name: getattr(article, name) for name in names}


def images_missing_alt(content: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The images of `content` (a revision's content) with neither alt text nor a declared
    decorative status: [{id, place}], each place once."""
    recorded = content.get("media_text") or {}

    def described(media_id: int, written: str | None) -> bool:
        text = recorded.get(str(media_id)) or {}
        return bool((written or text.get("alt") or "").strip()) or bool(text.get("decorative"))

    missing = []
    feature = content.get("feature_image_id")
    if feature is not None and not described(feature, content.get("feature_image_alt")):
        missing.append({"id": feature, "place": FEATURE})
    for media_id, written in written_alts(parse_article_body(content.get("body_markdown") or "")):
        entry = {"id": media_id, "place": BODY}
        if not described(media_id, written) and entry not in missing:
            missing.append(entry)
    return missing


def check_alt_to_publish(content: Mapping[str, Any]) -> None:
    """409 listing the images of the content to publish that lack alt text."""
    missing = images_missing_alt(content)
    if missing:
        listed = ", ".join(f"media {image['id']} ({image['place']})" for image in missing)
        raise Problem(
            409,
            f"Every image needs alt text before publishing: {listed} has none. Write it in "
            "the library (PATCH /api/v1/media/<id>, or declare the image decorative) and save "
            "the article again, or write it in the article (![alt](media:<id>), "
            "feature_image_alt).",
            images=missing,
        )


def store_uses(article_id: int, content: Mapping[str, Any], *, pending: bool) -> None:
    """Record which items the content uses (the row's, or the pending revision's)."""
    db.session.execute(
        delete(MediaUse).where(MediaUse.article_id == article_id, MediaUse.pending.is_(pending))
    )
    feature = content.get("feature_image_id")
    uses = [(feature, FEATURE)] if feature is not None else []
    uses += [(media_id, BODY) for media_id in _body_ids(content.get("body_markdown"))]
    db.session.add_all(
        MediaUse(media_id=media_id, article_id=article_id, place=place, pending=pending)
        for media_id, place in uses
    )


def drop_pending_uses(article_id: int) -> None:
    db.session.execute(
        delete(MediaUse).where(MediaUse.article_id == article_id, MediaUse.pending.is_(True))
    )

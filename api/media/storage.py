"""Where media bytes live: MEDIA_STORAGE. Only "database" exists (blobs in the relational
store, so every process and host sees the same media and one backup holds everything); object
storage would be another value here, with its own reader and writer of rendition bytes."""

from __future__ import annotations

from flask import Flask

STORAGES = ("database",)


def init_app(app: Flask) -> None:
    """Refuse to start with a MEDIA_STORAGE this build cannot serve."""
    storage = str(app.config.get("MEDIA_STORAGE", "database")).strip().lower()
    if storage not in STORAGES:
        raise RuntimeError(
            f"MEDIA_STORAGE={storage!r} is not available; the only media storage is "
            "'database' (see docs/media.md)."
        )
    app.config["MEDIA_STORAGE"] = storage

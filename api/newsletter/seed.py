"""Newsletters of the demo seed (seed/newsletters.yaml), created or updated by slug."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import select

from api.extensions import db
from api.newsletter.models import Newsletter

FIELDS = ("name", "description")


def seed_newsletters(path: Path) -> int:
    """Create or update the newsletters listed in `path` (if it exists); returns how many."""
    if not path.exists():
        return 0
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(entries, list) or not all(
        isinstance(entry, dict) and entry.get("slug") and entry.get("name") for entry in entries
    ):
        raise ValueError(f"{path.name}: expected a list of newsletters with slug and name")
    with db.transaction() as session:
        for entry in entries:
            newsletter = session.scalar(select(Newsletter).where(Newsletter.slug == entry["slug"]))
            if newsletter is None:
                newsletter = Newsletter(slug=entry["slug"])
                session.add(newsletter)
            newsletter.name = entry["name"]
            newsletter.description = entry.get("description") or ""
        session.flush()
    return len(entries)

"""Newsletters of the demo seed (seed/newsletters.yaml): the missing ones are created."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import select

from api.extensions import db
from api.newsletter.models import Newsletter


def seed_newsletters(path: Path) -> tuple[list[str], list[str]]:
    """Create the newsletters of `path` (if it exists) whose slug is new; existing ones are
    left as staff keep them. Returns the slugs created and the slugs skipped."""
    if not path.exists():
        return [], []
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(entries, list) or not all(
        isinstance(entry, dict) and entry.get("slug") and entry.get("name") for entry in entries
    ):
        raise ValueError(f"{path.name}: expected a list of newsletters with slug and name")
    created, skipped = [], []
    with db.transaction() as session:
        existing = set(session.scalars(select(Newsletter.slug)))
        for entry in entries:
            if entry["slug"] in existing:
                skipped.append(entry["slug"])
                continue
            session.add(
                Newsletter(
                    slug=entry["slug"],
                    name=entry["name"],
                    description=entry.get("description") or "",
                )
            )
            created.append(entry["slug"])
        session.flush()
    return created, skipped

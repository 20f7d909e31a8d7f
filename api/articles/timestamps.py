"""An article's `updated_at` moves only when something the public sees of it moves.

Patients read `updated_at` (lists, `updated_since`, feeds, the sitemap): storing the next
revision of a published article, submitting, approving or rejecting it changes only workflow
bookkeeping (`api.articles.visibility.STAFF_ONLY_ATTRIBUTES`), so such a flush writes the
timestamp back unchanged instead of letting the column's `onupdate` move it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import flag_modified

from api.articles.models import Article
from api.articles.visibility import changes_public_attributes


def _keep_timestamp_of_bookkeeping(session: Session, _context: Any, _instances: Any) -> None:
    for obj in session.dirty:
        if (
            isinstance(obj, Article)
            and "updated_at" in obj.__dict__
            and session.is_modified(obj)
            and not changes_public_attributes(obj)
        ):
            # In the UPDATE's SET clause with its current value: `onupdate` does not apply.
            flag_modified(obj, "updated_at")


def install(sessions: sessionmaker[Session]) -> None:
    """Keep articles' updated_at for bookkeeping-only flushes in every session of `sessions`."""
    event.listen(sessions, "before_flush", _keep_timestamp_of_bookkeeping)

"""How many public articles each topic holds: the rarity weights of related articles.

Counting them exactly on every request is what made ranking cost grow with the library (a
count over every row of the neighbouring topics: 17,000 rows for a broad topic at 100,000
articles). The weights are statistics: a few minutes old they rank the same. So each process
counts all topics at once (one grouped, index-only query) and keeps the result for
RELATED_STATS_TTL_SECONDS (0: count on every request).
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from api.articles.models import Article, ArticleTopic
from api.articles.visibility import public_filter
from api.core import clock
from api.extensions import db

EXTENSION = "careleaf_related_stats"


@dataclass(frozen=True)
class TopicSizes:
    """Public articles per topic id, and in all, as counted at `counted_at`."""

    per_topic: dict[int, int]
    total: int
    counted_at: dt.datetime


def _count() -> TopicSizes:
    now = clock.now()
    total = select(func.count(Article.id)).where(public_filter()).scalar_subquery()
    rows = db.session.execute(
        select(ArticleTopic.topic_id, func.count(), total)
        .where(ArticleTopic.public_since <= now)
        .group_by(ArticleTopic.topic_id)
    ).all()
    total_count = rows[0][2] if rows else 0
    return TopicSizes({topic_id: count for topic_id, count, _ in rows}, total_count, now)


def topic_sizes() -> TopicSizes:
    """The sizes, counted again when older than the configured time to live (one query)."""
    ttl = dt.timedelta(seconds=current_app.config["RELATED_STATS_TTL_SECONDS"])
    holder = current_app.extensions.setdefault(EXTENSION, {"sizes": None, "lock": threading.Lock()})
    sizes: TopicSizes | None = holder["sizes"]
    now = clock.now()
    if sizes is not None and ttl and sizes.counted_at <= now < sizes.counted_at + ttl:
        return sizes
    with holder["lock"]:
        sizes = _count()
        holder["sizes"] = sizes
    return sizes

"""The test stores: emptying the database between tests (and between property-test
examples), and where the Redis tests find their server."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import redis
from flask import Flask
from sqlalchemy import text

from api.extensions import db
from api.models import Base

# Tests sharing one Redis give their keys a unique prefix (RATELIMIT_KEY_PREFIX).
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")


@contextmanager
def redis_key_prefix(label: str) -> Iterator[str]:
    """A RATELIMIT_KEY_PREFIX no other test uses; its keys are deleted afterwards."""
    store = redis.Redis.from_url(REDIS_URL)
    prefix = f"careleaf-{label}-{uuid.uuid4().hex}"
    try:
        yield prefix
    finally:
        for key in store.scan_iter(f"*{prefix}*"):
            store.delete(key)
        store.close()


def empty_store(app: Flask) -> None:
    """Delete every row of every table, children first; ids start again at 1 on PostgreSQL."""
    with app.app_context():
        db.session.close()
        with db.engine.begin() as connection:
            tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
            if connection.dialect.name == "postgresql":
                connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                # Topics reference topics: check keys once the whole store is empty.
                connection.execute(text("PRAGMA defer_foreign_keys=ON"))
                for table in tables:
                    connection.execute(text(f"DELETE FROM {table}"))

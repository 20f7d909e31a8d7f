"""Emptying the test store between tests (and between property-test examples)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import text

from api.extensions import db
from api.models import Base


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

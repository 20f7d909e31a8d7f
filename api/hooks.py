"""Every SQLAlchemy session hook of the app, installed on the app's own session factory.

`create_app` calls `install_hooks` right after `db.init_app`; nothing registers a hook when a
module is imported, so `sqlalchemy.orm.Session` itself carries none. `Database.session`
refuses to open a session from a factory without these hooks: code that skips `create_app`
fails loudly instead of silently losing change events, webhooks or content-version bumps.

Order matters where two hooks share an event, and is the order of the calls below:
- `before_flush`: articles changed only in workflow bookkeeping keep their updated_at, then
  the content version decides whether the flush is public (it ignores updated_at anyway).
- `after_flush`: the topic index syncs `public_since`, then the change recorder remembers
  what the flush wrote (independent of each other; kept in this order).
- `do_orm_execute`: the recorder reads what a bulk DELETE is about to remove, then the
  content version marks the bulk write (independent of each other).
- `before_commit`: the change recorder writes its events (and the webhooks' outbox rows)
  FIRST, and the content version is bumped LAST: anything the recorder writes is then part of
  the bump, and the counter's row lock is taken after every other row's, just before COMMIT.
"""

from __future__ import annotations

from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from api.articles import timestamps, topic_index
from api.caching import state as content_version
from api.changes import recorder
from api.changes.emitter import ChangeListeners
from api.core.db import HOOKS_INSTALLED
from api.webhooks.services import on_events_recorded, on_events_withdrawn


def install_hooks(app: Flask) -> None:
    """Install the session hooks on `app`'s session factory, in the documented order."""
    sessions: sessionmaker[Session] = app.extensions["careleaf_db"]
    if sessions.kw.get("info", {}).get(HOOKS_INSTALLED):
        raise RuntimeError("the session hooks of this app are installed already")
    topic_index.install(sessions)
    timestamps.install(sessions)
    webhooks = ChangeListeners(recorded=(on_events_recorded,), withdrawn=(on_events_withdrawn,))
    recorder.install(sessions, webhooks)
    content_version.install(sessions)  # its before_commit must stay the last one
    sessions.configure(info={HOOKS_INSTALLED: True})

"""Change events are recorded in the transaction of every write, whatever its entry point.

Session hooks see every write to articles, topics and authors, from the staff API, the importer,
the seed or any future code: `after_flush` remembers each object's public state before the
transaction first changed it, and `do_orm_execute` sees bulk DELETE statements (staff deletes)
before they run. At `before_commit` the state before is compared with the state now and the
events that follow are written in the same transaction (see `api.changes.emitter`): they exist
if and only if the change does. `install` puts the hooks on a session factory (`api.hooks`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, sessionmaker

from api.articles.models import Article, ArticleTopic
from api.articles.visibility import changes_public_attributes
from api.authors.models import Author
from api.changes.emitter import ChangeListeners, emit
from api.changes.subjects import Snapshot, Subject, article_dependents
from api.media.models import MediaItem
from api.topics.models import Topic

PENDING_KEY = "careleaf_change_subjects"
KINDS: dict[type, str] = {
    Article: "article",
    Topic: "topic",
    Author: "author",
    MediaItem: "media",
}


def _value_before_flush(obj: Any, key: str) -> Any:
    history = inspect(obj).attrs[key].history
    if history.deleted:
        return history.deleted[0]
    if history.unchanged:
        return history.unchanged[0]
    return history.added[0] if history.added else None


def _snapshot_before_flush(obj: Any) -> Snapshot:
    slug = _value_before_flush(obj, "sha256" if isinstance(obj, MediaItem) else "slug")
    if isinstance(obj, Article):
        status = _value_before_flush(obj, "status")
        return Snapshot(slug, str(status), _value_before_flush(obj, "published_at"))
    return Snapshot(slug)


def subjects(session: Session) -> dict[tuple[str, int], Subject]:
    return session.info.setdefault(PENDING_KEY, {})


def _subject(session: Session, obj: Any, *, created: bool) -> Subject:
    kind = KINDS[type(obj)]
    found = subjects(session).get((kind, obj.id))
    if found is None:
        before = None if created else _snapshot_before_flush(obj)
        found = subjects(session)[(kind, obj.id)] = Subject(kind, obj.id, before, obj)
    return found


def _remember_writes(session: Session, _context: Any) -> None:
    # New, dirty and deleted still show the state before this flush (and attribute history).
    for obj in session.new:
        if type(obj) in KINDS:
            _subject(session, obj, created=True).changed = True
    for obj in session.dirty:
        if type(obj) in KINDS and session.is_modified(obj) and _public_change(obj):
            _subject(session, obj, created=False).changed = True
        elif isinstance(obj, ArticleTopic) and session.is_modified(obj):
            _topic_link_changed(session, obj)
    for obj in session.deleted:
        if type(obj) in KINDS:
            subject = _subject(session, obj, created=False)
            subject.obj = None
        elif isinstance(obj, ArticleTopic):
            _topic_link_changed(session, obj)


def _public_change(obj: Any) -> bool:
    # Workflow bookkeeping on an article (a pending revision while the approved one stays
    # live) changes nothing the public sees.
    return not isinstance(obj, Article) or changes_public_attributes(obj)


def _topic_link_changed(session: Session, link: ArticleTopic) -> None:
    article = session.identity_map.get(session.identity_key(Article, link.article_id))
    if article is not None:
        _subject(session, article, created=False).changed = True


def _remember_bulk_deletes(state: ORMExecuteState) -> None:
    """Staff deletes are DELETE statements: read what they remove before it goes."""
    if not state.is_delete or state.bind_mapper is None:
        return
    model = state.bind_mapper.class_
    kind = KINDS.get(model)
    if kind is None:
        return
    session = state.session
    connection = session.connection()
    columns = [model.id, (model.sha256 if model is MediaItem else model.slug).label("slug")]
    if model is Article:
        columns += [Article.status, Article.published_at]
    where = state.statement.whereclause
    for row in connection.execute(select(*columns).where(where)).all():
        key = (kind, row.id)
        subject = subjects(session).get(key)
        if subject is None:
            before = (
                Snapshot(row.slug, str(row.status), row.published_at)
                if model is Article
                else Snapshot(row.slug)
            )
            subject = subjects(session)[key] = Subject(kind, row.id, before, None)
        subject.obj = None
        if model is Article:
            subject.dependents = article_dependents(connection, row.id)


def _write_events(session: Session, listeners: ChangeListeners) -> None:
    if not session.info.get(PENDING_KEY):
        return
    session.flush()  # changes made since the last flush belong to the comparison too
    written = session.info.pop(PENDING_KEY, {})
    emit(session, list(written.values()), listeners)


def _forget(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # rolled back or closed: nothing it wrote happened
        session.info.pop(PENDING_KEY, None)


def install(sessions: sessionmaker[Session], listeners: ChangeListeners) -> None:
    """Record change events in every transaction of `sessions`, telling `listeners`."""
    event.listen(sessions, "after_flush", _remember_writes)
    event.listen(sessions, "do_orm_execute", _remember_bulk_deletes)

    def write_events(session: Session) -> None:
        _write_events(session, listeners)

    event.listen(sessions, "before_commit", write_events)
    event.listen(sessions, "after_transaction_end", _forget)

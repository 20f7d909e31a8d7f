"""Change events are recorded in the transaction of every write, whatever its entry point.

Session hooks see every write to articles, topics and authors, from the staff API, the importer,
the seed or any future code: `after_flush` remembers each object's public state before the
transaction first changed it, and `do_orm_execute` sees bulk DELETE statements (staff deletes)
before they run. At `before_commit` the state before is compared with the state now and the
events that follow are written in the same transaction (see `api.changes.emitter`): they exist
if and only if the change does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from api.articles.models import Article, ArticleStatus, ArticleTopic
from api.articles.visibility import public_filter
from api.authors.models import Author
from api.links.models import ArticleLink
from api.topics.models import Topic

PENDING_KEY = "careleaf_change_subjects"
KINDS: dict[type, str] = {Article: "article", Topic: "topic", Author: "author"}


@dataclass(frozen=True)
class Snapshot:
    """What the public could know of an object: its slug and, for articles, its visibility."""

    slug: str
    status: str | None = None
    published_at: dt.datetime | None = None


@dataclass
class Subject:
    """An object written in the current transaction."""

    kind: str
    object_id: int
    before: Snapshot | None  # None: created in this transaction
    obj: Any | None  # the live object; None once deleted
    changed: bool = False
    # For articles deleted by a bulk DELETE: what depended on them, read before they went.
    dependents: tuple[list[tuple[int, str]], list[tuple[int, str]]] | None = None

    @property
    def deleted(self) -> bool:
        return self.obj is None

    def now(self) -> Snapshot | None:
        return None if self.obj is None else snapshot(self.obj)


def snapshot(obj: Any) -> Snapshot:
    if isinstance(obj, Article):
        return Snapshot(obj.slug, str(obj.status), obj.published_at)
    return Snapshot(obj.slug)


def _value_before_flush(obj: Any, key: str) -> Any:
    history = inspect(obj).attrs[key].history
    if history.deleted:
        return history.deleted[0]
    if history.unchanged:
        return history.unchanged[0]
    return history.added[0] if history.added else None


def _snapshot_before_flush(obj: Any) -> Snapshot:
    slug = _value_before_flush(obj, "slug")
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


@event.listens_for(Session, "after_flush")
def _remember_writes(session: Session, _context: Any) -> None:
    # New, dirty and deleted still show the state before this flush (and attribute history).
    for obj in session.new:
        if type(obj) in KINDS:
            _subject(session, obj, created=True).changed = True
    for obj in session.dirty:
        if type(obj) in KINDS and session.is_modified(obj):
            _subject(session, obj, created=False).changed = True
        elif isinstance(obj, ArticleTopic) and session.is_modified(obj):
            _topic_link_changed(session, obj)
    for obj in session.deleted:
        if type(obj) in KINDS:
            subject = _subject(session, obj, created=False)
            subject.obj = None
        elif isinstance(obj, ArticleTopic):
            _topic_link_changed(session, obj)


def _topic_link_changed(session: Session, link: ArticleTopic) -> None:
    article = session.identity_map.get(session.identity_key(Article, link.article_id))
    if article is not None:
        _subject(session, article, created=False).changed = True


@event.listens_for(Session, "do_orm_execute")
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
    columns = [model.id, model.slug]
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


def article_dependents(
    connection: Any, article_id: int, *, at: dt.datetime | None = None
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Public articles whose body links to the article, and topics it is the pillar of:
    both look different to the public when the article appears, goes or is renamed."""
    visible = public_filter() if at is None else _published_by(at)
    linking = connection.execute(
        select(Article.id, Article.slug).where(
            Article.id.in_(
                select(ArticleLink.source_id).where(ArticleLink.target_id == article_id)
            ),
            Article.id != article_id,
            visible,
        )
    ).all()
    pillars = connection.execute(
        select(Topic.id, Topic.slug).where(Topic.pillar_article_id == article_id)
    ).all()
    return [tuple(row) for row in linking], [tuple(row) for row in pillars]


def _published_by(at: dt.datetime) -> Any:
    return (Article.status == ArticleStatus.PUBLISHED) & (Article.published_at <= at)


@event.listens_for(Session, "before_commit")
def _write_events(session: Session) -> None:
    if not session.info.get(PENDING_KEY):
        return
    session.flush()  # changes made since the last flush belong to the comparison too
    written = session.info.pop(PENDING_KEY, {})
    from api.changes.emitter import emit

    emit(session, list(written.values()))


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # rolled back or closed: nothing it wrote happened
        session.info.pop(PENDING_KEY, None)

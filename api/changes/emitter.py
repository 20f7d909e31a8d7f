"""From what a transaction wrote to the public events it causes (see `api.changes.recorder`).

For an article the public state is "visible now", "scheduled" (published, its time still to
come) or neither. Comparing the state before the transaction with the state now:
visible -> visible and changed: `article.updated` (with `previous_slug` on a rename);
visible -> gone: `article.unpublished` or `article.deleted`, with the slug the public knew;
not visible -> visible: `article.published`; scheduled now: `article.published` effective at
`published_at` (served only once that time comes). Any write to an object withdraws its
pending events (no client can have seen them) and records them again from what holds now.
Drafts and edits to drafts cause nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from api.articles.models import Article, ArticleStatus, ArticleTopic
from api.articles.visibility import public_filter
from api.changes.models import ChangeEvent
from api.changes.subjects import Snapshot, Subject, article_dependents
from api.core import clock
from api.links.models import ArticleLink


@dataclass(frozen=True)
class ChangeListeners:
    """Called in the same transaction (webhooks): with the events just recorded, and with
    the ids of pending events withdrawn before anyone saw them. Given by `api.hooks`."""

    recorded: tuple[Callable[[Session, list[ChangeEvent]], None], ...] = ()
    withdrawn: tuple[Callable[[Session, list[int]], None], ...] = ()


def _visible(state: Snapshot | None, now: dt.datetime) -> bool:
    return bool(
        state is not None
        and state.status == ArticleStatus.PUBLISHED
        and state.published_at is not None
        and state.published_at <= now
    )


def _scheduled(state: Snapshot | None, now: dt.datetime) -> bool:
    return bool(
        state is not None
        and state.status == ArticleStatus.PUBLISHED
        and state.published_at is not None
        and state.published_at > now
    )


class Emitter:
    def __init__(self, session: Session, now: dt.datetime, listeners: ChangeListeners) -> None:
        self.session, self.now, self.listeners = session, now, listeners
        self.connection = session.connection()
        self.events: dict[tuple[str, str, int, dt.datetime], ChangeEvent] = {}

    def add(
        self,
        kind: str,
        action: str,
        object_id: int,
        slug: str,
        *,
        previous_slug: str | None = None,
        at: dt.datetime | None = None,
    ) -> None:
        at = at or self.now
        key = (kind, action, object_id, at)
        if key in self.events and previous_slug is None:
            return  # the same news twice in one transaction (a dependent also edited)
        self.events[key] = ChangeEvent(
            type=f"{kind}.{action}",
            object_type=kind,
            object_id=object_id,
            slug=slug,
            previous_slug=previous_slug,
            effective_at=at,
            recorded_at=self.now,
        )

    def article(self, subject: Subject) -> None:
        before, after, now, article_id = subject.before, subject.now(), self.now, subject.object_id
        was_visible, is_visible = _visible(before, now), _visible(after, now)
        old_slug = before.slug if before is not None else None
        new_slug = after.slug if after is not None else None
        if _scheduled(before, now):
            self.withdraw("article", article_id, "article.published")
        if before is not None and (subject.changed or subject.deleted):  # recomputed below
            self.withdraw("article", article_id, "article.updated")
        if was_visible and old_slug and new_slug is None:
            self.add("article", "deleted", article_id, old_slug)
        elif was_visible and old_slug and not is_visible:
            self.add("article", "unpublished", article_id, old_slug)
        elif was_visible and is_visible and new_slug and subject.changed:
            previous = old_slug if old_slug != new_slug else None
            self.add("article", "updated", article_id, new_slug, previous_slug=previous)
        elif is_visible and new_slug:
            self.add("article", "published", article_id, new_slug)
        if was_visible != is_visible or (was_visible and old_slug != new_slug):
            self.dependents(subject, now)
        if _scheduled(after, now) and after is not None and after.published_at is not None:
            self.add("article", "published", article_id, after.slug, at=after.published_at)
            self.dependents(subject, after.published_at)
        if subject.changed and after is not None and (is_visible or _scheduled(after, now)):
            self.when_links_appear(subject, after)

    def when_links_appear(self, subject: Subject, after: Snapshot) -> None:
        """The body links to articles still scheduled: it changes when each appears."""
        times = self.connection.scalars(
            select(Article.published_at)
            .join(ArticleLink, ArticleLink.target_id == Article.id)
            .where(
                ArticleLink.source_id == subject.object_id,
                Article.status == ArticleStatus.PUBLISHED,
                Article.published_at > max(self.now, after.published_at or self.now),
            )
            .distinct()
        )
        for at in times:
            self.add("article", "updated", subject.object_id, after.slug, at=at)

    def dependents(self, subject: Subject, at: dt.datetime) -> None:
        """Articles linking to the article and topics it is the pillar of change with it."""
        if subject.dependents is not None and at == self.now:
            linking, pillars = subject.dependents
        else:
            linking, pillars = article_dependents(self.connection, subject.object_id, at=at)
        for article_id, slug in linking:
            self.add("article", "updated", article_id, slug, at=at)
        for topic_id, slug in pillars:
            self.add("topic", "updated", topic_id, slug, at=at)

    def simple(self, subject: Subject) -> None:
        """Topics and authors are public from creation to deletion."""
        before, after = subject.before, subject.now()
        if before is None and after is None:
            return
        if before is None and after is not None:
            self.add(subject.kind, "created", subject.object_id, after.slug)
        elif after is None and before is not None:
            self.add(subject.kind, "deleted", subject.object_id, before.slug)
        elif subject.changed and before is not None and after is not None:
            previous = before.slug if before.slug != after.slug else None
            self.add(subject.kind, "updated", subject.object_id, after.slug, previous_slug=previous)
            self.articles_showing(subject)
        if subject.changed and before is not None and subject.kind == "topic":
            self.withdraw("topic", subject.object_id, "topic.updated")
        if subject.changed and after is not None and subject.kind == "topic":
            self.when_pillar_appears(subject, after)

    def media(self, subject: Subject) -> None:
        """A media item's files appear at upload and go at its delete; its text (alt, caption)
        reaches the public only through articles' reviewed content, as their own events."""
        before, after = subject.before, subject.now()
        if before is None and after is not None:
            self.add("media", "created", subject.object_id, after.slug)
        elif after is None and before is not None:
            self.add("media", "deleted", subject.object_id, before.slug)

    def when_pillar_appears(self, subject: Subject, after: Snapshot) -> None:
        """A topic shows its pillar once public: a scheduled pillar changes it then."""
        pillar_id = getattr(subject.obj, "pillar_article_id", None)
        if pillar_id is None:
            return
        at = self.connection.scalar(
            select(Article.published_at).where(
                Article.id == pillar_id,
                Article.status == ArticleStatus.PUBLISHED,
                Article.published_at > self.now,
            )
        )
        if at is not None:
            self.add("topic", "updated", subject.object_id, after.slug, at=at)

    def articles_showing(self, subject: Subject) -> None:
        """Public articles show their author and topics: they change with them."""
        query = select(Article.id, Article.slug).where(public_filter())
        if subject.kind == "author":
            query = query.where(Article.author_id == subject.object_id)
        else:
            filed = select(ArticleTopic.article_id).where(
                ArticleTopic.topic_id == subject.object_id
            )
            query = query.where(Article.id.in_(filed))
        for article_id, slug in self.connection.execute(query).all():
            self.add("article", "updated", article_id, slug)

    def withdraw(self, kind: str, object_id: int, event_type: str) -> None:
        """Pending events of the object that no longer hold: never served, so just gone."""
        ids = list(
            self.connection.scalars(
                select(ChangeEvent.id).where(
                    ChangeEvent.object_type == kind,
                    ChangeEvent.object_id == object_id,
                    ChangeEvent.type == event_type,
                    ChangeEvent.effective_at > self.now,
                )
            )
        )
        if not ids:
            return
        for listener in self.listeners.withdrawn:
            listener(self.session, ids)
        self.connection.execute(delete(ChangeEvent).where(ChangeEvent.id.in_(ids)))

    def finish(self) -> list[ChangeEvent]:
        events = list(self.events.values())
        if events:
            self.session.add_all(events)
            self.session.flush()
            for listener in self.listeners.recorded:
                listener(self.session, events)
        return events


def emit(session: Session, written: list[Subject], listeners: ChangeListeners) -> list[ChangeEvent]:
    """Record the public events caused by what the transaction wrote."""
    emitter = Emitter(session, clock.now(), listeners)
    for subject in written:
        if subject.kind == "article":
            emitter.article(subject)
    for subject in written:
        if subject.kind == "media":
            emitter.media(subject)
        elif subject.kind != "article":
            emitter.simple(subject)
    return emitter.finish()

"""Keeps the derived search data in step with articles and topics, in the same transaction.

After every ORM flush that wrote an article's readable text, filed it under a topic, or changed
a topic's name or synonyms:
- `articles.search_synonyms` is recomputed for the articles concerned (the FTS5 triggers and
  the generated tsvector then re-index them);
- the words of the new text join the vocabulary (`search_words`) "did you mean" corrects to;
- the type-ahead keys (`search_suggestions`) of changed titles, names and synonyms are rebuilt.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, event, insert, inspect, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from api.articles.models import Article, ArticleTopic
from api.search.models import WORD_MAX_LENGTH, SearchSuggestion, SearchWord
from api.search.query import WORD
from api.topics.models import Topic

ARTICLE_TEXT = ("title", "summary", "body_text", "search_headings")
TOPIC_TEXT = ("name", "synonyms")
MIN_WORD_LENGTH = 2


def vocabulary_words(texts: Iterable[str]) -> set[str]:
    """The words of `texts` a correction may propose: letters only, lowercase."""
    words = set()
    for text in texts:
        for word in WORD.findall((text or "").lower()):
            if MIN_WORD_LENGTH <= len(word) <= WORD_MAX_LENGTH and word.isalpha():
                words.add(word)
    return words


def suggestion_keys(text: str) -> list[str]:
    """The text from each of its words on, lowercase: "Back pain" -> ["back pain", "pain"]."""
    words = WORD.findall(text.lower())
    return [" ".join(words[i:])[:300] for i in range(len(words))]


def _changed(obj: Any, names: Iterable[str]) -> list[str]:
    attrs = inspect(obj).attrs
    return [name for name in names if attrs[name].history.added]


def _value(obj: Any, name: str) -> Any:
    added = inspect(obj).attrs[name].history.added
    return added[0] if added else None


class _Touched:
    def __init__(self) -> None:
        self.article_ids: set[int] = set()  # their synonyms field must be recomputed
        self.titles: dict[int, str] = {}
        self.topics: dict[int, tuple[str, list[str]]] = {}
        self.texts: list[str] = []


def _collect(session: Session) -> _Touched:
    touched = _Touched()
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Article):
            changed = _changed(obj, ARTICLE_TEXT) if obj not in session.new else None
            if obj in session.new:
                touched.article_ids.add(obj.id)
                touched.texts.extend(str(getattr(obj, n) or "") for n in ARTICLE_TEXT)
                touched.titles[obj.id] = obj.title
            elif changed:
                touched.texts.extend(str(_value(obj, n) or "") for n in changed)
                if "title" in changed:
                    touched.titles[obj.id] = obj.title
        elif isinstance(obj, ArticleTopic) and obj in session.new:
            touched.article_ids.add(obj.article_id)
        elif isinstance(obj, Topic) and (obj in session.new or _changed(obj, TOPIC_TEXT)):
            touched.topics[obj.id] = (obj.name, list(obj.synonyms or []))
            touched.texts.extend([obj.name, *(obj.synonyms or [])])
    for obj in session.deleted:
        if isinstance(obj, ArticleTopic):
            touched.article_ids.add(obj.article_id)
    return touched


def _refresh_synonyms(session: Session, touched: _Touched) -> None:
    ids = set(touched.article_ids)
    if touched.topics:
        ids.update(
            session.connection().scalars(
                select(ArticleTopic.article_id).where(
                    ArticleTopic.topic_id.in_(sorted(touched.topics))
                )
            )
        )
    if not ids:
        return
    connection = session.connection()
    wanted: dict[int, list[str]] = {article_id: [] for article_id in ids}
    rows = connection.execute(
        select(ArticleTopic.article_id, Topic.synonyms)
        .join(Topic, Topic.id == ArticleTopic.topic_id)
        .where(ArticleTopic.article_id.in_(sorted(ids)))
        .order_by(ArticleTopic.article_id, ArticleTopic.position)
    )
    for article_id, synonyms in rows:
        wanted[article_id].extend(synonyms or [])
    current = dict(
        connection.execute(
            select(Article.id, Article.search_synonyms).where(Article.id.in_(sorted(ids)))
        ).all()
    )
    for article_id, synonyms in wanted.items():
        text = " ".join(dict.fromkeys(synonyms))
        if article_id in current and current[article_id] != text:
            connection.execute(
                update(Article.__table__)
                .where(Article.__table__.c.id == article_id)
                .values(search_synonyms=text)
            )


def _add_words(session: Session, words: set[str]) -> None:
    if not words:
        return
    rows = [{"word": w, "initial": w[0], "length": len(w)} for w in sorted(words)]
    dialect = session.get_bind().dialect.name
    statement = (postgresql if dialect == "postgresql" else sqlite).insert(SearchWord.__table__)
    session.connection().execute(statement.on_conflict_do_nothing(), rows)


def _rebuild_suggestions(session: Session, touched: _Touched) -> None:
    table = SearchSuggestion.__table__
    rows: list[dict[str, Any]] = []
    connection = session.connection()
    if touched.titles:
        connection.execute(delete(table).where(table.c.article_id.in_(sorted(touched.titles))))
        for article_id, title in touched.titles.items():
            for position, key in enumerate(suggestion_keys(title)):
                rows.append(_row(key, min(position, 1), title, article_id=article_id))
    if touched.topics:
        connection.execute(delete(table).where(table.c.topic_id.in_(sorted(touched.topics))))
        for topic_id, (name, synonyms) in touched.topics.items():
            for position, key in enumerate(suggestion_keys(name)):
                rows.append(_row(key, min(position, 1), name, topic_id=topic_id))
            for synonym in synonyms:
                label = f"{name} ({synonym})"
                for position, key in enumerate(suggestion_keys(synonym)):
                    rows.append(_row(key, 2 + min(position, 1), label, topic_id=topic_id))
    if rows:
        connection.execute(insert(table), rows)


def _row(key: str, rank: int, label: str, **owner: int) -> dict[str, Any]:
    return {"key": key, "rank": rank, "label": label[:300], "article_id": None,
            "topic_id": None, **owner}  # fmt: skip


def _after_flush(session: Session, _context: Any) -> None:
    touched = _collect(session)
    if not (touched.article_ids or touched.titles or touched.topics or touched.texts):
        return
    _refresh_synonyms(session, touched)
    _add_words(session, vocabulary_words(touched.texts))
    _rebuild_suggestions(session, touched)


def install(sessions: sessionmaker[Session]) -> None:
    """Keep the derived search data in step in every transaction of `sessions`."""
    event.listen(sessions, "after_flush", _after_flush)

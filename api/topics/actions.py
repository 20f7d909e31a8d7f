"""Staff writes to topics (editors and admins), each recorded in the audit log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select

from api.articles.models import ArticleTopic
from api.audit.services import audited_update, record
from api.core.errors import Problem
from api.core.writes import delete_versioned
from api.extensions import db
from api.topics.models import Topic
from api.topics.services import save_topic


def _state(topic: Topic) -> dict[str, Any]:
    parent = db.session.get(Topic, topic.parent_id) if topic.parent_id else None
    return {
        "slug": topic.slug,
        "name": topic.name,
        "description": topic.description,
        "parent": parent.slug if parent is not None else None,
        "position": topic.position,
        "synonyms": list(topic.synonyms or []),
        "codes": dict(topic.codes or {}),
        "pillar_article_id": topic.pillar_article_id,
    }


def create_topic(user: Any, data: dict[str, Any]) -> Topic:
    topic = save_topic(None, data)
    record(user, "topic.create", "topic", topic.id, label=topic.slug, changes=_state(topic))
    return topic


def update_topic(user: Any, topic: Topic, data: dict[str, Any]) -> Topic:
    audited_update(user, "topic", topic, _state, lambda: save_topic(topic, data))
    return topic


def delete_topic(user: Any, topic: Topic) -> None:
    """Only a leaf topic without articles can go; nothing is silently re-filed."""
    if db.session.scalar(select(exists().where(Topic.parent_id == topic.id))):
        raise Problem(409, "The topic has subtopics; move or delete them first.")
    if db.session.scalar(select(exists().where(ArticleTopic.topic_id == topic.id))):
        raise Problem(409, "Articles are filed under this topic; re-file them first.")
    record(user, "topic.delete", "topic", topic.id, label=topic.slug, changes=_state(topic))
    delete_versioned("topic", topic)

"""Factories that build content through the services, as the API and importer do."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from flask import Flask

from api.articles.models import Article, ArticleStatus
from api.articles.services import article_for_update, save_article
from api.authors.models import Author
from api.authors.services import save_author
from api.core import clock
from api.extensions import db
from api.topics.models import Topic
from api.topics.services import save_topic

_sequence = itertools.count(1)

BODY = """Intro paragraph about the back.

## Why it hurts

Muscles, joints and nerves can all play a part.

- Posture
- Inflammation

## What helps

Gentle movement helps most people feel better.
"""


class Factory:
    """Creates rows and commits them, so that requests made afterwards see them."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def _commit(self, make: Any) -> Any:
        with self.app.app_context():
            with db.transaction():
                obj = make()
            return obj

    def author(self, **fields: Any) -> Author:
        number = next(_sequence)
        data = {"slug": f"author-{number}", "name": f"Author {number}", **fields}
        return self._commit(lambda: save_author(None, data))

    def topic(self, **fields: Any) -> Topic:
        number = next(_sequence)
        data = {"slug": f"topic-{number}", "name": f"Topic {number}", **fields}
        return self._commit(lambda: save_topic(None, data))

    def article(self, **fields: Any) -> Article:
        number = next(_sequence)
        if "author" not in fields:
            fields["author"] = self.author().slug
        data: dict[str, Any] = {
            "slug": f"article-{number}",
            "title": f"Article {number}",
            "summary": "A summary.",
            "body_markdown": BODY,
            "status": ArticleStatus.PUBLISHED,
            "published_at": clock.now() - dt.timedelta(days=1),
            "topics": [],
            **fields,
        }
        return self._commit(lambda: save_article(None, data))

    def update_article(self, slug: str, /, **fields: Any) -> Article:
        return self._commit(lambda: save_article(article_for_update(slug), fields))


@pytest.fixture
def make(app: Flask) -> Factory:
    return Factory(app)

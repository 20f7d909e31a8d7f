"""Importing articles from Markdown files and loading the demo content of `seed/`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import marshmallow as ma
import yaml
from sqlalchemy import select

from api.articles.models import Article, ArticleStatus
from api.articles.services import article_for_update, save_article
from api.authors.models import Author
from api.authors.schemas import AuthorSchema
from api.authors.services import save_author
from api.core import clock
from api.core.errors import Problem
from api.extensions import db
from api.importer.frontmatter import FrontMatterError, parse_article
from api.taxonomy.services import add_see_also
from api.topics.models import Topic
from api.topics.schemas import TopicSchema
from api.topics.services import save_topic


@dataclass(frozen=True)
class ImportResult:
    path: Path
    slug: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def import_article_file(path: Path) -> Article:
    """Create or update the article of one file, by slug. Raises on any problem."""
    fields = parse_article(path.read_text(encoding="utf-8"))
    if fields["status"] is ArticleStatus.PUBLISHED and fields["published_at"] is None:
        fields["published_at"] = clock.now()
    return save_article(article_for_update(fields["slug"]), fields)


def import_articles(paths: Iterable[Path]) -> Iterator[ImportResult]:
    """Each file in its own transaction: a bad file writes nothing, good files still import."""
    for path in paths:
        try:
            with db.transaction():
                article = import_article_file(path)
                slug = article.slug
        except (OSError, UnicodeDecodeError, FrontMatterError) as error:
            yield ImportResult(path, error=str(error))
        except Problem as problem:
            yield ImportResult(path, error=_problem_text(problem))
        else:
            yield ImportResult(path, slug=slug)


def _problem_text(problem: Problem) -> str:
    if problem.errors:
        return "; ".join(
            f"{name}: {' '.join(map(str, msgs))}" for name, msgs in problem.errors.items()
        )
    return str(problem.description)


def _load_yaml_list(path: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(data, list):
        raise FrontMatterError(f"{path.name}: expected a YAML list")
    return data


def _flatten_topics(
    nodes: list[dict[str, Any]], parent: str | None = None
) -> Iterator[dict[str, Any]]:
    for position, node in enumerate(nodes):
        children = node.get("children") or []
        yield {**node, "parent": parent, "position": position}
        yield from _flatten_topics(children, node["slug"])


# Keys of seed/topics.yaml loaded after the articles (pillars name articles), or structural.
TOPIC_GRAPH_KEYS = ("children", "related", "pillar")


def seed_topics(path: Path) -> None:
    schema = TopicSchema()
    for node in _flatten_topics(_load_yaml_list(path)):
        data = schema.load({k: v for k, v in node.items() if k not in TOPIC_GRAPH_KEYS})
        existing = db.session.scalar(select(Topic).where(Topic.slug == data["slug"]))
        save_topic(existing, data)


def seed_topic_graph(path: Path) -> None:
    """Pillars and see-also links of topics.yaml; adds what is missing, removes nothing."""
    topics = {topic.slug: topic for topic in db.session.scalars(select(Topic))}
    for node in _flatten_topics(_load_yaml_list(path)):
        topic = topics[node["slug"]]
        if "pillar" in node:
            save_topic(topic, {"pillar": node["pillar"]})
        for other in node.get("related") or []:
            if other not in topics:
                raise FrontMatterError(f"{path.name}: {node['slug']} is related to unknown {other}")
            add_see_also(topic.id, topics[other].id)


def seed_authors(path: Path) -> None:
    schema = AuthorSchema()
    for entry in _load_yaml_list(path):
        entry = {("bio_markdown" if k == "bio" else k): v for k, v in entry.items()}
        data = schema.load(entry)
        existing = db.session.scalar(select(Author).where(Author.slug == data["slug"]))
        save_author(existing, data)


def load_seed(directory: Path) -> list[ImportResult]:
    """Load topics, authors and articles of `directory`; running it twice changes nothing."""
    try:
        with db.transaction():
            seed_topics(directory / "topics.yaml")
            seed_authors(directory / "authors.yaml")
    except ma.ValidationError as error:
        raise FrontMatterError(f"seed data is invalid: {error.messages}") from None
    results = list(import_articles(sorted((directory / "articles").glob("*.md"))))
    try:
        with db.transaction():
            seed_topic_graph(directory / "topics.yaml")
    except Problem as problem:
        raise FrontMatterError(f"topics.yaml: {_problem_text(problem)}") from None
    return results

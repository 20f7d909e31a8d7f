"""Importing articles from Markdown files and loading the demo content of `seed/`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import marshmallow as ma
import yaml
from sqlalchemy import select

from api.articles import staff
from api.articles.models import ArticleStatus
from api.authors.models import Author
from api.authors.schemas import AuthorSchema
from api.authors.services import save_author
from api.core.errors import Problem
from api.extensions import db
from api.importer.articles import import_article_file, import_fields, read_article_file
from api.importer.demo import publish_through_review
from api.importer.frontmatter import FrontMatterError
from api.taxonomy.services import add_see_also
from api.topics.models import Topic
from api.topics.schemas import TopicSchema
from api.topics.services import save_topic


@dataclass(frozen=True)
class ImportResult:
    path: Path
    slug: str | None = None
    error: str | None = None
    # created, revised, unchanged (import); created, skipped (seed); + submitted
    outcome: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None


def _each_in_its_transaction(
    paths: Iterable[Path], import_one: Callable[[Path], tuple[str, str]]
) -> Iterator[ImportResult]:
    """Each file in its own transaction: a bad file writes nothing, good files still import."""
    for path in paths:
        try:
            with db.transaction():
                slug, outcome = import_one(path)
        except (OSError, UnicodeDecodeError, FrontMatterError) as error:
            yield ImportResult(path, error=str(error))
        except Problem as problem:
            yield ImportResult(path, error=_problem_text(problem))
        else:
            yield ImportResult(path, slug=slug, outcome=outcome)


def import_articles(paths: Iterable[Path], *, submit: bool = False) -> Iterator[ImportResult]:
    """Import files as drafts (`api.importer.articles`); `submit` sends changed ones to review."""

    def import_one(path: Path) -> tuple[str, str]:
        imported = import_article_file(path, submit=submit)
        outcome = imported.outcome + (", submitted" if imported.submitted else "")
        return imported.article.slug, outcome

    return _each_in_its_transaction(paths, import_one)


def seed_articles(paths: Iterable[Path]) -> Iterator[ImportResult]:
    """Demo articles that are missing: created as drafts, and those whose file says
    `published` published through review by the demo staff. Existing ones are skipped."""

    def seed_one(path: Path) -> tuple[str, str]:
        fields, requested = read_article_file(path)
        if staff.staff_article(fields["slug"]) is not None:
            return fields["slug"], "skipped"
        article = import_fields(fields, source=path.name).article
        if requested is ArticleStatus.PUBLISHED:
            article = publish_through_review(article, fields.get("published_at"))
        return article.slug, "created"

    return _each_in_its_transaction(paths, seed_one)


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
    """Load topics, authors and the missing articles of `directory`; twice changes nothing."""
    try:
        with db.transaction():
            seed_topics(directory / "topics.yaml")
            seed_authors(directory / "authors.yaml")
    except ma.ValidationError as error:
        raise FrontMatterError(f"seed data is invalid: {error.messages}") from None
    results = list(seed_articles(sorted((directory / "articles").glob("*.md"))))
    try:
        with db.transaction():
            seed_topic_graph(directory / "topics.yaml")
    except Problem as problem:
        raise FrontMatterError(f"topics.yaml: {_problem_text(problem)}") from None
    return results

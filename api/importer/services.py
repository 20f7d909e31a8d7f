"""Importing articles from Markdown files (`flask import-articles`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from api.articles.models import Article, ArticleStatus
from api.articles.services import article_for_update, save_article
from api.core import clock
from api.core.errors import Problem
from api.extensions import db
from api.importer.frontmatter import FrontMatterError, parse_article


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
            yield ImportResult(path, error=problem_text(problem))
        else:
            yield ImportResult(path, slug=slug)


def problem_text(problem: Problem) -> str:
    if problem.errors:
        return "; ".join(
            f"{name}: {' '.join(map(str, msgs))}" for name, msgs in problem.errors.items()
        )
    return str(problem.description)

"""Importing articles from Markdown files (`flask import-articles`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from api.core.errors import Problem
from api.extensions import db
from api.importer.articles import import_article_file
from api.importer.frontmatter import FrontMatterError


@dataclass(frozen=True)
class ImportResult:
    path: Path
    slug: str | None = None
    error: str | None = None
    # created, revised or unchanged; ", submitted" when --submit sent it to review
    outcome: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None


def import_articles(paths: Iterable[Path], *, submit: bool = False) -> Iterator[ImportResult]:
    """Import files as drafts (`api.importer.articles`); `submit` sends changed ones to review.

    Each file in its own transaction: a bad file writes nothing, good files still import."""
    for path in paths:
        try:
            with db.transaction():
                imported = import_article_file(path, submit=submit)
                slug = imported.article.slug
                outcome = imported.outcome + (", submitted" if imported.submitted else "")
        except (OSError, UnicodeDecodeError, FrontMatterError) as error:
            yield ImportResult(path, error=str(error))
        except Problem as problem:
            yield ImportResult(path, error=problem_text(problem))
        else:
            yield ImportResult(path, slug=slug, outcome=outcome)


def problem_text(problem: Problem) -> str:
    if problem.errors:
        return "; ".join(
            f"{name}: {' '.join(map(str, msgs))}" for name, msgs in problem.errors.items()
        )
    return str(problem.description)

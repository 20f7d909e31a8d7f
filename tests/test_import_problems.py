"""`flask import-articles` reports every problem of a bad file in one run, not the first one:
the front matter's own and each reference it makes that cannot be resolved."""

from __future__ import annotations

from sqlalchemy import select

from api.articles.models import Article
from tests.support.importer import GOOD, write


def _errors(result) -> str:
    return result.output + (result.stderr if hasattr(result, "stderr") else "")


def test_every_problem_of_a_file_is_reported_at_once(runner, make, tmp_path, db_session):
    make.author(slug="jane-doe")
    make.topic(slug="nutrition", name="Nutrition")
    bad = GOOD.replace("author: jane-doe", "author: nobody").replace(
        "[nutrition]", "[nutrition, nope, also-nope]"
    )
    path = write(tmp_path, "bad.md", bad)
    result = runner.invoke(args=["import-articles", str(path)])
    assert result.exit_code == 1
    output = _errors(result)
    assert "author: unknown author 'nobody'" in output
    assert "topics: unknown topic 'nope'" in output
    assert "topics: unknown topic 'also-nope'" in output
    assert "'nutrition'" not in output
    assert db_session.scalars(select(Article.slug)).all() == []


def test_front_matter_and_reference_problems_together(runner, make, tmp_path, db_session):
    make.author(slug="jane-doe")
    path = write(
        tmp_path,
        "worse.md",
        GOOD.replace("slug: omega-3-and-your-back", "slug: Not A Slug")
        .replace("author: jane-doe", "author: nobody")
        .replace("language: en", "status: published\nlanguage: en"),
    )
    output = _errors(runner.invoke(args=["import-articles", str(path)]))
    line = next(line for line in output.splitlines() if "worse.md" in line)
    # One line for the file, naming each problem: the slug's form, the author, each topic,
    # and the status an import never takes.
    assert "slug: Use lowercase letters" in line
    assert "author: unknown author 'nobody'" in line
    assert "topics: unknown topic 'nutrition'" in line
    assert "status: published is not imported" in line
    assert db_session.scalars(select(Article.slug)).all() == []


def test_a_slug_another_article_still_redirects_from_is_reported(
    runner, make, tmp_path, editor, db_session
):
    make.author(slug="jane-doe")
    make.topic(slug="nutrition", name="Nutrition")
    make.article(slug="omega-3-and-your-back")
    editor.edit("/api/v1/articles/omega-3-and-your-back", {"slug": "fish-oil"})
    path = write(tmp_path, "old-slug.md", GOOD.replace("author: jane-doe", "author: ghost"))
    output = _errors(runner.invoke(args=["import-articles", str(path)]))
    assert "slug: 'omega-3-and-your-back' is an old slug of another article" in output
    assert "author: unknown author 'ghost'" in output
    assert db_session.scalars(select(Article.slug)).all() == ["fish-oil"]

"""The importer (one transaction per file) and the idempotent demo seed, through the CLI."""

from __future__ import annotations

from sqlalchemy import func, select

from api.articles.models import Article, ArticleStatus
from api.importer.cli import SEED_DIRECTORY
from tests.support.importer import GOOD, write


def count_articles(db_session) -> int:
    return db_session.scalar(select(func.count(Article.id)))


def test_import_creates_then_updates_by_slug(runner, make, tmp_path, client, db_session):
    make.author(slug="jane-doe")
    make.topic(slug="nutrition", name="Nutrition")
    path = write(tmp_path, "omega.md", GOOD)
    result = runner.invoke(args=["import-articles", str(path)])
    assert result.exit_code == 0, result.output
    body = client.get("/api/v1/articles/omega-3-and-your-back").get_json()
    assert body["toc"][0]["anchor"] == "sources-of-omega-3"
    assert body["topics"] == [{"slug": "nutrition", "name": "Nutrition", "primary": True}]

    write(tmp_path, "omega.md", GOOD.replace("What fish oil", "What omega-3"))
    assert runner.invoke(args=["import-articles", str(path)]).exit_code == 0
    assert (
        client.get("/api/v1/articles/omega-3-and-your-back")
        .get_json()["summary"]
        .startswith("What omega-3")
    )
    assert count_articles(db_session) == 1


def test_bad_files_are_reported_by_name_and_reason_and_write_nothing(
    runner, make, tmp_path, db_session
):
    make.author(slug="jane-doe")
    make.topic(slug="nutrition", name="Nutrition")
    good = write(tmp_path, "good.md", GOOD)
    unknown_topic = write(
        tmp_path,
        "unknown-topic.md",
        GOOD.replace("[nutrition]", "[nope]").replace("omega-3-and-your-back", "second"),
    )
    no_title = write(
        tmp_path,
        "no-title.md",
        GOOD.replace("title: Omega-3 and your back\n", "").replace(
            "omega-3-and-your-back", "third"
        ),
    )
    broken_yaml = write(tmp_path, "broken.md", "---\ntitle: [unclosed\n---\nbody")
    no_front_matter = write(tmp_path, "plain.md", "# Just markdown")
    result = runner.invoke(
        args=[
            "import-articles",
            str(unknown_topic),
            str(good),
            str(no_title),
            str(broken_yaml),
            str(no_front_matter),
        ]
    )
    assert result.exit_code == 1
    output = result.output + (result.stderr if hasattr(result, "stderr") else "")
    assert "unknown-topic.md: topics" in output and "nope" in output
    assert "no-title.md: title" in output
    assert "broken.md: the front matter is not valid YAML" in output
    assert "plain.md: the file must start with" in output
    assert "imported" in output and "good.md" in output
    assert db_session.scalars(select(Article.slug)).all() == ["omega-3-and-your-back"]


def test_seed_loads_demo_content_and_is_idempotent(runner, client, db_session):
    # db_session holds an app context open; the command must also work without one (below).
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    articles = client.get("/api/v1/articles?page_size=100").get_json()
    assert len(articles) >= 8
    assert client.get("/api/v1/articles/back-pain-guide").status_code == 200
    statuses = db_session.scalars(select(Article.status)).all()
    assert ArticleStatus.DRAFT in statuses
    authors = client.get("/api/v1/authors").get_json()
    assert {a["kind"] for a in authors} == {"person", "organization"}
    assert any(a["credentials"] for a in authors if a["kind"] == "person")
    mast = client.get("/api/v1/topics/mast-cell-activation").get_json()
    assert [c["slug"] for c in mast["breadcrumbs"]] == ["back-pain", "inflammatory-back-pain"]

    def snapshot():
        rows = db_session.execute(select(Article.slug, Article.updated_at, Article.version)).all()
        db_session.rollback()
        return sorted(rows)

    before = snapshot()
    second = runner.invoke(args=["seed"])
    assert second.exit_code == 0, second.output
    assert snapshot() == before


def test_seed_directory_is_the_projects(runner):
    assert (SEED_DIRECTORY / "topics.yaml").is_file()
    assert len(list((SEED_DIRECTORY / "articles").glob("*.md"))) >= 9


def test_cli_commands_push_their_own_app_context(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["import-articles", str(tmp_path / "missing.md")])
    assert result.exit_code == 1
    assert "missing.md" in result.output

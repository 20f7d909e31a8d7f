"""The importer (one transaction per file) and the demo seed (creates only), through the CLI."""

from __future__ import annotations

from sqlalchemy import func, select

from api.articles.models import Article, ArticleStatus
from api.audit.models import AuditEntry
from api.authors.models import Author
from api.changes.models import ChangeEvent
from api.importer.cli import SEED_DIRECTORY
from api.newsletter.models import Newsletter
from api.revisions.models import ArticleRevision
from api.topics.models import Topic
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


def test_seeding_an_empty_store_creates_everything(runner, client, db_session):
    # db_session holds an app context open; the command must also work without one (below).
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    assert "created article back-pain-guide" in first.output
    assert (
        "created topic back-pain" in first.output and "created author lena-hartwell" in first.output
    )
    assert "skipped" not in first.output.replace("0 skipped", "")
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


def store_writes(db_session) -> dict[str, object]:
    """Everything a write would change: row versions, revisions, audit entries, change events."""
    counts = {
        model.__tablename__: db_session.scalar(select(func.count()).select_from(model))
        for model in (ArticleRevision, AuditEntry, ChangeEvent, Topic, Author, Newsletter)
    }
    rows = sorted(db_session.execute(select(Article.slug, Article.updated_at, Article.version)))
    topics = sorted(db_session.execute(select(Topic.slug, Topic.updated_at, Topic.version)))
    db_session.rollback()
    return {**counts, "articles": rows, "topics": topics}


def test_seeding_twice_writes_nothing_the_second_time(runner, client, db_session, frozen_clock):
    assert runner.invoke(args=["seed"]).exit_code == 0
    before = store_writes(db_session)
    etag = client.get("/api/v1/articles/back-pain-guide").headers["ETag"]
    frozen_clock.advance(minutes=5)  # any UPDATE would now show in updated_at

    second = runner.invoke(args=["seed"])

    assert second.exit_code == 0, second.output
    assert "created" not in second.output.replace("0 created", "")
    assert "skipped article back-pain-guide (exists; left as it is)" in second.output
    assert "skipped newsletter" in second.output
    assert store_writes(db_session) == before
    assert client.get("/api/v1/articles/back-pain-guide").headers["ETag"] == etag


def test_seeding_again_keeps_staff_edits_and_unpublishing(runner, client, editor, db_session):
    assert runner.invoke(args=["seed"]).exit_code == 0
    guide = "/api/v1/articles/back-pain-guide"
    edited = editor.edit(guide, {"meta_description": "Our own words, set by the clinic."})
    assert edited.status_code == 200, edited.get_json()
    gut = "/api/v1/articles/gut-health-and-back-pain"
    unpublished = editor.post(f"{gut}/transitions", {"action": "unpublish"})
    assert unpublished.status_code == 200, unpublished.get_json()
    renamed = editor.edit("/api/v1/topics/sleep-health", {"name": "Sleep, our way"})
    assert renamed.status_code == 200, renamed.get_json()
    related = editor.request(
        "PUT", "/api/v1/topics/mast-cell-activation/related", json={"related": ["sleep-health"]}
    )
    assert related.status_code == 200, related.get_json()

    again = runner.invoke(args=["seed"])

    assert again.exit_code == 0, again.output
    assert "skipped article gut-health-and-back-pain" in again.output
    assert client.get(guide).get_json()["meta_description"] == "Our own words, set by the clinic."
    assert client.get(gut).status_code == 404
    assert editor.get(gut).get_json()["status"] == "draft"
    assert client.get("/api/v1/topics/sleep-health").get_json()["name"] == "Sleep, our way"
    related = client.get("/api/v1/topics/mast-cell-activation/related").get_json()
    assert [r["topic"]["slug"] for r in related if r["see_also"]] == ["sleep-health"]


def test_seeding_creates_only_what_is_missing(runner, client, editor):
    assert runner.invoke(args=["seed"]).exit_code == 0
    gone = editor.request(
        "DELETE",
        "/api/v1/articles/sleep-positions-and-back-pain",
        if_match=editor.etag("/api/v1/articles/sleep-positions-and-back-pain"),
    )
    assert gone.status_code == 204, gone.get_json()

    again = runner.invoke(args=["seed"])

    assert again.exit_code == 0, again.output
    assert "created article sleep-positions-and-back-pain" in again.output
    assert again.output.count("created ") == 1
    assert editor.get("/api/v1/articles/sleep-positions-and-back-pain").status_code == 200


def test_a_renamed_demo_article_is_not_seeded_again_under_its_old_slug(runner, client, editor):
    assert runner.invoke(args=["seed"]).exit_code == 0
    old = "/api/v1/articles/desk-posture-and-ergonomics"
    moved = editor.edit(old, {"slug": "our-desk-guide"})
    assert moved.status_code == 200, moved.get_json()

    again = runner.invoke(args=["seed"])

    assert "skipped article desk-posture-and-ergonomics" in again.output
    assert "created " not in again.output
    assert client.get(old).status_code == 301


def test_seed_directory_is_the_projects(runner):
    assert (SEED_DIRECTORY / "topics.yaml").is_file()
    assert len(list((SEED_DIRECTORY / "articles").glob("*.md"))) >= 9


def test_cli_commands_push_their_own_app_context(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["import-articles", str(tmp_path / "missing.md")])
    assert result.exit_code == 1
    assert "missing.md" in result.output

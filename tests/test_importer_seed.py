"""The importer (one transaction per file) and the demo seed (creates only), through the CLI."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from api.articles.models import Article, ArticleStatus
from api.audit.models import AuditEntry
from api.authors.models import Author
from api.changes.models import ChangeEvent
from api.importer.cli import SEED_DIRECTORY
from api.newsletter.models import Newsletter
from api.revisions.models import ArticleRevision
from api.topics.models import Topic
from tests.support.importer import GOOD, flask_command, write


def count_articles(db_session) -> int:
    return db_session.scalar(select(func.count(Article.id)))


SLUG = "omega-3-and-your-back"
STAFF_URL = f"/api/v1/articles/{SLUG}"


def trail(db_session) -> tuple[int, int, int]:
    """Revisions, audit entries and change events stored: what an import may write."""
    counts = tuple(
        db_session.scalar(select(func.count()).select_from(model))
        for model in (ArticleRevision, AuditEntry, ChangeEvent)
    )
    db_session.rollback()
    return counts  # type: ignore[return-value]


@pytest.fixture
def library(make):
    make.author(slug="jane-doe")
    make.topic(slug="nutrition", name="Nutrition")


def test_an_import_makes_a_draft_and_revisions_never_a_public_article(
    runner, library, tmp_path, client, admin, db_session
):
    revisions, entries, events = trail(db_session)  # the library's author and topic
    path = write(tmp_path, "omega.md", GOOD)
    result = runner.invoke(args=["import-articles", str(path)])
    assert result.exit_code == 0 and "(created)" in result.output, result.output
    assert client.get(STAFF_URL).status_code == 404
    staff = admin.get(STAFF_URL).get_json()
    assert staff["status"] == "draft" and staff["current_revision"] == 1
    assert staff["toc"][0]["anchor"] == "sources-of-omega-3"
    assert trail(db_session) == (revisions + 1, entries + 1, events)

    # The same file again writes nothing: no revision, no audit entry, no change event.
    again = runner.invoke(args=["import-articles", str(path)])
    assert again.exit_code == 0 and "(unchanged)" in again.output
    assert trail(db_session) == (revisions + 1, entries + 1, events)
    assert admin.get(STAFF_URL).get_json()["version"] == staff["version"]

    write(tmp_path, "omega.md", GOOD.replace("What fish oil", "What omega-3"))
    assert "(revised)" in runner.invoke(args=["import-articles", str(path)]).output
    revisions = admin.get(f"{STAFF_URL}/revisions").get_json()
    assert [r["number"] for r in revisions] == [2, 1]
    assert revisions[0]["comment"] == "Imported from omega.md."
    entries = admin.get("/api/v1/audit?object_type=article").get_json()
    assert [e["action"] for e in entries] == ["article.import", "article.import"]
    assert entries[0]["actor"] is None and entries[0]["changes"]["revision"] == 2
    assert entries[0]["changes"]["summary"]["to"].startswith("What omega-3")
    assert count_articles(db_session) == 1


def test_status_published_in_a_file_publishes_nothing(runner, library, tmp_path, db_session):
    counts = trail(db_session)
    path = write(tmp_path, "omega.md", GOOD.replace("language: en", "status: published"))
    result = runner.invoke(args=["import-articles", str(path)])
    assert result.exit_code == 1
    assert "status: published is not imported" in result.output
    assert "publishing goes through review" in result.output
    assert count_articles(db_session) == 0 and trail(db_session) == counts


def test_an_import_never_changes_a_published_article(
    runner, library, tmp_path, client, make_staff, db_session, admin
):
    """The broken path of issue 14: import, publish, edit the body, import again."""
    path = write(tmp_path, "omega.md", GOOD)
    submitted = runner.invoke(args=["import-articles", "--submit", str(path)])
    assert "(created, submitted)" in submitted.output, submitted.output
    reviewer = make_staff("reviewer", credentials="MD")
    editor = make_staff("editor")
    approved = reviewer.post(
        f"{STAFF_URL}/transitions", {"action": "approve", "accept_reading_grade": True}
    )
    # An imported article has revision 1 to approve (not 0 with an empty history).
    assert approved.status_code == 200, approved.get_json()
    assert approved.get_json()["approved_revision"] == 1
    assert [r["number"] for r in reviewer.get(f"{STAFF_URL}/revisions").get_json()] == [1]
    assert editor.post(f"{STAFF_URL}/transitions", {"action": "publish"}).status_code == 200
    before, counts = client.get(STAFF_URL).get_json(), trail(db_session)

    write(tmp_path, "omega.md", GOOD.replace("Intro.", "Take 800 mg ibuprofen."))
    result = runner.invoke(args=["import-articles", str(path)])
    assert result.exit_code == 0, result.output
    # A new, pending revision: the public keeps the approved one; staff see the new one.
    assert client.get(STAFF_URL).get_json() == before
    staff_copy = editor.get(STAFF_URL).get_json()
    assert staff_copy["pending_revision"] == {"number": 2, "state": "draft"}
    assert "Take 800 mg ibuprofen." in staff_copy["body_markdown"]
    imported = admin.get("/api/v1/audit?object_type=article").get_json()[0]
    assert imported["action"] == "article.import"
    assert imported["changes"]["revision"] == 2 and imported["changes"]["pending"] is True
    revisions, entries, events = counts
    assert trail(db_session) == (revisions + 1, entries + 1, events)  # no public change


def test_submit_is_audited_as_the_command_lines(runner, library, tmp_path, admin):
    path = write(tmp_path, "omega.md", GOOD)
    assert runner.invoke(args=["import-articles", "--submit", str(path)]).exit_code == 0
    assert admin.get(STAFF_URL).get_json()["status"] == "in_review"
    [submit, created] = admin.get("/api/v1/audit?object_type=article").get_json()
    assert created["action"] == "article.import"
    assert submit["action"] == "article.submit" and submit["actor"] is None
    assert submit["changes"]["via"] == "import-articles --submit omega.md"


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
    # Every demo article went through review: a reviewer with credentials signed it.
    for listed in articles:
        review = client.get(f"/api/v1/articles/{listed['slug']}").get_json()["review"]
        assert review["reviewed_by"]["credentials"] == "MD, Board-certified physiatrist"
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
    # canonical_url: editorial metadata, applied at once while published (patient-facing text
    # waits as a pending revision, see test_the_seed_command_keeps_a_published_edit_...)
    edited = editor.edit(guide, {"canonical_url": "https://clinic.example/our-guide"})
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
    assert client.get(guide).get_json()["canonical_url"] == "https://clinic.example/our-guide"
    assert client.get(gut).status_code == 404
    assert editor.get(gut).get_json()["status"] == "draft"
    assert client.get("/api/v1/topics/sleep-health").get_json()["name"] == "Sleep, our way"
    related = client.get("/api/v1/topics/mast-cell-activation/related").get_json()
    assert [r["topic"]["slug"] for r in related if r["see_also"]] == ["sleep-health"]


def test_the_seed_command_keeps_a_published_edit_and_an_unpublishing(
    database_url, client, editor, reviewer
):
    """Issue 14, item 2, through the real command (`make run` runs `flask --app wsgi seed`):
    seed, change a demo article through the workflow and unpublish another, seed again."""
    first = flask_command(database_url, "seed")
    assert first.returncode == 0, first.stderr
    assert "created article back-pain-guide" in first.stdout
    guide, gut = "/api/v1/articles/back-pain-guide", "/api/v1/articles/gut-health-and-back-pain"
    seeded_body = editor.get(guide).get_json()["body_markdown"]
    edited_body = seeded_body + "\nOur clinic's own note: call us if the pain wakes you.\n"
    assert editor.edit(guide, {"body_markdown": edited_body}).status_code == 200
    for staff, action in [(editor, "submit"), (reviewer, "approve"), (editor, "publish")]:
        response = staff.post(f"{guide}/transitions", {"action": action})
        assert response.status_code == 200, response.get_json()
    assert editor.post(f"{gut}/transitions", {"action": "unpublish"}).status_code == 200
    live = client.get(guide)
    assert "call us if the pain wakes you" in live.get_json()["body_html"]

    again = flask_command(database_url, "seed")

    assert again.returncode == 0, again.stderr
    assert "skipped article back-pain-guide (exists; left as it is)" in again.stdout
    assert "skipped article gut-health-and-back-pain (exists; left as it is)" in again.stdout
    assert "created " not in again.stdout
    assert client.get(guide, headers={"If-None-Match": live.headers["ETag"]}).status_code == 304
    staff_copy = editor.get(guide).get_json()
    assert staff_copy["body_markdown"] == edited_body and staff_copy["pending_revision"] is None
    assert client.get(gut).status_code == 404
    assert editor.get(gut).get_json()["status"] == "draft"


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

"""GET /api/v1/articles/<slug>/source: the article as the Markdown file the importer reads,
so that import(export(x)) == x; and `fields=` on article detail."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tests.support import images
from tests.support.images import upload
from tests.support.importer import write
from tests.support.staff import new_article, problem

FIXTURE = (ROOT / "tests/fixtures/cited-article.md").read_text(encoding="utf-8")
SLUG = "staying-active-with-low-back-pain"
URL = f"/api/v1/articles/{SLUG}"
# What the importer and the API both store: compared before and after a round trip.
KEPT = (
    "title", "slug", "summary", "language", "audience", "meta_description", "body_markdown",
    "body_html", "toc", "sections", "references", "disclaimer_html", "json_ld", "topics",
    "author",
)  # fmt: skip


@pytest.fixture
def library(make):
    make.author(slug="jane-doe")
    make.topic(slug="back-pain", name="Back pain")
    make.topic(slug="exercise", name="Exercise")


def source(staff, slug: str = SLUG) -> str:
    response = staff.get(f"/api/v1/articles/{slug}/source")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Type"] == "text/markdown; charset=utf-8"
    return response.get_data(as_text=True)


def import_file(runner, tmp_path, text: str) -> str:
    result = runner.invoke(args=["import-articles", str(write(tmp_path, "article.md", text))])
    assert result.exit_code == 0, result.output
    return result.output


def test_an_imported_file_exports_as_itself(runner, library, tmp_path, admin):
    assert "(created)" in import_file(runner, tmp_path, FIXTURE)
    assert source(admin) == FIXTURE
    article = admin.get(URL).get_json()
    assert article["audience"] == "caregiver"
    assert [r["key"] for r in article["references"]] == ["qaseem-2017", "nice-ng59"]
    assert '<aside class="callout callout-key-points"' in article["body_html"]
    assert article["sections"][-1]["kind"] == "references"
    assert article["disclaimer_html"].startswith("<p>Talk to <strong>your clinician</strong>")


def test_an_article_written_through_the_api_round_trips(
    runner, library, tmp_path, admin, editor, frozen_clock
):
    body = (
        "Moving helps [@nice-ng59].\n\n::: self-care Try this --- at home\nWalk daily.\n:::\n\n"
        "## Sources\n\nSee the guideline.\n"
    )
    data = new_article(
        slug="written-here",
        title="Walking: a title with --- and: a colon",
        topics=["exercise", "back-pain"],
        primary_topic="back-pain",
        audience="parent",
        disclaimer_markdown="",
        feature_image_url="https://example.org/walk.jpg",
        feature_image_alt="A walk",
        body_markdown=body,
        references=[
            {
                "key": "nice-ng59",
                "title": "Low back pain and sciatica in over 16s",
                "publisher": "NICE",
                "year": 2016,
                "url": "https://www.nice.org.uk/guidance/ng59",
                "accessed": "2026-11-01",
            }
        ],
    )
    created = admin.post("/api/v1/articles", data)
    assert created.status_code == 201, created.get_json()
    url = "/api/v1/articles/written-here"
    before = admin.get(url).get_json()
    exported = source(admin, "written-here")

    # The same file into the same store changes nothing ...
    assert "(unchanged)" in import_file(runner, tmp_path, exported)
    # ... and into a store without the article, it makes the same article again.
    deleted = editor.delete(url, if_match=admin.etag(url))
    assert deleted.status_code == 204
    assert "(created)" in import_file(runner, tmp_path, exported)
    after = admin.get(url).get_json()
    assert {name: after[name] for name in KEPT} == {name: before[name] for name in KEPT}
    assert source(admin, "written-here") == exported


def test_a_published_article_exports_its_working_copy(runner, library, tmp_path, admin, reviewer):
    import_file(runner, tmp_path, FIXTURE)
    url = f"{URL}/transitions"
    approve = {"action": "approve", "accept_reading_grade": True}
    for staff, body in ((admin, {"action": "submit"}), (reviewer, approve)):
        assert staff.post(url, body).status_code == 200
    assert admin.post(url, {"action": "publish"}).status_code == 200
    edited = admin.edit(URL, {"summary": "A pending summary."})
    assert edited.get_json()["pending_revision"]["state"] == "draft"
    exported = source(admin)
    assert "summary: A pending summary.\n" in exported
    assert "status" not in exported and "published_at: '" in exported


def test_the_source_is_for_staff_only(library, client, admin):
    admin.post("/api/v1/articles", new_article(slug="private"))
    problem(client.get("/api/v1/articles/private/source"), 401)
    problem(admin.get("/api/v1/articles/nothing-here/source"), 404)


def test_fields_selects_sections_on_detail(library, client, make):
    make.article(slug="picked", body_markdown="Intro.\n\n## Part\n\nText.\n")
    picked = client.get("/api/v1/articles/picked?fields=slug,sections")
    assert picked.status_code == 200
    body = picked.get_json()
    assert set(body) == {"slug", "sections"}
    assert [s["anchor"] for s in body["sections"]] == [None, "part"]
    both = client.get("/api/v1/articles/picked?fields=slug&include=related").get_json()
    assert set(both) == {"slug", "included"}
    listed = client.get("/api/v1/articles?fields=slug,title").get_json()
    assert [set(item) for item in listed] == [{"slug", "title"}]


def test_fields_on_detail_names_what_the_reader_may_not_select(library, client, admin, make):
    make.article(slug="picked")
    errors = problem(client.get("/api/v1/articles/picked?fields=slug,version"), 422)["errors"]
    assert errors == {"fields": ["Unknown field for this reader: version."]}
    unknown = problem(client.get("/api/v1/articles/picked?fields=nope"), 422)["errors"]
    assert "Unknown field: nope." in unknown["fields"][0]
    staff = admin.get("/api/v1/articles/picked?fields=slug,version,warnings").get_json()
    assert set(staff) == {"slug", "version", "warnings"}


def test_bad_references_in_a_file_are_reported_by_item_and_write_nothing(
    runner, library, tmp_path, admin
):
    text = FIXTURE.replace("doi: 10.7326/M16-2367", "doi: not-a-doi").replace(
        "  accessed: '2026-11-01'\n", ""
    )
    result = runner.invoke(args=["import-articles", str(write(tmp_path, "bad.md", text))])
    assert result.exit_code != 0
    assert "references[0].doi: Not a DOI" in result.output
    assert "references[1].accessed: Required with a url." in result.output
    problem(admin.get(URL), 404)

    uncited = FIXTURE.replace("[@qaseem-2017]", "[@qaseem-2071]")
    result = runner.invoke(args=["import-articles", str(write(tmp_path, "typo.md", uncited))])
    assert result.exit_code != 0 and "`qaseem-2071`" in result.output
    problem(admin.get(URL), 404)


def test_an_import_cannot_leave_a_published_article_an_unknown_key(
    runner, library, tmp_path, admin, reviewer
):
    import_file(runner, tmp_path, FIXTURE)
    url = f"{URL}/transitions"
    approve = {"action": "approve", "accept_reading_grade": True}
    for staff, body in ((admin, {"action": "submit"}), (reviewer, approve)):
        assert staff.post(url, body).status_code == 200
    assert admin.post(url, {"action": "publish"}).status_code == 200
    typo = FIXTURE.replace("weeks [@nice-ng59]", "weeks [@nice-ng95]")
    result = runner.invoke(args=["import-articles", str(write(tmp_path, "typo.md", typo))])
    assert result.exit_code != 0 and "`nice-ng95`" in result.output
    article = admin.get(URL).get_json()  # still readable, nothing pending
    assert article["pending_revision"] is None


def test_a_feature_image_of_the_media_library_travels_by_id(runner, library, tmp_path, admin):
    uploaded = upload(admin, images.png(800, 400), "walk.png", alt="Two people walking a path")
    assert uploaded.status_code == 201, uploaded.get_json()
    media_id = uploaded.get_json()["id"]
    data = new_article(slug="pictured", feature_image_id=media_id)
    assert admin.post("/api/v1/articles", data).status_code == 201
    exported = source(admin, "pictured")
    assert f"feature_image_id: {media_id}\n" in exported
    assert "(unchanged)" in import_file(runner, tmp_path, exported)

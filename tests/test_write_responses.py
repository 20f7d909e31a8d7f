"""What staff get back from writes: the body as a read renders it, one ETag version per
change starting at 1, and slugs made from titles when none is given."""

from __future__ import annotations

import pytest

from tests.support.staff import new_article, problem

ARTICLES = "/api/v1/articles"


@pytest.fixture
def library(make):
    make.author(slug="jane-doe", name="Jane Doe")
    make.topic(slug="back-pain", name="Back pain")
    make.article(slug="back-pain-guide", title="The back pain guide")


def _version(response) -> int:
    etag = response.headers["ETag"]
    assert etag.startswith('"article-') and etag.endswith('"'), etag
    number = int(etag.strip('"').rpartition("-v")[2])
    assert number == response.get_json()["version"]
    return number


def test_write_responses_render_links_as_reads_do(editor, library):
    created = editor.post(
        ARTICLES, new_article(slug="doc", body_markdown="See [[back-pain-guide]].\n")
    )
    url = f"{ARTICLES}/doc"
    read = editor.get(url).get_json()["body_html"]
    assert "careleaf:link" not in read
    guide = (
        'href="https://clinic.example/learn/back-pain-guide" data-article-slug="back-pain-guide"'
    )
    assert f"{guide}>The back pain guide</a>" in read
    assert created.get_json()["body_html"] == read

    patched = editor.edit(url, {"body_markdown": "Read [[back-pain-guide|the guide]].\n"})
    assert patched.status_code == 200
    assert patched.get_json()["body_html"] == editor.get(url).get_json()["body_html"]
    assert ">the guide</a>" in patched.get_json()["body_html"]

    submitted = editor.post(f"{url}/transitions", {"action": "submit"})
    assert submitted.get_json()["body_html"] == editor.get(url).get_json()["body_html"]


def test_restore_response_renders_links(editor, library):
    editor.post(ARTICLES, new_article(slug="doc", body_markdown="See [[back-pain-guide]].\n"))
    url = f"{ARTICLES}/doc"
    editor.edit(url, {"body_markdown": "Nothing linked."})
    restored = editor.post(f"{url}/revisions/1/restore", {"comment": "back"})
    assert restored.status_code == 200, restored.get_json()
    assert restored.get_json()["body_html"] == editor.get(url).get_json()["body_html"]
    assert "The back pain guide</a>" in restored.get_json()["body_html"]


def test_etag_versions_count_one_per_change_from_1(editor, reviewer, library):
    created = editor.post(ARTICLES, new_article(slug="doc", topics=["back-pain"]))
    assert _version(created) == 1
    url = f"{ARTICLES}/doc"
    assert _version(editor.get(url)) == 1

    assert _version(editor.edit(url, {"title": "A content change"})) == 2
    assert _version(editor.edit(url, {"canonical_url": "https://example.org/x"})) == 3
    assert _version(editor.edit(url, {"topics": [], "summary": "Both at once"})) == 4
    assert _version(editor.edit(url, {"title": "A content change"})) == 4  # no change at all
    assert editor.get(url).get_json()["current_revision"] == 3
    assert _version(editor.post(f"{url}/transitions", {"action": "submit"})) == 5
    assert _version(reviewer.post(f"{url}/transitions", {"action": "approve"})) == 6
    assert _version(editor.post(f"{url}/transitions", {"action": "publish"})) == 7
    assert _version(editor.get(url)) == 7
    revisions = editor.get(f"{url}/revisions").get_json()
    assert [revision["number"] for revision in revisions] == [3, 2, 1]


def test_slug_may_be_omitted_and_is_made_unique(editor, library):
    def create(title):
        body = new_article(title=title)
        del body["slug"]
        response = editor.post(ARTICLES, body)
        assert response.status_code == 201, response.get_json()
        assert response.headers["Location"] == f"{ARTICLES}/{response.get_json()['slug']}"
        return response.get_json()["slug"]

    assert create("Back pain: what helps?") == "back-pain-what-helps"
    assert create("Back pain — what helps") == "back-pain-what-helps-2"
    assert create("Back  pain, what helps!") == "back-pain-what-helps-3"
    assert create("Café & crème brûlée") == "cafe-creme-brulee"
    assert create("¿¡!?") == "article"
    # An old slug that still redirects is taken too.
    editor.edit(f"{ARTICLES}/cafe-creme-brulee", {"slug": "coffee"})
    assert create("Café crème brûlée") == "cafe-creme-brulee-2"
    # Long titles are cut at a hyphen, within the slug limit, suffix included.
    long_slug = create("word " * 60)
    assert len(long_slug) <= 120 and not long_slug.endswith("-")
    assert len(create("word " * 60)) <= 120


def test_a_given_slug_is_still_checked(editor, library):
    problem(editor.post(ARTICLES, new_article(slug="Not A Slug")), 422)
    problem(editor.post(ARTICLES, new_article(slug="back-pain-guide")), 409)

"""Resources say where they live (url, api_url, link data in bodies, LINK_MODE) and an article
page is one request (`include=`, `links=`): issue 16, items 4 and 5."""

from __future__ import annotations

import re

import pytest

from api.articles.models import ArticleStatus
from tests.support.staff import problem
from tests.support.urls import api_url, article_ref, site_path, site_url

BODY = (
    "Read [[desk-setup]] and [the hub](/articles/back-pain-hub#start), "
    "see [posture topics](/topics/posture) and [elsewhere](https://example.org)."
)


def links_in(body_html: str) -> list[dict[str, str]]:
    """Each link of a body: its attributes (href, data-article-slug, data-topic-slug...)."""
    return [
        dict(re.findall(r'([a-z-]+)="([^"]*)"', attrs))
        for attrs in re.findall(r"<a ([^>]*)>", body_html)
    ]


@pytest.fixture
def page(make):
    """An article linking to two articles and a topic, filed under two topics, with backlinks
    and related articles."""
    make.topic(slug="back-pain", name="Back pain")
    make.topic(slug="posture", name="Posture", parent="back-pain")
    make.author(slug="dr-lee", name="Dr Lee")
    make.article(slug="desk-setup", title="Setting up your desk", topics=["posture"])
    make.article(slug="back-pain-hub", title="Back pain: a guide", topics=["back-pain"])
    make.article(
        slug="sitting", title="Sitting well", author="dr-lee", topics=["posture", "back-pain"],
        body_markdown=BODY,
    )  # fmt: skip
    make.article(slug="standing", body_markdown="See [[sitting]].", topics=["posture"])
    return "sitting"


def test_articles_topics_and_authors_say_where_they_live_everywhere(client, make, page):
    def check(item, kind):
        assert item["url"] == site_url(kind, item["slug"]), item
        assert item["api_url"] == api_url(kind, item["slug"]), item

    detail = client.get("/api/v1/articles/sitting").get_json()
    check(detail, "article")
    check(detail["author"], "author")
    for topic in detail["topics"]:
        check(topic, "topic")
    for item in client.get("/api/v1/articles").get_json():
        check(item, "article")
    for item in client.get("/api/v1/authors").get_json():
        check(item, "author")
    check(client.get("/api/v1/authors/dr-lee").get_json(), "author")
    for item in client.get("/api/v1/topics").get_json():
        check(item, "topic")
    topic = client.get("/api/v1/topics/posture").get_json()
    check(topic, "topic")
    check(topic["breadcrumbs"][0], "topic")
    (root,) = client.get("/api/v1/topics?tree=true").get_json()
    check(root, "topic")
    check(root["children"][0], "topic")
    for related in client.get("/api/v1/articles/sitting/related").get_json():
        check(related["article"], "article")
    (backlink,) = client.get("/api/v1/articles/sitting/backlinks").get_json()
    check(backlink, "article")
    results = client.get("/api/v1/search?q=sitting").get_json()
    check(results["articles"][0], "article")
    for suggestion in client.get("/api/v1/search/suggest?q=sit").get_json()["articles"]:
        check(suggestion, "article")
    bundle = client.get("/api/v1/bundles/all?links=relative").get_json()
    check(bundle["articles"][0], "article")
    sitting = next(a for a in bundle["articles"] if a["slug"] == "sitting")
    assert links_in(sitting["body_html"])[0]["href"] == "/learn/desk-setup"
    check(bundle["topics"][0], "topic")
    check(bundle["authors"][0], "author")
    check(bundle["topic_tree"][0], "topic")


def test_urls_follow_the_templates_and_site_url(make_app, make, page):
    other = make_app(
        ARTICLE_URL_TEMPLATE="https://kiosk.example/read?a={slug}",
        TOPIC_URL_TEMPLATE="https://kiosk.example/t/{slug}",
        AUTHOR_URL_TEMPLATE="https://kiosk.example/people/{slug}",
        SITE_URL="https://api.kiosk.example/",
    )
    with other.test_client() as kiosk:
        article = kiosk.get("/api/v1/articles/sitting").get_json()
    assert article["url"] == "https://kiosk.example/read?a=sitting"
    assert article["api_url"] == "https://api.kiosk.example/api/v1/articles/sitting"
    assert article["author"]["url"] == "https://kiosk.example/people/dr-lee"
    assert article["author"]["api_url"] == "https://api.kiosk.example/api/v1/authors/dr-lee"
    assert article["topics"][0]["url"] == "https://kiosk.example/t/posture"


@pytest.mark.parametrize(
    "mode, href",
    [("absolute", site_url), ("relative", site_path), ("api", api_url)],
)
def test_link_mode_chooses_the_href_of_internal_links(make_app, make, page, mode, href):
    other = make_app(LINK_MODE=mode)
    with other.test_client() as reader:
        body = reader.get("/api/v1/articles/sitting").get_json()["body_html"]
    assert links_in(body) == [
        {"href": href("article", "desk-setup"), "data-article-slug": "desk-setup"},
        {"href": href("article", "back-pain-hub") + "#start", "data-article-slug": "back-pain-hub"},
        {
            "href": href("topic", "posture"),
            "data-topic-slug": "posture",
            "rel": "noopener noreferrer",
        },
        {"href": "https://example.org", "rel": "noopener noreferrer"},
    ]


def test_links_parameter_overrides_the_setting_with_its_own_etag(client, page):
    absolute = client.get("/api/v1/articles/sitting")
    relative = client.get("/api/v1/articles/sitting?links=relative")
    api = client.get("/api/v1/articles/sitting?links=api")
    hrefs = [links_in(r.get_json()["body_html"])[0]["href"] for r in (absolute, relative, api)]
    assert hrefs == [
        site_url("article", "desk-setup"),
        "/learn/desk-setup",
        api_url("article", "desk-setup"),
    ]
    etags = {r.headers["ETag"] for r in (absolute, relative, api)}
    assert len(etags) == 3
    # Each variant is cached and validated on its own.
    again = client.get("/api/v1/articles/sitting?links=relative")
    assert (
        again.get_data() == relative.get_data()
        and again.headers["ETag"] == relative.headers["ETag"]
    )
    conditional = client.get(
        "/api/v1/articles/sitting?links=relative",
        headers={"If-None-Match": relative.headers["ETag"]},
    )
    assert conditional.status_code == 304
    fresh = client.get(
        "/api/v1/articles/sitting?links=api", headers={"If-None-Match": relative.headers["ETag"]}
    )
    assert fresh.status_code == 200
    body = problem(client.get("/api/v1/articles/sitting?links=kiosk"), 422)
    assert "links" in str(body["errors"])


def test_a_writer_cannot_forge_link_data(client, make):
    make.article(
        slug="forged",
        body_markdown=(
            '<a href="https://evil.example" data-article-slug="trusted">x</a> '
            '<a href="/topics/real" data-topic-slug="fake">y</a> '
            '<a title="first" href="/topics/other">z</a>'
        ),
    )
    assert links_in(client.get("/api/v1/articles/forged").get_json()["body_html"]) == [
        {"href": "https://evil.example", "rel": "noopener noreferrer"},
        {
            "href": site_url("topic", "real"),
            "data-topic-slug": "real",
            "rel": "noopener noreferrer",
        },
        {
            "href": site_url("topic", "other"),
            "data-topic-slug": "other",
            "title": "first",
            "rel": "noopener noreferrer",
        },
    ]


def test_kiosk_renders_an_article_page_from_one_request(client, make, page, count_queries):
    """include=related&links=relative: the article, its related articles and links a kiosk can
    follow without rewriting, in one response whose cost does not grow with related content."""
    url = "/api/v1/articles/sitting?include=related&links=relative"
    counts = []
    for extra in (0, 6):
        for _ in range(extra):
            make.article(topics=["posture"])
        with count_queries() as counter:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(counter.count)
        article = response.get_json()
        assert set(article["included"]) == {"related"}
        assert (
            article["included"]["related"]
            == client.get("/api/v1/articles/sitting/related").get_json()
        )
        assert len(article["included"]["related"]) == min(5, 3 + extra)
        assert links_in(article["body_html"])[:2] == [
            {"href": "/learn/desk-setup", "data-article-slug": "desk-setup"},
            {"href": "/learn/back-pain-hub#start", "data-article-slug": "back-pain-hub"},
        ]
    assert counts[0] == counts[1], counts


def test_each_included_part_is_what_its_endpoint_answers(client, page, count_queries):
    url = "/api/v1/articles/sitting?include=related,backlinks&include=topics_detail,author_detail"
    with count_queries() as counter:
        article = client.get(url).get_json()
    included = article["included"]
    assert included["related"] == client.get("/api/v1/articles/sitting/related").get_json()
    assert included["backlinks"] == client.get("/api/v1/articles/sitting/backlinks").get_json()
    assert [t["slug"] for t in included["backlinks"]] == ["standing"]
    assert included["topics_detail"] == [
        client.get(f"/api/v1/topics/{slug}").get_json() for slug in ("posture", "back-pain")
    ]
    assert included["author_detail"] == client.get("/api/v1/authors/dr-lee").get_json()
    plain = client.get("/api/v1/articles/sitting").get_json()
    assert "included" not in plain
    assert {k: v for k, v in article.items() if k != "included"} == plain
    # Bounded: the article's own statements, plus a fixed few for each part (two topics here).
    assert counter.count <= 30, counter.statements


def test_unknown_include_is_a_422_naming_the_value(client, page):
    body = problem(client.get("/api/v1/articles/sitting?include=related,references"), 422)
    assert "'references'" in str(body["errors"]) and "include" in str(body["errors"])


def test_include_follows_an_old_slug(client, editor, page):
    editor.edit("/api/v1/articles/sitting", {"slug": "sitting-well"})
    response = client.get("/api/v1/articles/sitting?include=related&links=relative")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(
        "/api/v1/articles/sitting-well?include=related&links=relative"
    )


def test_tree_nodes_count_public_articles_of_their_subtree(client, make, count_queries):
    make.topic(slug="back-pain", name="Back pain")
    make.topic(slug="posture", name="Posture", parent="back-pain")
    make.topic(slug="desk", name="Desk", parent="posture")
    make.topic(slug="skin", name="Skin")
    make.article(topics=["back-pain"])
    make.article(topics=["desk", "posture"])  # counted once under posture and back-pain
    make.article(topics=["desk"], status=ArticleStatus.DRAFT)  # never counted

    def counts():
        flat = {}

        def walk(nodes):
            for node in nodes:
                flat[node["slug"]] = node["article_count"]
                walk(node["children"])

        walk(client.get("/api/v1/topics?tree=true").get_json())
        return flat

    assert counts() == {"back-pain": 2, "posture": 1, "desk": 1, "skin": 0}
    for _ in range(5):
        make.article(topics=["skin"])
    with count_queries() as counter:
        assert counts()["skin"] == 5
    assert counter.count == 3  # validator, topics, counts


def test_pillar_is_one_shape_in_lists_tree_details_and_writes(client, make, editor):
    make.topic(slug="back-pain", name="Back pain")
    make.article(slug="hub", title="The hub")
    url = "/api/v1/topics/back-pain"
    written = editor.edit(url, {"pillar": {"slug": "hub"}})
    assert written.status_code == 200, written.get_json()
    hub = article_ref("hub", "The hub")
    assert written.get_json()["pillar"] == hub
    assert client.get(url).get_json()["pillar"] == hub
    assert client.get("/api/v1/topics").get_json()[0]["pillar"] == hub
    assert client.get("/api/v1/topics?tree=true").get_json()[0]["pillar"] == hub
    assert client.get("/api/v1/bundles/all").get_json()["topics"][0]["pillar"] == hub
    # Written by slug (the rest is read-only); a bare slug is still accepted; null clears it.
    body = problem(editor.edit(url, {"pillar": hub}), 422)
    assert body["errors"]["pillar"]["title"] == ["Read-only field."]
    assert editor.edit(url, {"pillar": "hub"}).get_json()["pillar"] == hub
    assert editor.edit(url, {"pillar": None}).get_json()["pillar"] is None
    body = problem(editor.edit(url, {"pillar": {"slug": "nope"}}), 422)
    assert body["errors"] == {"pillar": ["Unknown article."]}
    # Found by the schema fuzzer: a PATCH loads partially, yet `{}` names no article.
    body = problem(editor.edit(url, {"pillar": {}}), 422)
    assert body["errors"] == {"pillar": {"slug": ["Missing data for required field."]}}


def test_staff_read_the_body_and_includes_as_the_public_would(editor, page):
    article = editor.get("/api/v1/articles/sitting?links=relative&include=author_detail")
    assert article.status_code == 200
    body = article.get_json()
    assert "body_markdown" in body  # the staff shape
    assert links_in(body["body_html"])[0] == {
        "href": "/learn/desk-setup",
        "data-article-slug": "desk-setup",
    }
    assert body["included"]["author_detail"]["slug"] == "dr-lee"

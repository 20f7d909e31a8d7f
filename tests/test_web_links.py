"""Links as the web uses them (issue 16, items 6-8): RFC 8288 paging links, pasted links with
campaign tags and cache-busters, typos in filters that say so, and old slugs that redirect
for every sub-resource."""

from __future__ import annotations

import json

import pytest

from tests.support.staff import problem

SITE = "https://clinic.example"


@pytest.fixture
def library(make):
    make.author(slug="jane-doe", name="Jane Doe")
    make.topic(slug="back-pain", name="Back pain")
    make.topic(slug="sleep", name="Sleep")
    for number in range(5):
        make.article(slug=f"doc-{number}", author="jane-doe", topics=["back-pain"])


def links(response) -> dict[str, str]:
    """rel -> URL of an RFC 8288 Link header."""
    found = {}
    for part in response.headers["Link"].split(", "):
        url, rel = part.split("; ")
        found[rel.removeprefix('rel="').removesuffix('"')] = url.strip("<>")
    return found


# Item 6: paging the web way.


def test_paged_lists_send_first_prev_next_last_keeping_the_other_parameters(client, library):
    url = "/api/v1/articles?topic=back-pain&page_size=2&page=2&sort=title"
    response = client.get(url)
    assert response.status_code == 200
    assert json.loads(response.headers["X-Pagination"])["total_pages"] == 3
    base = "/api/v1/articles?topic=back-pain&page_size=2&sort=title&page="
    assert links(response) == {
        "first": base + "1",
        "prev": base + "1",
        "next": base + "3",
        "last": base + "3",
    }
    # Each link leads to the page it names.
    last = client.get(links(response)["last"])
    assert [a["slug"] for a in last.get_json()] == ["doc-4"]
    assert "next" not in links(last) and links(last)["prev"] == base + "2"


def test_first_page_has_no_prev_and_an_empty_list_still_has_first_and_last(client, library):
    first = links(client.get("/api/v1/articles?page_size=2"))
    assert set(first) == {"first", "next", "last"}
    assert first["next"] == "/api/v1/articles?page_size=2&page=2"
    empty = links(client.get("/api/v1/articles?topic=sleep"))
    assert empty == {"first": "/api/v1/articles?topic=sleep&page=1", "last": empty["first"]}


def test_a_lower_bound_total_has_next_but_no_last(make_app, make, library):
    client = make_app(LIST_COUNT_CAP=2).test_client()
    response = client.get("/api/v1/articles?page_size=1")
    assert json.loads(response.headers["X-Pagination"])["total_is_lower_bound"] is True
    assert set(links(response)) == {"first", "next"}


def test_other_paged_lists_send_links_too(client, library):
    response = client.get("/api/v1/topics/back-pain/articles?page_size=4")
    assert links(response)["next"] == "/api/v1/topics/back-pain/articles?page_size=4&page=2"


def test_cors_exposes_link_retry_after_and_etag(make_app, library):
    site = make_app(CORS_ORIGINS=SITE).test_client()
    response = site.get("/api/v1/articles", headers={"Origin": SITE})
    exposed = {
        name.strip() for name in response.headers["Access-Control-Expose-Headers"].split(",")
    }
    assert {"Link", "Retry-After", "ETag", "X-Pagination"} <= exposed


def test_the_contract_declares_the_link_header(client):
    spec = client.get("/openapi.json").get_json()
    ok = spec["paths"]["/api/v1/articles"]["get"]["responses"]["200"]
    assert ok["headers"]["Link"] == {"$ref": "#/components/headers/LINK"}
    assert "first" in spec["components"]["headers"]["LINK"]["description"]


# Item 7: forgiving where people paste links, strict where programs call.


def test_rss_feed_ignores_a_newsletter_campaign_tag(client, library):
    plain = client.get("/feeds/articles.rss")
    tagged = client.get("/feeds/articles.rss?utm_source=newsletter&utm_medium=email&fbclid=x1")
    assert tagged.status_code == 200
    assert tagged.data == plain.data and tagged.headers["ETag"] == plain.headers["ETag"]


def test_sitemap_with_an_unknown_parameter_stays_a_422(client, library):
    body = problem(client.get("/sitemap.xml?x=1"), 422)
    assert body["errors"] == {"x": ["Unknown query parameter."]}
    assert client.get("/sitemap.xml?gclid=abc&mc_cid=1&mc_eid=2").status_code == 200


def test_a_cache_buster_on_detail_is_the_same_representation(client, library):
    plain = client.get("/api/v1/articles/doc-1")
    busted = client.get("/api/v1/articles/doc-1?_=123")
    assert busted.status_code == 200
    assert busted.headers["ETag"] == plain.headers["ETag"]
    assert busted.get_json() == plain.get_json()
    revalidated = client.get(
        "/api/v1/articles/doc-1?_=456", headers={"If-None-Match": plain.headers["ETag"]}
    )
    assert revalidated.status_code == 304


def test_tags_on_a_list_stay_out_of_the_paging_links(client, library):
    response = client.get("/api/v1/articles?page_size=2&utm_campaign=spring&_=9")
    assert response.status_code == 200
    assert links(response)["next"] == "/api/v1/articles?page_size=2&page=2"


def test_programs_with_a_token_stay_strict(library, editor):
    body = problem(editor.get("/api/v1/articles?utm_source=newsletter"), 422)
    assert "utm_source" in body["errors"]


def test_an_unknown_topic_is_a_422_with_a_suggestion(client, library):
    body = problem(client.get("/api/v1/articles?topic=bak-pain"), 422)
    assert body["detail"] == "unknown topic 'bak-pain'; did you mean 'back-pain'?"
    assert body["errors"] == {"topic": ["unknown topic 'bak-pain'; did you mean 'back-pain'?"]}


def test_unknown_author_and_language_name_the_value(client, library):
    body = problem(client.get("/api/v1/articles?author=jane-do&language=zz"), 422)
    assert body["errors"] == {
        "author": ["unknown author 'jane-do'; did you mean 'jane-doe'?"],
        "language": ["unknown language 'zz'."],
    }
    body = problem(client.get("/api/v1/articles?topic=back-pain,nothing-like-it"), 422)
    assert body["errors"] == {"topic": ["unknown topic 'nothing-like-it'."]}
    assert (
        len(client.get("/api/v1/articles?topic=back-pain&author=jane-doe&language=en").get_json())
        == 5
    )


def test_a_language_only_drafts_use_is_unknown_to_the_public(client, make, library, editor):
    from api.articles.models import ArticleStatus

    make.article(slug="borrador", language="es", status=ArticleStatus.DRAFT)
    body = problem(client.get("/api/v1/articles?language=es"), 422)
    assert body["errors"] == {"language": ["unknown language 'es'."]}
    assert [a["slug"] for a in editor.get("/api/v1/articles?language=es").get_json()] == [
        "borrador"
    ]


# Item 8: old slugs redirect everywhere.


@pytest.fixture
def renamed(library, editor):
    assert editor.edit("/api/v1/articles/doc-1", {"slug": "doc-one"}).status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/related", "/related?limit=2", "/backlinks", "/backlinks?page=1&page_size=5"],
)
def test_sub_resources_of_an_old_slug_redirect_keeping_the_query(client, renamed, path):
    response = client.get(f"/api/v1/articles/doc-1{path}")
    assert response.status_code == 301
    assert response.headers["Location"] == f"/api/v1/articles/doc-one{path}"
    assert client.get(response.headers["Location"]).status_code == 200


def test_the_article_itself_keeps_the_query_too(client, renamed):
    response = client.get("/api/v1/articles/doc-1?utm_source=newsletter")
    assert response.headers["Location"] == "/api/v1/articles/doc-one?utm_source=newsletter"


def test_staff_sub_resources_of_an_old_slug_redirect_for_staff(client, renamed, editor):
    response = editor.get("/api/v1/articles/doc-1/revisions")
    assert response.status_code == 301
    assert response.headers["Location"] == "/api/v1/articles/doc-one/revisions"


def test_the_contract_declares_the_redirect_of_sub_resources(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    for path in ("/api/v1/articles/{slug}/related", "/api/v1/articles/{slug}/backlinks"):
        assert "301" in paths[path]["get"]["responses"], path


def test_old_slugs_of_drafts_and_unknown_slugs_stay_404(client, make, library, editor):
    from api.articles.models import ArticleStatus

    make.article(slug="was-draft", status=ArticleStatus.DRAFT)
    editor.edit("/api/v1/articles/was-draft", {"slug": "still-draft"})
    problem(client.get("/api/v1/articles/was-draft/related"), 404)
    problem(client.get("/api/v1/articles/never-was/backlinks"), 404)

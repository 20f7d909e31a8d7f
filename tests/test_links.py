"""Internal links: recognised in Markdown, stored as edges, resolved for the public on read."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from api.articles.models import Article, ArticleStatus
from api.core import clock
from api.users.models import Role
from tests.support.staff import staff_headers

TEMPLATE = "https://clinic.example/learn/{slug}"


def anchors(client, slug: str) -> list[tuple[str, str]]:
    """(href, text) of every link in the public body of an article."""
    body = client.get(f"/api/v1/articles/{slug}").get_json()["body_html"]
    return re.findall(r'<a href="([^"]*)"[^>]*>(.*?)</a>', body)


def body_of(client, slug: str) -> str:
    return client.get(f"/api/v1/articles/{slug}").get_json()["body_html"]


@pytest.fixture
def diet(make):
    return make.article(slug="anti-inflammatory-diet", title="Eating to calm inflammation")


def test_both_link_forms_use_the_url_pattern_and_current_title(client, make, diet):
    make.article(
        slug="source",
        body_markdown=(
            "See [the diet](/articles/anti-inflammatory-diet), [[anti-inflammatory-diet]], "
            "[[anti-inflammatory-diet|our *diet* page]] and "
            "[a section](/articles/anti-inflammatory-diet#what-helps).\n\n"
            "`[[anti-inflammatory-diet]]` in code stays code. [Elsewhere](https://example.org)."
        ),
    )
    url = TEMPLATE.format(slug="anti-inflammatory-diet")
    assert anchors(client, "source") == [
        (url, "the diet"),
        (url, "Eating to calm inflammation"),
        (url, "our *diet* page"),
        (url + "#what-helps", "a section"),
        ("https://example.org", "Elsewhere"),
    ]
    assert "<code>[[anti-inflammatory-diet]]</code>" in body_of(client, "source")


def test_url_pattern_is_configurable(make_app, make, diet):
    make.article(slug="source", body_markdown="[[anti-inflammatory-diet|diet]]")
    other = make_app(ARTICLE_URL_TEMPLATE="https://kiosk.example/read?a={slug}")
    with other.test_client() as kiosk:
        assert anchors(kiosk, "source") == [
            ("https://kiosk.example/read?a=anti-inflammatory-diet", "diet")
        ]


def test_unpublishing_the_target_turns_links_into_plain_text_and_back(client, make, diet):
    make.article(slug="source", body_markdown="Try [the diet](/articles/anti-inflammatory-diet).")
    make.update_article("anti-inflammatory-diet", status=ArticleStatus.DRAFT)
    body = body_of(client, "source")
    assert "<a" not in body and "Try the diet." in body
    assert "careleaf" not in body and "anti-inflammatory-diet" not in body
    make.update_article("anti-inflammatory-diet", status=ArticleStatus.PUBLISHED)
    assert anchors(client, "source") == [
        (TEMPLATE.format(slug="anti-inflammatory-diet"), "the diet")
    ]


def test_short_link_to_a_hidden_target_never_reveals_its_title(client, make):
    make.article(slug="secret-plan", title="Secret draft title", status=ArticleStatus.DRAFT)
    make.article(slug="source", body_markdown="Read [[secret-plan]].")
    body = body_of(client, "source")
    assert "draft title" not in body and "<a" not in body
    assert "Read Secret plan." in body


def test_scheduled_target_becomes_a_link_when_its_time_comes(client, make, frozen_clock):
    make.article(slug="soon", published_at=clock.now() + dt.timedelta(hours=2))
    make.article(slug="source", body_markdown="[Soon](/articles/soon)")
    assert "<a" not in body_of(client, "source")
    frozen_clock.advance(hours=3)
    assert anchors(client, "source") == [(TEMPLATE.format(slug="soon"), "Soon")]


def test_renaming_the_target_keeps_links_working(client, make, diet):
    make.article(slug="source", body_markdown="[[anti-inflammatory-diet|diet]]")
    make.update_article("anti-inflammatory-diet", slug="eating-well")
    assert anchors(client, "source") == [(TEMPLATE.format(slug="eating-well"), "diet")]
    # Saving the source again (its Markdown still names the old slug) keeps the link too.
    make.update_article("source", body_markdown="[[anti-inflammatory-diet|diet]] again")
    assert anchors(client, "source") == [(TEMPLATE.format(slug="eating-well"), "diet")]
    # A new article taking the old slug does not steal the link.
    make.article(slug="anti-inflammatory-diet")
    assert anchors(client, "source") == [(TEMPLATE.format(slug="eating-well"), "diet")]


def test_link_written_before_its_target_exists_resolves_once_it_does(client, make):
    make.article(slug="source", body_markdown="[Later](/articles/later)")
    assert "<a" not in body_of(client, "source")
    make.article(slug="later")
    assert anchors(client, "source") == [(TEMPLATE.format(slug="later"), "Later")]


@pytest.mark.parametrize(
    "markdown",
    [
        "<!--careleaf:link x-->[x](/articles/x)<!--/careleaf:link-->",
        '<a title="<!--careleaf:link x-->" href="/articles/x">y</a>',
        '<a href="/articles/x" title="&quot;><script>alert(1)</script>">y</a>',
        "[<script>alert(1)</script>](/articles/x)",
        "[[x|<img src=z onerror=alert(1)>]]",
        '[x](/articles/x "\\" onmouseover=\\"alert(1)")',
    ],
)
def test_markers_cannot_be_forged_and_nothing_executable_survives(client, make, markdown):
    make.article(slug="x", title='Title <b onclick="alert(1)"> & "quotes"')
    make.article(slug="source", body_markdown=markdown)
    body = body_of(client, "source")
    tags = " ".join(re.findall(r"<[^>]*>", body)).lower()
    for marker in ("<script", "onerror", "onclick", "onmouseover", "<img", "<!--", "<b "):
        assert marker not in tags, body


def test_target_title_is_escaped(client, make):
    make.article(slug="x", title="Salt <b>&</b> pepper")
    make.article(slug="source", body_markdown="[[x]]")
    assert anchors(client, "source") == [
        (TEMPLATE.format(slug="x"), "Salt &lt;b&gt;&amp;&lt;/b&gt; pepper")
    ]


def test_raw_html_internal_anchor_is_an_internal_link(client, make, diet):
    make.article(
        slug="source", body_markdown='<p><a href="/articles/anti-inflammatory-diet">d</a></p>'
    )
    assert anchors(client, "source") == [(TEMPLATE.format(slug="anti-inflammatory-diet"), "d")]


def test_article_read_costs_one_query_more_whatever_the_number_of_links(
    client, make, count_queries
):
    counts = []
    for size in (1, 12):
        targets = [make.article().slug for _ in range(size)]
        body = " ".join(f"[[{slug}]]" for slug in targets)
        slug = make.article(body_markdown=body).slug
        with count_queries() as counter:
            response = client.get(f"/api/v1/articles/{slug}")
        assert response.get_json()["body_html"].count("<a href=") == size
        counts.append(counter.count)
    assert counts[0] == counts[1] == 4, (
        counts
    )  # + 1: the content validator of HTTP caching (api/caching)


def test_backlinks_list_public_sources_only(client, make, diet, count_queries):
    assert client.get("/api/v1/articles/anti-inflammatory-diet/backlinks").get_json() == []
    counts = []
    for batch in (1, 8):
        for _ in range(batch):
            make.article(body_markdown="[[anti-inflammatory-diet]]")
        with count_queries() as counter:
            listed = client.get("/api/v1/articles/anti-inflammatory-diet/backlinks").get_json()
        counts.append(counter.count)
    assert len(listed) == 9 and counts[0] == counts[1] <= 5, (
        counts
    )  # + 1: the content validator of HTTP caching (api/caching)
    make.article(
        slug="draft-source", status=ArticleStatus.DRAFT, body_markdown="[[anti-inflammatory-diet]]"
    )
    make.update_article("anti-inflammatory-diet", body_markdown="[[anti-inflammatory-diet]] self")
    slugs = [
        a["slug"]
        for a in client.get("/api/v1/articles/anti-inflammatory-diet/backlinks").get_json()
    ]
    assert "draft-source" not in slugs and "anti-inflammatory-diet" not in slugs
    make.update_article("anti-inflammatory-diet", status=ArticleStatus.DRAFT)
    assert client.get("/api/v1/articles/anti-inflammatory-diet/backlinks").status_code == 404
    assert client.get("/api/v1/articles/nope/backlinks").status_code == 404


def test_link_report_is_for_editors(app, client):
    assert client.get("/api/v1/link-report").status_code == 401
    writer = staff_headers(app, Role.WRITER)
    assert client.get("/api/v1/link-report", headers=writer).status_code == 403
    editor = staff_headers(app, Role.EDITOR)
    assert client.get("/api/v1/link-report", headers=editor).get_json() == []


def test_link_report_lists_links_the_public_sees_as_plain_text(
    app, client, make, db_session, frozen_clock, count_queries
):
    make.article(slug="live")
    make.article(slug="drafty", status=ArticleStatus.DRAFT)
    make.article(slug="later", published_at=clock.now() + dt.timedelta(days=1))
    make.article(slug="gone")
    make.article(
        slug="source",
        body_markdown="[[live]] [[drafty]] [[later]] [[gone]] [[never-written]]",
    )
    with db_session.begin():
        db_session.delete(db_session.scalar(select(Article).where(Article.slug == "gone")))
    editor = staff_headers(app, Role.EDITOR)
    with count_queries() as counter:
        report = client.get("/api/v1/link-report", headers=editor).get_json()
    assert counter.count <= 4
    problems = {item["written_slug"]: item["problem"] for item in report}
    assert problems == {
        "drafty": "draft",
        "later": "scheduled",
        "gone": "missing",
        "never-written": "missing",
    }
    drafty = next(item for item in report if item["written_slug"] == "drafty")
    assert drafty["source"]["slug"] == "source" and drafty["target"]["status"] == "draft"
    assert next(i for i in report if i["written_slug"] == "gone")["target"] is None

"""Feeds (RSS 2.0, Atom, JSON Feed) and the sitemap: parsed as their consumers parse them."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import feedparser
import pytest

from tests.support.staff import problem

ARTICLE_URL = "https://clinic.example/learn/{slug}"
TOPIC_URL = "https://clinic.example/topics/{slug}"
HOSTILE = 'Pain & "relief" <script>alert(1)</script> ]]> \x0b done'


@pytest.fixture
def library(make, frozen_clock):
    make.author(slug="jane-doe", name="Jane Doe", website_url="https://jane.example/")
    make.topic(slug="back-pain", name="Back pain")
    make.topic(slug="posture", name="Posture", parent="back-pain")
    make.topic(slug="diet", name="Diet")
    now = frozen_clock()
    make.article(slug="old", topics=["diet"], published_at=now - dt.timedelta(days=9))
    make.article(
        slug="sitting",
        title=HOSTILE,
        author="jane-doe",
        topics=["posture"],
        summary="Sit well.",
        body_markdown="See [[old]] and [[secret]].",
        published_at=now - dt.timedelta(days=1),
    )
    make.article(slug="secret", status="draft", published_at=None, topics=["posture"])
    make.article(slug="future", topics=["posture"], published_at=now + dt.timedelta(days=1))


def parse(client, url: str, content_type: str) -> feedparser.FeedParserDict:
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == content_type
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.bozo_exception
    return feed


@pytest.mark.parametrize(
    "url, content_type",
    [
        ("/feeds/articles.rss", "application/rss+xml"),
        ("/feeds/articles.atom", "application/atom+xml"),
    ],
)
def test_xml_feeds_list_the_public_articles_newest_first(client, library, url, content_type):
    feed = parse(client, url, content_type)
    ET.fromstring(client.get(url).data)  # well-formed for a strict XML parser too
    assert feed.feed.title == "Careleaf patient education"
    assert [entry.link for entry in feed.entries] == [
        ARTICLE_URL.format(slug="sitting"),
        ARTICLE_URL.format(slug="old"),
    ]
    sitting = feed.entries[0]
    assert sitting.title == HOSTILE.replace("\x0b", "")  # escaped, not interpreted
    assert sitting.author == "Jane Doe"
    assert [tag.term for tag in sitting.tags] == ["Posture"]
    assert sitting.published_parsed[:3] == (2026, 1, 14)
    assert sitting.id.startswith("tag:clinic.example,2026:article-")
    body = sitting.content[0].value
    # feedparser drops data attributes from what it parses: the href is what a reader follows.
    assert f'<a href="{ARTICLE_URL.format(slug="old")}">' in body  # a public target: a link
    assert ARTICLE_URL.format(slug="secret") not in body  # a draft: plain text
    assert sitting.summary == "Sit well."


def test_internal_links_read_as_the_public_sees_them(client, library):
    body = client.get("/feeds/articles.json").get_json()["items"][0]["content_html"]
    old = ARTICLE_URL.format(slug="old")
    assert f'<a href="{old}" data-article-slug="old">' in body
    assert "Secret" in body and ARTICLE_URL.format(slug="secret") not in body


def test_json_feed(client, library):
    response = client.get("/feeds/articles.json")
    assert response.mimetype == "application/feed+json"
    feed = response.get_json()
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"].endswith("/feeds/articles.json")
    first = feed["items"][0]
    assert first["title"] == HOSTILE and first["url"] == ARTICLE_URL.format(slug="sitting")
    assert first["authors"] == [{"name": "Jane Doe", "url": "https://jane.example/"}]
    assert first["date_published"] == "2026-01-14T09:00:00Z" and first["tags"] == ["Posture"]
    # feedparser 6.0 reads no JSON Feed: check what the 1.1 spec requires of every item.
    for item in feed["items"]:
        assert isinstance(item["id"], str) and item["content_html"]
        dt.datetime.fromisoformat(item["date_published"])


def test_topic_feeds_include_descendant_topics(client, library):
    for url, content_type in (
        ("/feeds/topics/back-pain.rss", "application/rss+xml"),
        ("/feeds/topics/back-pain.atom", "application/atom+xml"),
    ):
        feed = parse(client, url, content_type)
        assert feed.feed.title == "Careleaf patient education: Back pain"
        assert [entry.link for entry in feed.entries] == [ARTICLE_URL.format(slug="sitting")]
    diet = parse(client, "/feeds/topics/diet.rss", "application/rss+xml")
    assert [entry.link for entry in diet.entries] == [ARTICLE_URL.format(slug="old")]
    problem(client.get("/feeds/topics/nope.rss"), 404)


def test_feed_size_and_urls_are_configurable(make_app, library):
    client = make_app(
        FEED_SIZE=1, ARTICLE_URL_TEMPLATE="https://site.example/a/{slug}", FEED_TITLE="Clinic"
    ).test_client()
    feed = parse(client, "/feeds/articles.atom", "application/atom+xml")
    assert feed.feed.title == "Clinic"
    assert [entry.link for entry in feed.entries] == ["https://site.example/a/sitting"]


def test_sitemap_lists_public_articles_and_topics(client, library):
    response = client.get("/sitemap.xml")
    assert response.mimetype == "application/xml"
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.fromstring(response.data)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    urls = {
        url.findtext("s:loc", namespaces=namespace): url.findtext("s:lastmod", namespaces=namespace)
        for url in root.findall("s:url", namespace)
    }
    assert set(urls) == {
        ARTICLE_URL.format(slug="sitting"),
        ARTICLE_URL.format(slug="old"),
        *(TOPIC_URL.format(slug=slug) for slug in ("back-pain", "posture", "diet")),
    }
    assert urls[ARTICLE_URL.format(slug="sitting")] == "2026-01-15T09:00:00Z"


def test_an_empty_library_still_gives_valid_documents(client):
    assert parse(client, "/feeds/articles.atom", "application/atom+xml").entries == []
    assert parse(client, "/feeds/articles.rss", "application/rss+xml").entries == []
    assert ET.fromstring(client.get("/sitemap.xml").data).findall("*") == []


@pytest.mark.parametrize(
    "url",
    [
        "/feeds/articles.rss",
        "/feeds/articles.atom",
        "/feeds/articles.json",
        "/feeds/topics/back-pain.rss",
        "/sitemap.xml",
    ],
)
def test_feeds_cost_constant_queries(client, make, count_queries, url):
    make.topic(slug="back-pain")
    counts = []
    previous = None
    for batch in (2, 12):
        for _ in range(batch):
            body = f"[[{previous}]] and [[missing]]" if previous else "Plain."
            previous = make.article(topics=["back-pain"], body_markdown=body).slug
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        counts.append(counter.count)
    # validator, articles with authors, their topics, their links (a topic feed: + topic)
    assert counts[0] == counts[1] <= 5, counts

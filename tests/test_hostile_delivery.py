"""The whole XSS corpus through every delivery view that serves article text.

`hostile_store` publishes one article per vector of tests/support/xss.py (tests/support/hostile.py).
Each view must serve every one of them, and nothing executable: feeds (RSS `description` and
`content:encoded`, Atom `summary`/`content`, JSON Feed `content_html`), search snippets,
JSON-LD (`json_ld_script` wherever an article is served whole), offline bundles, the sitemap and
the changes feed. Related articles and backlinks are read in tests/test_hostile_content.py.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

from flask.testing import FlaskClient

from tests.support.hostile import TOPIC, check_served
from tests.support.xss import FORBIDDEN_ELEMENTS, VECTORS, assert_inert

RSS_CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
ATOM = "{http://www.w3.org/2005/Atom}"
# Words of the vectors, so that snippets are cut around hostile text, plus one every body holds.
# Elements no feed or sitemap of ours holds (`link` is a feed element of RSS and Atom).
IN_NO_FEED = FORBIDDEN_ELEMENTS - {"link"}
SEARCHES = ["alert", "javascript", "onerror", "script", "svg", "style", "page"]


def test_every_delivery_view_serves_the_whole_corpus_inert(make_app: Any, hostile_store: int):
    # One test, one hostile library (building it is most of the cost); each check names its view.
    delivery = make_app(FEED_SIZE=len(VECTORS) + 10, CHANGES_SAFETY_LAG_SECONDS=0).test_client()
    for url in ("/feeds/articles.rss", f"/feeds/topics/{TOPIC}.rss"):
        check_rss(delivery, url)
    for url in ("/feeds/articles.atom", f"/feeds/topics/{TOPIC}.atom"):
        check_atom(delivery, url)
    check_json_feed(delivery)
    check_search_snippets(delivery)
    for url in ("/api/v1/bundles/all", f"/api/v1/bundles/topics/{TOPIC}"):
        check_bundle(delivery, url)
    check_json_ld_of_every_detail(delivery)
    check_sitemap(delivery)
    check_changes_feed(delivery)


def xml_tree(client: FlaskClient, url: str) -> ET.Element:
    """The parsed document (so: well-formed), with no element a hostile title could open."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.get_data(as_text=True))
    root = ET.fromstring(response.data)
    opened = {node.tag.rsplit("}", 1)[-1] for node in root.iter()} & IN_NO_FEED
    assert not opened, (url, opened)
    return root


def html_fields(root: ET.Element, *tags: str) -> list[str]:
    return [node.text or "" for tag in tags for node in root.iter(tag)]


def check_rss(delivery: FlaskClient, url: str) -> None:
    root = xml_tree(delivery, url)
    assert len(root.findall("./channel/item")) == len(VECTORS)
    bodies = html_fields(root, RSS_CONTENT)
    assert len(bodies) == len(VECTORS)
    for html in bodies + html_fields(root, "description"):
        assert_inert(html, f"{url} item")


def check_atom(delivery: FlaskClient, url: str) -> None:
    root = xml_tree(delivery, url)
    contents = root.findall(f"./{ATOM}entry/{ATOM}content")
    assert len(contents) == len(VECTORS)
    # Readers render type="html" as HTML and show type="text" (titles, summaries) as text.
    typed = [node for node in root.iter() if node.get("type") in ("html", "xhtml")]
    assert typed and all(node.tag == f"{ATOM}content" for node in typed), [n.tag for n in typed]
    for node in typed:
        assert_inert(node.text or "", f"{url} entry content")
    summaries = root.findall(f"./{ATOM}entry/{ATOM}summary")
    assert {node.get("type") for node in summaries} == {"text"}


def check_json_feed(delivery: FlaskClient) -> None:
    response = delivery.get("/feeds/articles.json")
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert len(items) == len(VECTORS)
    assert check_served(items, "/feeds/articles.json") >= len(VECTORS)


def check_search_snippets(delivery: FlaskClient) -> None:
    snippets = 0
    for query in SEARCHES:
        page = 1
        while page:
            response = delivery.get("/api/v1/search", query_string={"q": query, "page": page})
            assert response.status_code == 200, (query, response.get_json())
            for hit in response.get_json()["articles"]:
                assert_inert(hit["snippet"], f"search {query!r} snippet of {hit['slug']}")
                snippets += 1
            page = _next_page(response)
    assert snippets >= len(VECTORS)  # "page" alone is in every body


def _next_page(response: Any) -> int | None:
    return json.loads(response.headers["X-Pagination"]).get("next_page")


def check_bundle(delivery: FlaskClient, url: str) -> None:
    response = delivery.get(url)
    assert response.status_code == 200
    bundle = response.get_json()
    assert len(bundle["articles"]) == len(VECTORS)
    # body_html, toc entries and json_ld_script of every article, the bio, the description
    assert check_served(bundle, url) >= 3 * len(VECTORS)


def check_json_ld_of_every_detail(delivery: FlaskClient) -> None:
    for number in range(len(VECTORS)):
        article = delivery.get(f"/api/v1/articles/xss-{number}").get_json()
        assert "json_ld_script" in article
        check_served(article, f"xss-{number}")


def check_sitemap(delivery: FlaskClient) -> None:
    root = xml_tree(delivery, "/sitemap.xml")
    locations = {
        node.text for node in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    }
    assert all(any(loc.endswith(f"/xss-{n}") for loc in locations) for n in range(len(VECTORS)))


def check_changes_feed(delivery: FlaskClient) -> None:
    events, cursor = [], None
    while True:
        query = {"limit": 500, **({"since": cursor} if cursor else {})}
        page = delivery.get("/api/v1/changes", query_string=query).get_json()
        events += page["events"]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    published = {e["slug"] for e in events if e["object"] == "article"}
    assert published >= {f"xss-{n}" for n in range(len(VECTORS))}
    check_served(events, "/api/v1/changes")
    for event in events:
        for value in event.values():
            assert not isinstance(value, str) or "<" not in value, event

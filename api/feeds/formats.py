"""The feed documents, built with ElementTree (XML) and json (JSON Feed): everything escaped.

Text that XML 1.0 cannot carry at all (control characters) is dropped rather than escaped,
so a stray character in a title never makes a feed unparseable.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.utils import format_datetime

from api.core.xml_documents import EPOCH, add_element, rfc3339

ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"

# Atom and sitemap documents declare their namespace as the default one (`xmlns=`) with
# plain tag names; RSS uses these prefixes for its extension elements.
ET.register_namespace("atom", ATOM)
ET.register_namespace("content", CONTENT)
ET.register_namespace("dc", DC)


@dataclass(frozen=True)
class Entry:
    id: str
    url: str
    title: str
    summary: str
    content_html: str
    published: dt.datetime
    updated: dt.datetime
    author: str
    author_url: str | None
    language: str
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Feed:
    id: str
    title: str
    description: str
    home_url: str
    self_url: str
    entries: list[Entry] = field(default_factory=list)

    @property
    def updated(self) -> dt.datetime:
        return max((entry.updated for entry in self.entries), default=EPOCH)


def _xml(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _rfc822(moment: dt.datetime) -> str:
    return format_datetime(moment.astimezone(dt.UTC), usegmt=True)


def _as_html(text: str) -> str:
    """Plain text for an RSS `description`: readers render it as HTML, so markup in a summary
    (`<script>` in a title or summary is allowed text) must arrive escaped, as text."""
    return html.escape(text, quote=False)


def rss(feed: Feed) -> bytes:
    """RSS 2.0 with the full body in content:encoded and the author in dc:creator."""
    root = ET.Element("rss", version="2.0")
    channel = add_element(root, "channel")
    add_element(channel, "title", feed.title)
    add_element(channel, "link", feed.home_url)
    add_element(channel, "description", _as_html(feed.description))
    add_element(channel, "lastBuildDate", _rfc822(feed.updated))
    add_element(
        channel, f"{{{ATOM}}}link", href=feed.self_url, rel="self", type="application/rss+xml"
    )
    for entry in feed.entries:
        item = add_element(channel, "item")
        add_element(item, "title", entry.title)
        add_element(item, "link", entry.url)
        add_element(item, "guid", entry.id, isPermaLink="false")
        add_element(item, "description", _as_html(entry.summary))
        add_element(item, f"{{{CONTENT}}}encoded", entry.content_html)
        add_element(item, "pubDate", _rfc822(entry.published))
        add_element(item, f"{{{DC}}}creator", entry.author)
        for category in entry.categories:
            add_element(item, "category", category)
    return _xml(root)


def atom(feed: Feed) -> bytes:
    """Atom 1.0 (RFC 4287)."""
    root = ET.Element("feed", xmlns=ATOM)
    add_element(root, "id", feed.id)
    add_element(root, "title", feed.title)
    add_element(root, "subtitle", feed.description)
    add_element(root, "updated", rfc3339(feed.updated))
    add_element(root, "link", href=feed.home_url, rel="alternate", type="text/html")
    add_element(root, "link", href=feed.self_url, rel="self", type="application/atom+xml")
    for entry in feed.entries:
        node = add_element(root, "entry")
        add_element(node, "id", entry.id)
        add_element(node, "title", entry.title, type="text")
        add_element(node, "link", href=entry.url, rel="alternate", type="text/html")
        add_element(node, "published", rfc3339(entry.published))
        add_element(node, "updated", rfc3339(entry.updated))
        author = add_element(node, "author")
        add_element(author, "name", entry.author)
        if entry.author_url:
            add_element(author, "uri", entry.author_url)
        add_element(node, "summary", entry.summary, type="text")
        add_element(node, "content", entry.content_html, type="html")
        for category in entry.categories:
            add_element(node, "category", term=category)
    return _xml(root)


def json_feed(feed: Feed) -> bytes:
    """JSON Feed 1.1."""
    document = {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "description": feed.description,
        "home_page_url": feed.home_url,
        "feed_url": feed.self_url,
        "items": [
            {
                "id": entry.id,
                "url": entry.url,
                "title": entry.title,
                "summary": entry.summary,
                "content_html": entry.content_html,
                "date_published": rfc3339(entry.published),
                "date_modified": rfc3339(entry.updated),
                "authors": [
                    {
                        "name": entry.author,
                        **({"url": entry.author_url} if entry.author_url else {}),
                    }
                ],
                "tags": list(entry.categories),
                "language": entry.language,
            }
            for entry in feed.entries
        ],
    }
    return json.dumps(document, ensure_ascii=False).encode()


def sitemap(urls: Iterable[tuple[str, dt.datetime]]) -> bytes:
    """A sitemaps.org urlset with each page's last modification."""
    root = ET.Element("urlset", xmlns=SITEMAP)
    for loc, lastmod in urls:
        url = add_element(root, "url")
        add_element(url, "loc", loc)
        add_element(url, "lastmod", rfc3339(lastmod))
    return _xml(root)

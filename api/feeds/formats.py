"""The feed documents, built with ElementTree (XML) and json (JSON Feed): everything escaped.

Text that XML 1.0 cannot carry at all (control characters) is dropped rather than escaped,
so a stray character in a title never makes a feed unparseable.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.utils import format_datetime

ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

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


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {name: _clean(value) for name, value in attrib.items()})
    if text is not None:
        element.text = _clean(text)
    return element


def _xml(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _rfc3339(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _rfc822(moment: dt.datetime) -> str:
    return format_datetime(moment.astimezone(dt.UTC), usegmt=True)


def _as_html(text: str) -> str:
    """Plain text for an RSS `description`: readers render it as HTML, so markup in a summary
    (`<script>` in a title or summary is allowed text) must arrive escaped, as text."""
    return html.escape(text, quote=False)


def rss(feed: Feed) -> bytes:
    """RSS 2.0 with the full body in content:encoded and the author in dc:creator."""
    root = ET.Element("rss", version="2.0")
    channel = _add(root, "channel")
    _add(channel, "title", feed.title)
    _add(channel, "link", feed.home_url)
    _add(channel, "description", _as_html(feed.description))
    _add(channel, "lastBuildDate", _rfc822(feed.updated))
    _add(channel, f"{{{ATOM}}}link", href=feed.self_url, rel="self", type="application/rss+xml")
    for entry in feed.entries:
        item = _add(channel, "item")
        _add(item, "title", entry.title)
        _add(item, "link", entry.url)
        _add(item, "guid", entry.id, isPermaLink="false")
        _add(item, "description", _as_html(entry.summary))
        _add(item, f"{{{CONTENT}}}encoded", entry.content_html)
        _add(item, "pubDate", _rfc822(entry.published))
        _add(item, f"{{{DC}}}creator", entry.author)
        for category in entry.categories:
            _add(item, "category", category)
    return _xml(root)


def atom(feed: Feed) -> bytes:
    """Atom 1.0 (RFC 4287)."""
    root = ET.Element("feed", xmlns=ATOM)
    _add(root, "id", feed.id)
    _add(root, "title", feed.title)
    _add(root, "subtitle", feed.description)
    _add(root, "updated", _rfc3339(feed.updated))
    _add(root, "link", href=feed.home_url, rel="alternate", type="text/html")
    _add(root, "link", href=feed.self_url, rel="self", type="application/atom+xml")
    for entry in feed.entries:
        node = _add(root, "entry")
        _add(node, "id", entry.id)
        _add(node, "title", entry.title, type="text")
        _add(node, "link", href=entry.url, rel="alternate", type="text/html")
        _add(node, "published", _rfc3339(entry.published))
        _add(node, "updated", _rfc3339(entry.updated))
        author = _add(node, "author")
        _add(author, "name", entry.author)
        if entry.author_url:
            _add(author, "uri", entry.author_url)
        _add(node, "summary", entry.summary, type="text")
        _add(node, "content", entry.content_html, type="html")
        for category in entry.categories:
            _add(node, "category", term=category)
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
                "date_published": _rfc3339(entry.published),
                "date_modified": _rfc3339(entry.updated),
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
        url = _add(root, "url")
        _add(url, "loc", loc)
        _add(url, "lastmod", _rfc3339(lastmod))
    return _xml(root)

"""The knowledge response as an Atom feed or its JSON form, shaped as the HL7 Infobutton
service-oriented implementation guide shows them (and MedlinePlus Connect answers them): the
request's parameters echoed as `category` elements (scheme = parameter name, term = value),
one entry per topic and per article, each linking to its page on the clinic site.

JSON follows the guide's Atom-to-JSON mapping: element text in `_value`, attributes as keys.
"""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from flask import current_app

from api.articles.models import Article
from api.core.site import site_url
from api.core.xml_documents import EPOCH, add_element, rfc3339, xml_text
from api.feeds.documents import tag_uri
from api.infobutton.services import KnowledgeResponse
from api.topics.models import Topic

ATOM_NS = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Characters XML 1.0 cannot carry at all: dropped, so that no title breaks the document.


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    url: str
    language: str
    updated: dt.datetime
    summary: str
    summary_type: str  # "text" or "html" (Atom text constructs)
    categories: list[tuple[str, str]]


def _topic_entry(topic: Topic, response: KnowledgeResponse) -> Entry:
    system = response.match.system
    summary = topic.description_html
    if topic.synonyms:
        # "Also called", as MedlinePlus Connect lists a topic's synonyms.
        also = ", ".join(topic.synonyms)
        summary += f'<p class="also-called">Also called: {_escape_html(also)}</p>'
    return Entry(
        id=tag_uri(f"topic-{topic.id}"),
        title=topic.name,
        url=current_app.config["TOPIC_URL_TEMPLATE"].format(slug=topic.slug),
        language=response.language or "en",
        updated=topic.updated_at,
        summary=summary,
        summary_type="html",
        categories=[
            ("mainSearchCriteria.v.c", topic.codes.get(system.key, "")),
            ("mainSearchCriteria.v.cs", system.oid),
            ("mainSearchCriteria.v.dn", topic.name),
        ],
    )


def _article_entry(article: Article) -> Entry:
    published = article.published_at or article.updated_at
    return Entry(
        id=tag_uri(f"article-{article.id}"),
        title=article.title,
        url=current_app.config["ARTICLE_URL_TEMPLATE"].format(slug=article.slug),
        language=article.language,
        updated=max(published, article.updated_at),
        summary=article.meta_description or article.summary,
        summary_type="text",
        categories=[],
    )


def _escape_html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _entries(response: KnowledgeResponse) -> list[Entry]:
    topics = [_topic_entry(topic, response) for topic in response.topics]
    return topics + [_article_entry(article) for article in response.articles]


def _feed_fields(response: KnowledgeResponse) -> dict[str, Any]:
    match = response.match
    entries = _entries(response)
    subtitle = f"{match.system.label} {match.code}"
    if match.matched_code and match.matched_code != match.code:
        subtitle += f" (matched {match.matched_code})"
    return {
        "id": tag_uri(f"infobutton-{match.system.key}-{match.code}"),
        "title": current_app.config["FEED_TITLE"],
        "subtitle": subtitle,
        "author": current_app.config["FEED_TITLE"],
        "author_uri": site_url(),
        "language": response.language or "en",
        "updated": max((entry.updated for entry in entries), default=EPOCH),
        "categories": response.categories,
        "entries": entries,
    }


def atom(response: KnowledgeResponse) -> bytes:
    """The Atom 1.0 knowledge response."""
    feed = _feed_fields(response)
    root = ET.Element("feed", {"xmlns": ATOM_NS, XML_LANG: xml_text(feed["language"])})
    add_element(root, "title", feed["title"], type="text")
    add_element(root, "subtitle", feed["subtitle"], type="text")
    author = add_element(root, "author")
    add_element(author, "name", feed["author"])
    add_element(author, "uri", feed["author_uri"])
    add_element(root, "updated", rfc3339(feed["updated"]))
    for scheme, term in feed["categories"]:
        add_element(root, "category", scheme=scheme, term=term)
    add_element(root, "id", feed["id"])
    for entry in feed["entries"]:
        element = add_element(root, "entry", **{XML_LANG: entry.language})
        add_element(element, "title", entry.title, type="text")
        add_element(
            element, "link", href=entry.url, rel="alternate", type="html",
            hreflang=entry.language, title=entry.title,
        )  # fmt: skip
        add_element(element, "id", entry.id)
        add_element(element, "updated", rfc3339(entry.updated))
        add_element(element, "summary", entry.summary, type=entry.summary_type)
        for scheme, term in entry.categories:
            add_element(element, "category", scheme=scheme, term=term)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def as_json(response: KnowledgeResponse) -> bytes:
    """The same feed in the guide's JSON form: `{"feed": {..., "entry": [...]}}`."""
    feed = _feed_fields(response)

    def categories(pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
        return [{"scheme": scheme, "term": term} for scheme, term in pairs]

    document = {
        "feed": {
            "lang": feed["language"],
            "title": {"_value": feed["title"], "type": "text"},
            "subtitle": {"_value": feed["subtitle"], "type": "text"},
            "author": {"name": {"_value": feed["author"]}, "uri": {"_value": feed["author_uri"]}},
            "updated": {"_value": rfc3339(feed["updated"])},
            "category": categories(feed["categories"]),
            "id": {"_value": feed["id"]},
            "entry": [
                {
                    "lang": entry.language,
                    "title": {"_value": entry.title, "type": "text"},
                    "link": [
                        {
                            "href": entry.url,
                            "rel": "alternate",
                            "type": "html",
                            "hreflang": entry.language,
                            "title": entry.title,
                        }
                    ],
                    "id": {"_value": entry.id},
                    "updated": {"_value": rfc3339(entry.updated)},
                    "summary": {"_value": entry.summary, "type": entry.summary_type},
                    "category": categories(entry.categories),
                }
                for entry in feed["entries"]
            ],
        }
    }
    return json.dumps(document).encode()

"""An article as a schema.org MedicalWebPage, and its safe form for an HTML script tag.

`json_ld` is the object; `json_ld_script` is the same object serialized so that it can be
pasted verbatim between `<script type="application/ld+json">` and `</script>`: `<`, `>` and `&`
are escaped as `\\u003c`, `\\u003e`, `\\u0026` (no `</script>` or `<!--` can appear), and so
are U+2028 and U+2029 (line terminators for older JavaScript parsers). JSON parsers read the
escaped text back to the very same object.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from flask import current_app

from api.articles.media import feature_image_json
from api.articles.models import Article
from api.authors.models import Author, AuthorKind
from api.topics.models import Topic
from api.users.models import User

CONTEXT = "https://schema.org"
# Topic code systems by their exact names (the `codes` keys are short API names for them).
CODING_SYSTEMS = {"icd10": "ICD-10-CM", "snomed": "SNOMED CT", "mesh": "MeSH"}
_SCRIPT_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def _url(slug: str) -> str:
    return current_app.config["ARTICLE_URL_TEMPLATE"].format(slug=slug)


def _date(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if moment else None


def _compact(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if value not in (None, "", [])}


def _topic(topic: Topic) -> dict[str, Any]:
    """A diagnosis code makes a topic a MedicalCondition; other codes a MedicalEntity."""
    codes = [
        {"@type": "MedicalCode", "codeValue": value, "codingSystem": CODING_SYSTEMS.get(key, key)}
        for key, value in sorted((topic.codes or {}).items())
        if value
    ]
    kind = "Thing"
    if codes:
        kind = "MedicalCondition" if "icd10" in (topic.codes or {}) else "MedicalEntity"
    return _compact(
        {
            "@type": kind,
            "name": topic.name,
            "url": current_app.config["TOPIC_URL_TEMPLATE"].format(slug=topic.slug),
            "alternateName": list(topic.synonyms or []),
            "code": codes,
        }
    )


def _author(author: Author) -> dict[str, Any]:
    if author.kind is AuthorKind.ORGANIZATION:
        return _compact({"@type": "Organization", "name": author.name, "url": author.website_url})
    return _compact(
        {
            "@type": "Person",
            "name": author.name,
            "honorificSuffix": author.credentials,
            "jobTitle": author.job_title,
            "url": author.website_url,
            "image": author.avatar_url,
            "affiliation": {"@type": "Organization", "name": author.organization}
            if author.organization
            else None,
        }
    )


def _reviewer(user: User | None) -> dict[str, Any] | None:
    """The medical reviewer as a Person whose qualification is a credential."""
    if user is None:
        return None
    credential = (
        {"@type": "EducationalOccupationalCredential", "name": user.credentials}
        if user.credentials
        else None
    )
    return _compact(
        {
            "@type": "Person",
            "name": user.name,
            "jobTitle": user.credentials,
            "hasCredential": credential,
        }
    )


def _day(moment: dt.datetime | None) -> str | None:
    """schema.org lastReviewed is a Date: the UTC calendar day."""
    return moment.astimezone(dt.UTC).date().isoformat() if moment else None


def _pillar(article: Article) -> dict[str, Any] | None:
    """The hub page of the first of the article's topics whose pillar is public (not itself)."""
    for topic in article.topics:
        slug = getattr(topic, "pillar_slug", None)
        if slug and slug != article.slug:
            return {"@type": "WebPage", "url": _url(slug)}
    return None


# schema.org: Patient and Clinician are MedicalAudienceType values (MedicalAudience); carers
# and parents are people, not a medical audience type (PeopleAudience, free-text audienceType).
AUDIENCE_TYPES = {
    "patient": ("MedicalAudience", "Patient"),
    "clinician": ("MedicalAudience", "Clinician"),
    "caregiver": ("PeopleAudience", "Caregiver"),
    "parent": ("PeopleAudience", "Parent"),
}


def _audience(audience: str) -> dict[str, str]:
    kind, audience_type = AUDIENCE_TYPES.get(audience, AUDIENCE_TYPES["patient"])
    return {"@type": kind, "audienceType": audience_type}


def _identifiers(reference: dict[str, Any]) -> list[dict[str, str]]:
    kinds = (("doi", "DOI"), ("pmid", "PMID"))
    return [
        {"@type": "PropertyValue", "propertyID": label, "value": reference[name]}
        for name, label in kinds
        if reference.get(name)
    ]


def _citation(reference: dict[str, Any]) -> dict[str, Any]:
    """A cited reference: a ScholarlyArticle when it has a DOI or PubMed id, else a
    CreativeWork; `url` its first link (DOI, PubMed, web page), `sameAs` the others."""
    links = [reference.get(name) for name in ("doi_url", "pubmed_url", "url")]
    links = [link for link in links if link]
    scholarly = bool(reference.get("doi") or reference.get("pmid"))
    journal, publisher = reference.get("journal"), reference.get("publisher")
    return _compact(
        {
            "@type": "ScholarlyArticle" if scholarly else "CreativeWork",
            "name": reference["title"],
            "author": [{"@type": "Person", "name": name} for name in reference.get("authors", [])],
            "datePublished": str(reference["year"]) if reference.get("year") else None,
            "isPartOf": {"@type": "Periodical", "name": journal} if journal else None,
            "publisher": {"@type": "Organization", "name": publisher} if publisher else None,
            "url": links[0] if links else None,
            "sameAs": links[1:],
            "identifier": _identifiers(reference),
        }
    )


def _image(article: Any) -> str | None:
    """The feature image's URL: the media item's when the article has one, else the legacy URL."""
    image = feature_image_json(article)
    return image["url"] if image is not None else article.feature_image_url


def medical_web_page(article: Article) -> dict[str, Any]:
    """The article as a schema.org MedicalWebPage (keys without a value are left out)."""
    url = _url(article.slug)
    return _compact(
        {
            "@context": CONTEXT,
            "@type": "MedicalWebPage",
            "@id": url,
            "url": url,
            "mainEntityOfPage": url,
            "headline": article.title,
            "name": article.title,
            "description": article.meta_description or article.summary,
            "inLanguage": article.language,
            "image": _image(article),
            "about": [_topic(topic) for topic in article.topics],
            "author": _author(article.author),
            "reviewedBy": _reviewer(article.reviewed_by),
            "lastReviewed": _day(article.last_reviewed_at),
            "datePublished": _date(article.published_at),
            "dateModified": _date(article.updated_at),
            "audience": _audience(article.audience),
            "isPartOf": _pillar(article),
            "citation": [_citation(reference) for reference in article.cited_references or []],
        }
    )


def script_safe(document: Any) -> str:
    """JSON text that cannot end a script element or open a comment, and parses the same."""
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return "".join(_SCRIPT_ESCAPES.get(char, char) for char in text)

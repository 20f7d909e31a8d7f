"""Answer a knowledge request: the topics holding the code and their published articles."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_

from api.articles.models import Article
from api.articles.services import public_summaries
from api.core.errors import Problem
from api.extensions import db
from api.topics.codes import CodeMatch, normalize_code, system_with_oid, topics_with_code
from api.topics.models import Topic

MAX_ARTICLES = 20
# Request parameters echoed as the feed's categories, in the order the guide lists them.
ECHOED = (
    ("task", "taskContext.c.c"),
    ("code", "mainSearchCriteria.v.c"),
    ("code_system", "mainSearchCriteria.v.cs"),
    ("display_name", "mainSearchCriteria.v.dn"),
    ("original_text", "mainSearchCriteria.v.ot"),
    ("recipient", "informationRecipient"),
    ("language", "informationRecipient.languageCode.c"),
)


@dataclass
class KnowledgeResponse:
    match: CodeMatch
    language: str | None
    categories: list[tuple[str, str]]
    articles: list[Article] = field(default_factory=list)

    @property
    def topics(self) -> list[Topic]:
        return self.match.topics


def knowledge_response(request: dict[str, Any]) -> KnowledgeResponse:
    """Topics holding the requested code (ICD-10-CM: or its nearest ancestor), their articles.

    An unknown code system or a code malformed for its system is a 422 naming the parameter.
    """
    system = system_with_oid(request["code_system"])
    if system is None:
        raise Problem(
            422,
            f"Unsupported code system '{request['code_system']}': give the OID of ICD-10-CM "
            "(2.16.840.1.113883.6.90), SNOMED CT (2.16.840.1.113883.6.96) or MeSH "
            "(2.16.840.1.113883.6.177).",
            errors={"mainSearchCriteria.v.cs": ["Unsupported code system."]},
        )
    code = normalize_code(system, request["code"])
    if code is None:
        raise Problem(
            422,
            f"'{request['code']}' is not a well-formed {system.label} code.",
            errors={"mainSearchCriteria.v.c": [f"Not a well-formed {system.label} code."]},
        )
    match = topics_with_code(system, code)
    categories = [(scheme, request[name]) for name, scheme in ECHOED if request.get(name)]
    response = KnowledgeResponse(match, request.get("language"), categories)
    if match.topics:
        slugs = [topic.slug for topic in match.topics]
        response.articles = _public_articles(slugs, response.language)
    return response


def _public_articles(topic_slugs: list[str], language: str | None) -> list[Article]:
    """Newest first, under the topics or their descendants, in the language if one is asked."""
    query = public_summaries(topic=topic_slugs)
    if language is not None:
        tag = language.lower()
        # The schema allows letters, digits and hyphens only: no LIKE wildcard gets in.
        language_of = func.lower(Article.language)
        query = query.where(or_(language_of == tag, language_of.like(f"{tag}-%")))
    return list(db.session.scalars(query.limit(MAX_ARTICLES)))

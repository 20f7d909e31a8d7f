"""An article's references: the sources its claims cite, as reviewed data.

Each reference has a stable `key` (cited in the body as `[@key]`, api/articles/citations.py),
a title, its authors, a journal or publisher, a year, and at least one identifier: a DOI, a
PubMed id or a URL (a URL needs the date it was `accessed`). Writers send them as a list; the
rendered article carries the cited ones in citation order, numbered, with `doi_url` and
`pubmed_url` resolved (`cited_references`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import marshmallow as ma

from api.core.smorest import Schema
from api.core.validation import HttpUrl

KEY_PATTERN = r"[a-z0-9][a-z0-9-]*"
DOI_PATTERN = r"10\.\d{4,9}/\S+"
MAX_REFERENCES = 200


class Pmid(ma.fields.String):
    """A PubMed id: digits, given as text or (YAML, JSON) as a number; stored as text."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            value = str(value)
        return super()._deserialize(value, attr, data, **kwargs)


class IsoDate(ma.fields.Date):
    """A calendar date, kept as ISO 8601 text (references are stored as JSON)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value.isoformat()
        return super()._deserialize(value, attr, data, **kwargs).isoformat()

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> str | None:
        return value if isinstance(value, str) or value is None else value.isoformat()


def _text(maximum: int, **kwargs: Any) -> ma.fields.String:
    return ma.fields.String(validate=ma.validate.Length(min=1, max=maximum), **kwargs)


class ReferenceSchema(Schema):
    """A reference as writers send it (and as the importer reads it from front matter)."""

    key = ma.fields.String(
        required=True,
        validate=[
            ma.validate.Length(max=60),
            ma.validate.Regexp(
                f"^{KEY_PATTERN}$", error="Use lowercase letters, digits and hyphens."
            ),
        ],
        metadata={"description": "Cited in the body as `[@key]`", "example": "chou-2017"},
    )
    title = _text(500, required=True)
    authors = ma.fields.List(_text(200), load_default=list, validate=ma.validate.Length(max=100))
    journal = _text(300)
    publisher = _text(300)
    # strict: a JSON number (or YAML integer) only, as every number field of a JSON body.
    year = ma.fields.Integer(strict=True, validate=ma.validate.Range(min=1000, max=2200))
    doi = ma.fields.String(
        validate=[
            ma.validate.Length(max=300),
            ma.validate.Regexp(f"^{DOI_PATTERN}$", error="Not a DOI (10.<digits>/<suffix>)."),
        ],
        metadata={"example": "10.7326/M16-2367"},
    )
    pmid = Pmid(
        validate=[
            ma.validate.Length(max=9),
            ma.validate.Regexp(r"^[0-9]{1,9}$", error="A PubMed id is digits only."),
        ],
        metadata={"example": "28192789"},
    )
    url = HttpUrl()
    accessed = IsoDate(metadata={"description": "When the URL was read; required with `url`"})

    @ma.validates_schema
    def _identified(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if not any(data.get(name) for name in ("doi", "pmid", "url")):
            raise ma.ValidationError("Give at least one of doi, pmid or url.", field_name="doi")
        if data.get("url") and not data.get("accessed"):
            raise ma.ValidationError("Required with a url.", field_name="accessed")


class ReferenceList(ma.fields.List):
    """References with unique keys; a repeated key is an error of its item, like the others."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> list[Any]:
        references = super()._deserialize(value, attr, data, **kwargs)
        seen: set[str] = set()
        errors: dict[int, dict[str, list[str]]] = {}
        for index, reference in enumerate(references):
            if reference["key"] in seen:
                errors[index] = {"key": [f"Duplicate key '{reference['key']}'."]}
            seen.add(reference["key"])
        if errors:
            raise ma.ValidationError(errors)  # type: ignore[arg-type]
        return references


def references_field(**kwargs: Any) -> ReferenceList:
    """The `references` list of a writer's article (keys unique)."""
    return ReferenceList(
        ma.fields.Nested(ReferenceSchema),
        validate=ma.validate.Length(max=MAX_REFERENCES),
        **kwargs,
    )


class CitedReferenceSchema(ReferenceSchema):
    """A cited reference as readers get it: its number and resolved links."""

    number = ma.fields.Integer(
        dump_only=True, metadata={"description": "Its number in the text (citation order)"}
    )
    doi_url = ma.fields.String(
        dump_only=True, metadata={"example": "https://doi.org/10.7326/M16-2367"}
    )
    pubmed_url = ma.fields.String(
        dump_only=True, metadata={"example": "https://pubmed.ncbi.nlm.nih.gov/28192789/"}
    )


def doi_url(doi: str) -> str:
    return f"https://doi.org/{doi}"


def pubmed_url(pmid: str) -> str:
    return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"


def resolved(reference: dict[str, Any], number: int) -> dict[str, Any]:
    """A cited reference as stored for readers: numbered, with its identifiers as links."""
    entry = {**reference, "number": number}
    if reference.get("doi"):
        entry["doi_url"] = doi_url(reference["doi"])
    if reference.get("pmid"):
        entry["pubmed_url"] = pubmed_url(reference["pmid"])
    return entry


def unused_warnings(
    references: list[dict[str, Any]], cited: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """A warning for each reference the body never cites (it is left out of the rendered list)."""
    used = {entry["key"] for entry in cited}
    return [
        {
            "code": "reference_not_cited",
            "field": f"references[{index}]",
            "detail": f"Reference '{reference['key']}' is never cited in the body "
            f"(cite it as [@{reference['key']}]); it is not shown to readers.",
        }
        for index, reference in enumerate(references)
        if reference["key"] not in used
    ]

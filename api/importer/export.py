"""An article as the Markdown file the importer reads: front matter, then the body.

`article_source` writes the working copy (the pending revision of a published article, else
the row) with the editorial metadata of the row, so that importing the file into another
Careleaf (or this one) gives back the same article: `parse_article(article_source(a))` holds
every field the file carries. Fields without a value are left out (the importer then keeps
what is stored); `status` never appears, because an import only ever makes drafts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

from api.articles import live
from api.articles.models import Article

# The order a writer reads them in; the importer does not care.
ORDER = (
    "title",
    "slug",
    "summary",
    "author",
    "topics",
    "primary_topic",
    "language",
    "audience",
    "published_at",
    "meta_description",
    "feature_image_url",
    "feature_image_alt",
    "feature_image_id",
    "canonical_url",
    "disclaimer_markdown",
    "references",
)
REFERENCE_ORDER = (
    "key", "title", "authors", "journal", "publisher", "year", "doi", "pmid", "url", "accessed",
)  # fmt: skip


class _Dumper(yaml.SafeDumper):
    """Multi-line text as a literal block, as a writer would type it."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def _reference(reference: dict[str, Any]) -> dict[str, Any]:
    ordered = {name: reference[name] for name in REFERENCE_ORDER if name in reference}
    if not ordered.get("authors"):
        ordered.pop("authors", None)
    return ordered


def _instant(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if moment else None


def front_matter(article: Article, content: dict[str, Any]) -> dict[str, Any]:
    """The file's fields: the working `content` and the row's editorial metadata."""
    fields = {
        **content,
        "slug": article.slug,
        "published_at": _instant(article.published_at),
        "canonical_url": article.canonical_url,
        "references": [_reference(reference) for reference in content["references"] or []],
    }
    return {
        name: fields[name]
        for name in ORDER
        if fields.get(name) is not None and fields[name] != [] and name != "body_markdown"
    }


def article_source(article: Article) -> str:
    """The Markdown file of the article (UTF-8 text, front matter first)."""
    content = live.working_content(article)
    header = yaml.dump(
        front_matter(article, content),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=float("inf"),
    )
    return f"---\n{header}---\n{content['body_markdown']}"

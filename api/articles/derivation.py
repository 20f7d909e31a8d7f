"""What an article stores for its body, derived once per body change: HTML, text, table of
contents, sections, cited references, reading statistics, and its link and shared-block edges."""

from __future__ import annotations

from typing import Any

from flask import current_app

from api.articles import media
from api.articles.citations import without_references
from api.articles.models import Article
from api.articles.sections import sections_of
from api.blocks.services import live_markdown, store_includes
from api.core import readability
from api.core.markdown import html_to_text
from api.links import services as links
from api.links.rendering import RenderedBody, render_article_body


def derived_from_markdown(
    markdown: str,
    references: list[dict[str, Any]] | None = None,
    media_text: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Body HTML, text, table of contents, cited references and reading statistics of a body
    citing `references`, and the slugs of the articles it links to: what an article stores
    for it (also previews of a revision). Media figures show the alt text and captions of
    `media_text` (see api/articles/media.py)."""
    derived, rendered = _derive(markdown, references, media_text)
    return derived, rendered.link_slugs


def _derive(
    markdown: str, references: list[dict[str, Any]] | None, media_text: dict[str, Any] | None
) -> tuple[dict[str, Any], RenderedBody]:
    # Included shared blocks render as their live, approved text (api/articles/includes.py).
    rendered = render_article_body(
        markdown, live_markdown, references or (), media.figures_env(media_text)
    )
    words_per_minute = current_app.config["READING_WORDS_PER_MINUTE"]
    # The text search indexes and snippets quote: link text as readers see it, not slugs.
    text = (
        links.reader_text(rendered.html, rendered.link_slugs)
        if rendered.link_slugs
        else rendered.text
    )
    # A reference list is looked up, not read through: it does not count towards reading time.
    read = (
        html_to_text(without_references(rendered.html))
        if rendered.cited_references
        else rendered.text
    )
    derived = {
        "body_html": rendered.html,
        "body_text": text,
        "toc": rendered.toc,
        "sections": sections_of(rendered.html),
        "cited_references": list(rendered.cited_references),
        "reading_time_minutes": readability.reading_time_minutes(read, words_per_minute),
        "reading_grade": readability.flesch_kincaid_grade(rendered.prose),
    }
    return derived, rendered


def derive_from_body(article: Article) -> RenderedBody:
    """Body HTML, table of contents and reading statistics, computed once per body change
    (or when a shared block it includes changes).

    Returns the render: the slugs of the articles the body links to and the keys of the
    blocks it includes are stored by `save_article`.
    """
    derived, rendered = _derive(article.body_markdown, article.references, article.media_text)
    # A field of the search index (api/search/index.py): the headings, weighted above the body.
    derived["search_headings"] = " ".join(entry["text"] for entry in derived["toc"])
    for name, value in derived.items():
        if getattr(article, name) != value:
            setattr(article, name, value)
    return rendered


def store_derived_edges(article: Article, rendered: RenderedBody) -> None:
    """The article's link and shared-block edges, as its stored body has them."""
    links.store_links(article, rendered.link_slugs)
    store_includes(article.id, rendered.block_keys)

"""Markdown -> sanitized HTML, table of contents and plain text, computed once at write time."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import nh3
from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "aside", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt",
        "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
        "img", "li", "ol", "p", "pre", "s", "section", "span", "strong", "sub", "sup", "table",
        "tbody", "td", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# Set on internal links when a body is read (api/links/rendering.py), never taken from a source.
LINK_DATA_ATTRIBUTES = frozenset({"data-article-slug", "data-topic-slug"})
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title", "id", *LINK_DATA_ATTRIBUTES},
    "abbr": {"title"},
    # srcset, sizes and loading: media placed in bodies (api/articles/figures.py); each value
    # is checked by `_media_attribute`.
    "img": {"src", "alt", "title", "width", "height", "srcset", "sizes", "loading"},
    "ol": {"start"},
    "td": {"align"},
    "th": {"align"},
    **{heading: {"id", "class"} for heading in HEADINGS},
    "aside": {"class", "data-callout", "role", "aria-label"},
    # Citations (api/articles/citations.py): markers and the References list.
    "sup": {"class"},
    "section": {"class"},
    "li": {"id"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Care callouts (api/articles/callouts.py): the only classes and values the allowlist admits.
CALLOUT_LABELS = {
    "emergency": "Emergency",
    "urgent": "Urgent",
    "see-a-clinician": "See a clinician",
    "self-care": "Self-care",
    "key-points": "Key points",
    "questions-to-ask": "Questions to ask",
    "note": "Note",
}
CALLOUT_KINDS = frozenset(CALLOUT_LABELS)
_CALLOUT_CLASSES = {
    "aside": frozenset({"callout", *(f"callout-{kind}" for kind in CALLOUT_KINDS)}),
    **{heading: frozenset({"callout-title"}) for heading in HEADINGS},
    "sup": frozenset({"citation"}),
    "section": frozenset({"references"}),
}
# Ids outside headings: only a citation marker's (`cite-<key>-<n>`) and a reference's (`ref-<key>`).
_IDS = {
    "a": re.compile(r"cite-[a-z0-9][a-z0-9-]*-[0-9]+"),
    "li": re.compile(r"ref-[a-z0-9][a-z0-9-]*"),
}
_CALLOUT_VALUES = {
    "data-callout": CALLOUT_KINDS,
    "role": frozenset({"note"}),
    "aria-label": frozenset(CALLOUT_LABELS.values()),
}


# A srcset this API writes: comma-separated candidates "<http(s) URL of a media file> <n>w".
_SRCSET_CANDIDATE = re.compile(
    r"(?:https?://[^\s,\"'<>]+)?/media/[0-9a-f]{64}/[0-9a-z]+\.[a-z]{3,4} \d{1,5}w"
)
_SIZES = re.compile(r"[a-z0-9 (),:.-]{1,200}")


def _media_attribute(attribute: str, value: str) -> str | None:
    """The image attributes of media figures keep only the values this API writes."""
    if attribute == "loading":
        return value if value == "lazy" else None
    if attribute == "sizes":
        return value if _SIZES.fullmatch(value) else None
    candidates = [candidate.strip() for candidate in value.split(",")]
    return value if all(_SRCSET_CANDIDATE.fullmatch(c) for c in candidates) else None


def callout_attribute(tag: str, attribute: str, value: str) -> str | None:
    """`class` keeps only the callout (and citation) classes of its tag; the other callout
    attributes only their fixed values, and an `id` outside headings only the citation forms:
    the allowlist grows by these exact strings and patterns, nothing a writer chooses."""
    if attribute == "id" and tag in _IDS:
        return value if _IDS[tag].fullmatch(value) else None
    if tag == "img" and attribute in ("srcset", "sizes", "loading"):
        return _media_attribute(attribute, value)
    if attribute == "class":
        kept = [name for name in value.split() if name in _CALLOUT_CLASSES.get(tag, ())]
        return " ".join(dict.fromkeys(kept)) or None
    if attribute in _CALLOUT_VALUES:
        return value if value in _CALLOUT_VALUES[attribute] else None
    return value


def _drop_link_data(tag: str, attribute: str, value: str) -> str | None:
    return None if attribute in LINK_DATA_ATTRIBUTES else callout_attribute(tag, attribute, value)


def sanitize_html(
    markup: str, *, extra_tags: frozenset[str] = frozenset(), link_data: bool = False
) -> str:
    """Keep only allowlisted tags, attributes and URL schemes; nothing executable survives.

    `extra_tags` widens the allowlist for one use (search snippets allow `<mark>`). The link
    data attributes survive only with `link_data` (HTML this API resolved itself): a writer
    cannot make a link claim an article or topic it does not lead to.
    """
    return nh3.clean(
        markup,
        tags=set(ALLOWED_TAGS | extra_tags),
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=callout_attribute if link_data else _drop_link_data,
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment, with block boundaries kept as line breaks."""
    markup = re.sub(r"</(p|li|h[1-6]|pre|blockquote|tr|div)>", "\n", markup)
    return html.unescape(nh3.clean(markup, tags=set())).strip()


def slugify(text: str) -> str:
    """A lowercase-hyphen slug: accents folded, punctuation dropped."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


@dataclass(frozen=True)
class Rendered:
    html: str
    text: str
    toc: list[dict[str, Any]] = field(default_factory=list)
    # The prose a reading grade is computed from: see `prose_of`.
    prose: str = ""


def make_parser() -> MarkdownIt:
    """The project's CommonMark parser (tables, strikethrough, anchored headings); extendable."""
    parser = MarkdownIt("commonmark", {"linkify": False, "typographer": False})
    parser.enable("table").enable("strikethrough")
    parser.use(
        anchors_plugin, min_level=1, max_level=6, slug_func=lambda s: slugify(s) or "section"
    )
    return parser


_PARSER = make_parser()


def _heading_text(parser: MarkdownIt, inline: Any) -> str:
    """A heading's visible text: rendered and stripped of tags, so raw HTML in the source
    (`## <img onerror=...>`) never reaches the TOC."""
    text = parser.renderer.renderInline(inline.children or [], parser.options, {})
    # Decoded entities can form new tags ("&lt;script&gt;"): strip until nothing changes, so
    # even a client that wrongly inserts the TOC as HTML gets text only.
    for _ in range(5):
        stripped = html_to_text(text)
        if stripped == text:
            break
        text = stripped
    return " ".join(text.split())


SENTENCE_END = re.compile(r"[.!?][\"'\u2019\u201d)\]]*$")
_INLINE_TEXT = {"text": "content", "code_inline": "content", "softbreak": "", "hardbreak": ""}


def _inline_text(inline: Any) -> str:
    """Visible words of an inline token; images (their alt text) and raw HTML are left out."""
    parts = []
    for child in inline.children or []:
        if child.type in _INLINE_TEXT:
            parts.append(child.content if child.type != "softbreak" else " ")
        elif child.type == "hardbreak":
            parts.append(" ")
    return " ".join("".join(parts).split())


def prose_of(tokens: list[Any]) -> str:
    """The sentences of a rendered body, one per line, for the reading grade.

    Paragraphs are prose (one without end punctuation, such as a lead-in ending in a colon,
    is closed with a period). A list item counts only when it is a sentence, i.e. ends with
    . ! or ?: a fragment such as "Salmon" is not one. Headings, table cells, code and raw HTML
    are never prose.
    """
    sentences, depth = [], 0
    for index, token in enumerate(tokens):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif token.type == "paragraph_open":
            text = _inline_text(tokens[index + 1])
            ends = SENTENCE_END.search(text) is not None
            if text and depth == 0:
                sentences.append(text if ends else text.rstrip(":;,- ") + ".")
            elif text and ends:
                sentences.append(text)
    return "\n".join(sentences)


# In a parse environment: only the tokens are wanted, so plugins that check or resolve what a
# body refers to (citations, shared blocks) leave it alone.
PARSE_ONLY = "careleaf_parse_only"


def render_markdown(
    source: str,
    parser: MarkdownIt | None = None,
    env: dict[str, Any] | None = None,
    prepare: Callable[[list[Any]], dict[str, Any]] | None = None,
) -> Rendered:
    """Render CommonMark, sanitize it, and list its headings with their anchor ids in order.

    `env` is markdown-it's environment: what plugins read (an article's references, its
    shared blocks: `api.articles.includes`) and record (the references it cites) during this
    one render. `prepare` sees the parsed tokens and returns what the renderer's rules read
    besides (the media a body places)."""
    parser = parser or _PARSER
    env = {} if env is None else env
    tokens = parser.parse(source, env)
    if prepare is not None:
        env.update(prepare(tokens))
    toc = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            inline = tokens[index + 1]
            toc.append(
                {
                    "level": int(token.tag[1]),
                    "text": _heading_text(parser, inline),
                    "anchor": token.attrGet("id"),
                }
            )
    markup = sanitize_html(parser.renderer.render(tokens, parser.options, env))
    return Rendered(html=markup, text=html_to_text(markup), toc=toc, prose=prose_of(tokens))

"""Media placed in article bodies: `![alt](media:<id>)`, rendered once, at write time.

An image on a line (a paragraph) of its own becomes

    <figure><img src srcset sizes alt loading="lazy" width height><figcaption>...</figcaption>
    </figure>

and one inside text an `<img>` with the same attributes (no figure: a paragraph cannot hold
one). The alt text is the Markdown's when written (`![The L4-L5 disc](media:7)`), else the one
recorded for the item with the content (`Article.media_text`, see api/articles/media.py). This
module only renders: the caller hands over a `Figure` for each id (`figures` in the env).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import marshmallow as ma
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from api.core.site import site_url

MEDIA_SRC = re.compile(r"media:(\d{1,12})")
# A media file's root-relative URL in a stored body: in src, or a candidate of a srcset.
_STORED_MEDIA_URL = re.compile(r'(src="|srcset="|, )(/media/[0-9a-f]{64}/)')
FIGURES_KEY = "careleaf_figures"


@dataclass(frozen=True)
class Figure:
    """What a body image shows: URLs and size from the library, text from the content."""

    src: str
    srcset: str
    sizes: str
    width: int
    height: int
    alt: str
    caption: str | None


def _media_id(token: Token) -> int | None:
    match = MEDIA_SRC.fullmatch(str(token.attrGet("src") or "").strip())
    return int(match.group(1)) if match else None


def _images(tokens: Sequence[Token]) -> list[Token]:
    return [
        child
        for token in tokens
        if token.type == "inline"
        for child in token.children or []
        if child.type == "image"
    ]


def media_ids(tokens: Sequence[Token]) -> list[int]:
    """The media ids the body places, in order, each once."""
    found = (_media_id(image) for image in _images(tokens))
    return list(dict.fromkeys(media_id for media_id in found if media_id is not None))


def written_alts(tokens: Sequence[Token]) -> list[tuple[int, str]]:
    """(media id, the alt text written in the Markdown, "" when none) for each placement."""
    placed = []
    for image in _images(tokens):
        media_id = _media_id(image)
        if media_id is not None:
            alt = "".join(child.content for child in image.children or [])
            placed.append((media_id, " ".join(alt.split())))
    return placed


def _standalone(state: StateCore) -> None:
    """A paragraph holding one media image and nothing else renders as its figure alone."""
    tokens = state.tokens
    for index in range(len(tokens) - 2):
        opening, inline, closing = tokens[index : index + 3]
        if opening.type != "paragraph_open" or closing.type != "paragraph_close":
            continue
        children = [c for c in inline.children or [] if c.type != "text" or c.content.strip()]
        if len(children) == 1 and children[0].type == "image" and _media_id(children[0]):
            opening.hidden = closing.hidden = True
            children[0].meta["figure"] = True
            inline.children = children


def _attribute(name: str, value: object) -> str:
    return f' {name}="{html.escape(str(value), quote=True)}"'


def figure_html(figure: Figure, written_alt: str, *, as_figure: bool) -> str:
    """The markup of one placement (escaped here; sanitized again with the whole body)."""
    image = (
        "<img"
        + _attribute("src", figure.src)
        + _attribute("srcset", figure.srcset)
        + _attribute("sizes", figure.sizes)
        + _attribute("alt", written_alt or figure.alt)
        + ' loading="lazy"'
        + _attribute("width", figure.width)
        + _attribute("height", figure.height)
        + ">"
    )
    if not as_figure:
        return image
    caption = (
        f"<figcaption>{html.escape(figure.caption, quote=False)}</figcaption>"
        if figure.caption
        else ""
    )
    return f"<figure>{image}{caption}</figure>\n"


def _render_image(
    renderer: RendererHTML, tokens: Sequence[Token], index: int, options: Any, env: Any
) -> str:
    token = tokens[index]
    media_id = _media_id(token)
    if media_id is None:
        return renderer.image(tokens, index, options, env)
    figures: Mapping[int, Figure] = env.get(FIGURES_KEY, {})
    figure = figures.get(media_id)
    if figure is None:  # the caller refuses unknown ids before rendering; never a broken img
        return ""
    alt = " ".join(renderer.renderInlineAsText(token.children or [], options, env).split())
    return figure_html(figure, alt, as_figure=bool(token.meta.get("figure")))


def absolute_media_urls(markup: str) -> str:
    """A stored body (or section) with its media URLs absolute, on this API's URL."""
    if "/media/" not in markup:
        return markup
    base = site_url()
    return _STORED_MEDIA_URL.sub(lambda match: match.group(1) + base + match.group(2), markup)


class MediaHtml(ma.fields.String):
    """HTML as stored, with the media URLs of its figures made absolute when dumped."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return absolute_media_urls(value) if isinstance(value, str) else value


def figures_plugin(parser: MarkdownIt) -> None:
    parser.core.ruler.push("media_figures", _standalone)
    parser.add_render_rule("image", _render_image)

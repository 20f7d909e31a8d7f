"""Internal links: recognised when an article body is rendered, resolved each time it is read.

Both `[text](/articles/<slug>)` and the short form `[[slug]]` / `[[slug|text]]` are internal
links. At write time the body is rendered and sanitized as usual; then every sanitized anchor
whose href is `/articles/<slug>` is replaced by a marker pair of HTML comments around the
(already sanitized) link text. The sanitizer strips every comment and escapes `<` in text and
attribute values, so a marker in the stored HTML can only come from this module.

At read time `resolve_markers` turns each marker into a link to the target's CURRENT slug when
the target is public (`data-article-slug` names it; the href depends on the link mode: the
site page, its root-relative path or the API URL), or into plain text when it is not. Links to
`/topics/<slug>` (topics are always public) get the same treatment with `data-topic-slug`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from api.articles.callouts import callouts_plugin
from api.articles.citations import citations_plugin
from api.articles.figures import figures_plugin
from api.articles.includes import SHARED_BLOCKS, Resolver, included_keys, includes_plugin
from api.core.markdown import PARSE_ONLY, Rendered, make_parser, render_markdown

SLUG_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"
WIKILINK = re.compile(rf"\[\[\s*({SLUG_PATTERN})\s*(?:\|([^\]\n]+))?\]\]")
ANCHOR = re.compile(r"<a ([^>]*)>(.*?)</a>", re.DOTALL)
HREF = re.compile(r'(?:^| )href="([^"]*)"')
INTERNAL_HREF = re.compile(rf"/articles/({SLUG_PATTERN})/?(#[A-Za-z0-9_-]*)?")
TOPIC_HREF = re.compile(rf"/topics/({SLUG_PATTERN})/?(#[A-Za-z0-9_-]*)?")
MARKER = re.compile(
    rf"<!--careleaf:link ({SLUG_PATTERN})(#[A-Za-z0-9_-]*)?-->(.*?)<!--/careleaf:link-->",
    re.DOTALL,
)


@dataclass(frozen=True)
class Target:
    """A public article a link resolves to."""

    slug: str
    title: str


@dataclass(frozen=True)
class RenderedBody(Rendered):
    link_slugs: tuple[str, ...] = ()
    # The references the body cites, numbered in citation order (api/articles/citations.py).
    cited_references: tuple[dict[str, Any], ...] = ()
    # The shared blocks the body includes (`::: include <key>`), in order.
    block_keys: tuple[str, ...] = ()


def _wikilink(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("[[", state.pos):
        return False
    match = WIKILINK.match(state.src, state.pos)
    if match is None:
        return False
    if not silent:
        slug, label = match.group(1), match.group(2)
        state.push("link_open", "a", 1).attrs = {"href": f"/articles/{slug}"}
        # Without a label the text is the slug itself: read time shows the target's title.
        state.push("text", "", 0).content = (label or "").strip() or slug
        state.push("link_close", "a", -1)
    state.pos = match.end()
    return True


def _article_parser() -> MarkdownIt:
    parser = make_parser()
    parser.inline.ruler.before("link", "wikilink", _wikilink)
    parser.use(callouts_plugin)
    parser.use(citations_plugin)
    parser.use(includes_plugin)
    parser.use(figures_plugin)
    return parser


_PARSER = _article_parser()


def _mark_internal_links(markup: str) -> tuple[str, list[str]]:
    slugs: list[str] = []

    def mark(anchor: re.Match[str]) -> str:
        href = HREF.search(anchor.group(1))
        internal = INTERNAL_HREF.fullmatch(href.group(1)) if href else None
        if internal is None:
            return anchor.group(0)
        slug, fragment = internal.group(1), internal.group(2) or ""
        slugs.append(slug)
        return f"<!--careleaf:link {slug}{fragment}-->{anchor.group(2)}<!--/careleaf:link-->"

    return ANCHOR.sub(mark, markup), list(dict.fromkeys(slugs))


def render_article_body(
    source: str,
    shared_blocks: Resolver,
    references: Sequence[dict[str, Any]] = (),
    prepare: Callable[[list[Any]], dict[str, Any]] | None = None,
) -> RenderedBody:
    """Render an article body citing `references`; internal links become markers and are
    listed by slug.

    `shared_blocks` answers the live Markdown of the blocks the body includes
    (`api.articles.includes`); the keys it was asked for are listed too. `prepare` (see
    `render_markdown`) hands the media figures to the renderer.
    """
    keys: list[str] = []

    def resolve(wanted: list[str]) -> Mapping[str, str]:
        keys.extend(wanted)
        return shared_blocks(wanted)

    env: dict[str, Any] = {"article_references": list(references), SHARED_BLOCKS: resolve}
    rendered = render_markdown(source, _PARSER, env, prepare)
    markup, slugs = _mark_internal_links(rendered.html)
    return RenderedBody(
        html=markup,
        text=rendered.text,
        toc=rendered.toc,
        prose=rendered.prose,
        link_slugs=tuple(slugs),
        cited_references=tuple(env.get("cited_references") or ()),
        block_keys=tuple(keys),
    )


def render_shared_block(source: str) -> Rendered:
    """A shared block's own body, as articles include it (callouts; no includes, no link
    markers: its internal links keep their written href)."""
    return render_markdown(source, _PARSER)


def block_keys_of(source: str) -> list[str]:
    """The keys of the shared blocks an article body includes (parsed, not looked up)."""
    return included_keys(_PARSER, source)


# The href of an internal link: (kind "article" or "topic", slug) -> URL.
LinkHref = Callable[[str, str], str]


def has_article_markers(markup: str) -> bool:
    return "<!--careleaf:link " in markup


def has_markers(markup: str) -> bool:
    """The body has internal links to resolve (article markers or topic links)."""
    return has_article_markers(markup) or 'href="/topics/' in markup


def _readable(slug: str) -> str:
    return slug.replace("-", " ").capitalize()


def _link(kind: str, slug: str, url: str, text: str, attributes: str = "") -> str:
    href = html.escape(url, quote=True)
    return f'<a href="{href}" data-{kind}-slug="{slug}"{attributes}>{text}</a>'


def resolve_markers(markup: str, targets: Mapping[str, Target], href: LinkHref) -> str:
    """Links to public targets (by slug as written) and to topics, each naming its target in a
    data attribute, with `href(kind, slug)` as the URL; links to the rest become plain text."""

    def resolve(marker: re.Match[str]) -> str:
        written, fragment, text = marker.group(1), marker.group(2) or "", marker.group(3)
        target = targets.get(written)
        if target is None:
            return _readable(written) if text == written else text
        if text == written:
            text = html.escape(target.title, quote=False)
        return _link("article", target.slug, href("article", target.slug) + fragment, text)

    def topic(anchor: re.Match[str]) -> str:
        attributes = anchor.group(1)
        found = HREF.search(attributes)
        internal = TOPIC_HREF.fullmatch(found.group(1)) if found else None
        if found is None or internal is None or "data-topic-slug=" in attributes:
            return anchor.group(0)  # not a topic link, or resolved already
        slug, fragment = internal.group(1), internal.group(2) or ""
        others = (attributes[: found.start()] + attributes[found.end() :]).strip()
        others = f" {others}" if others else ""
        return _link("topic", slug, href("topic", slug) + fragment, anchor.group(2), others)

    markup = MARKER.sub(resolve, markup)
    return ANCHOR.sub(topic, markup) if "/topics/" in markup else markup


def parse_article_body(source: str) -> list[Any]:
    """The tokens of a body, as `render_article_body` parses it (no rendering, so no
    citations numbered and no shared blocks spliced in: what the writer placed)."""
    return _PARSER.parse(source, {PARSE_ONLY: True})

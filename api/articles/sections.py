"""Sections: an article body cut into the parts a kiosk or app shows one at a time.

`sections_of` cuts the stored, sanitized body_html (the same render, at write time) at its
top-level boundaries: every top-level heading starts a `text` section, every care callout
(`<aside data-callout=...>`, api/articles/callouts.py) is one `callout:<kind>` section and a
`<section class="references">` block is a `references` section. Content before the first
heading, or after a callout or references block and before the next heading, is a `text`
section without a heading (`anchor`, `heading` and `level` null). The sections' `html`, joined
in order, is exactly body_html; internal links inside them are resolved on read like the body's.
"""

from __future__ import annotations

from collections.abc import Mapping
from html.parser import HTMLParser
from typing import Any

from sqlalchemy.orm.attributes import set_committed_value

from api.core.markdown import HEADINGS, html_to_text
from api.links.rendering import LinkHref, Target, has_markers, resolve_markers

VOID = frozenset({"br", "hr", "img", "wbr", "area", "col", "embed", "input", "source"})


class _Cutter(HTMLParser):
    """Records (offset, kind, attributes of the heading) for each top-level boundary."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lines = [0]
        for line in markup.splitlines(keepends=True):
            self.lines.append(self.lines[-1] + len(line))
        self.depth = 0
        self.cuts: list[dict[str, Any]] = []
        self.block: dict[str, Any] | None = None  # the callout or references block we are in

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        classes = (values.get("class") or "").split()
        if self.depth == 0:
            cut: dict[str, Any] | None = None
            if tag in HEADINGS:
                cut = {"kind": "text", "heading_tag": tag, "anchor": values.get("id")}
            elif tag == "aside" and values.get("data-callout"):
                cut = {"kind": f"callout:{values['data-callout']}"}
            elif tag == "section" and "references" in classes:
                cut = {"kind": "references"}
            elif self.block is not None:  # content after a block, before the next heading
                cut = {"kind": "text"}
            if cut is not None:
                cut.update(start=self._offset(), heading_start=None)
                self.cuts.append(cut)
                self.block = cut if cut["kind"] != "text" else None
                if tag in HEADINGS:
                    cut["heading_start"] = cut["start"]
        elif self.block is not None and tag in HEADINGS and self.block["heading_start"] is None:
            # A block's own heading (a callout's title, "References"): its first heading.
            self.block.update(
                heading_tag=tag, anchor=values.get("id"), heading_start=self._offset()
            )
        if tag not in VOID:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID:
            self.depth = max(self.depth - 1, 0)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)


def _heading(markup: str, cut: dict[str, Any]) -> str | None:
    start = cut["heading_start"]
    if start is None:
        return None
    end = markup.find(f"</{cut['heading_tag']}>", start)
    return " ".join(html_to_text(markup[start : end if end >= 0 else None]).split())


def sections_of(markup: str) -> list[dict[str, Any]]:
    """The sections of a sanitized body: [{anchor, heading, level, kind, html}]."""
    cutter = _Cutter(markup)
    cutter.feed(markup)
    cutter.close()
    cuts = cutter.cuts
    if not cuts or cuts[0]["start"] > 0:
        cuts.insert(0, {"kind": "text", "start": 0, "heading_start": None})
    sections = []
    for cut, following in zip(cuts, [*cuts[1:], None], strict=True):
        html = markup[cut["start"] : following["start"] if following else None]
        if not html.strip():
            continue
        heading_tag = cut.get("heading_tag") if cut["heading_start"] is not None else None
        sections.append(
            {
                "anchor": cut.get("anchor") if heading_tag else None,
                "heading": _heading(markup, cut),
                "level": int(heading_tag[1]) if heading_tag else None,
                "kind": cut["kind"],
                "html": html,
            }
        )
    return sections


def resolve_sections(
    article: Any, targets: Mapping[str, Target], href: LinkHref
) -> list[dict[str, Any]]:
    """The article's sections with internal links resolved as its body_html is (not marked
    changed: what the public reads now, not what is stored)."""
    sections = [
        {**section, "html": resolve_markers(section["html"], targets, href)}
        if has_markers(section["html"])
        else section
        for section in article.sections or []
    ]
    set_committed_value(article, "sections", sections)
    return sections

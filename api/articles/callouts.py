"""Care callouts: `::: <kind> [title]` ... `:::` container blocks with a fixed vocabulary.

A callout renders as
`<aside class="callout callout-<kind>" data-callout="<kind>" role="note" aria-label="<Label>">`
whose first child is a heading `<hN class="callout-title" id="...">` holding the writer's title
(or the kind's default title). The heading is a real heading token, added before the anchors
and the table of contents are computed, so it gets an anchor and a TOC entry like any other:
a kiosk can jump to "Call 911 now". Its level is one below the heading the callout follows
(h2 when none does), capped at h6, so the document outline stays well formed.

Only the kinds in `CALLOUTS` exist: any other `::: word` is a 422 naming the kind, so a typo
never silently turns an emergency box into plain text. The sanitizer admits exactly the
markup this module writes (see `api/core/markdown.py:callout_attribute`).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin

from api.core.errors import Problem
from api.core.markdown import CALLOUT_LABELS


@dataclass(frozen=True)
class Callout:
    label: str  # the aria-label: what the box is
    title: str  # the default heading: what to do


CALLOUTS: dict[str, Callout] = {
    "emergency": Callout("Emergency", "Call 911 now"),
    "urgent": Callout("Urgent", "Get care today"),
    "see-a-clinician": Callout("See a clinician", "Book an appointment"),
    "self-care": Callout("Self-care", "Caring for yourself at home"),
    "key-points": Callout("Key points", "Key points"),
    "questions-to-ask": Callout("Questions to ask", "Questions to ask your clinician"),
    "note": Callout("Note", "Note"),
}
# The sanitizer admits exactly these kinds and labels.
assert {kind: callout.label for kind, callout in CALLOUTS.items()} == CALLOUT_LABELS

OPEN = "container_callout_open"
CLOSE = "container_callout_close"


def _kind_and_title(info: str) -> tuple[str, str]:
    kind, _, title = info.strip().partition(" ")
    return kind, title.strip()


def _render_open(self: Any, tokens: list[Token], idx: int, _options: Any, _env: Any) -> str:
    kind = tokens[idx].meta["kind"]
    label = html.escape(CALLOUTS[kind].label)
    return (
        f'<aside class="callout callout-{kind}" data-callout="{kind}" role="note"'
        f' aria-label="{label}">\n'
    )


def _render_close(self: Any, tokens: list[Token], idx: int, _options: Any, _env: Any) -> str:
    return "</aside>\n"


def _unknown(kinds: list[str]) -> Problem:
    known = ", ".join(CALLOUTS)
    messages = [f"Unknown callout kind `{kind}`; use one of: {known}." for kind in kinds]
    return Problem(422, " ".join(messages), errors={"body_markdown": messages})


def _title_tokens(state: StateCore, title: str, level: int, line_map: Any) -> list[Token]:
    heading_open = Token("heading_open", f"h{level}", 1, block=True, map=line_map)
    heading_open.attrSet("class", "callout-title")
    inline = Token("inline", "", 0, block=True, content=title, map=line_map, children=[])
    heading_close = Token("heading_close", f"h{level}", -1, block=True)
    return [heading_open, inline, heading_close]


def _callout_headings(state: StateCore) -> None:
    """Check every callout's kind and give it its title heading (before inline parsing, so the
    title's Markdown is parsed, and before anchors, so it gets an id)."""
    tokens, unknown, out = state.tokens, [], []
    last_level = 1
    for token in tokens:
        out.append(token)
        if token.type == "heading_open":
            last_level = int(token.tag[1])
        if token.type != OPEN:
            continue
        kind, title = _kind_and_title(token.info)
        if kind not in CALLOUTS:
            unknown.append(kind)
            continue
        token.meta = {"kind": kind}
        level = min(last_level + 1, 6)
        out.extend(_title_tokens(state, title or CALLOUTS[kind].title, level, token.map))
    if unknown:
        raise _unknown(list(dict.fromkeys(unknown)))
    state.tokens = out


def callouts_plugin(parser: MarkdownIt) -> None:
    """Recognise `::: <kind>` blocks (any word: unknown kinds are refused, not ignored)."""
    container_plugin(
        parser,
        "callout",
        validate=lambda params, *_: bool(params.strip()),
        render=None,
    )
    parser.add_render_rule(OPEN, _render_open)
    parser.add_render_rule(CLOSE, _render_close)
    parser.core.ruler.before("inline", "callout_headings", _callout_headings)

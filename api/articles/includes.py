"""Shared blocks in an article body: a line `::: include <group>/<name>` (e.g.
`::: include red-flags/back-pain`) stands for the block's live, approved Markdown.

The directive is a block-level token; a core rule then replaces each one by the tokens of the
block's Markdown, parsed by the same parser in the same pass, BEFORE callout titles, inline
parsing and heading anchors. So the included callouts get titles, anchors, TOC entries and
`sections` exactly as if they were written in the article, and anchors stay unique.

The Markdown comes from a resolver in the parse environment (`SHARED_BLOCKS`): given the keys
of a body, it answers the live Markdown of those it knows (`api.blocks.services`). A key it
does not answer is a 422 naming the key. Without a resolver (a shared block's own body) an
include is a 422 too: blocks do not nest. The directive must stand at the top level, outside
callouts and lists, so an emergency box never ends up inside another box.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from api.core.errors import Problem
from api.core.markdown import PARSE_ONLY

SEGMENT = r"[a-z0-9]+(?:-[a-z0-9]+)*"
KEY_PATTERN = rf"{SEGMENT}/{SEGMENT}"
DIRECTIVE = re.compile(r"::: *include(?:[ \t]+(.*?))?[ \t]*$")
KEY = re.compile(KEY_PATTERN)
INCLUDE = "shared_block_include"
# The parse environment's entry: keys -> {key: live Markdown} for the keys it knows.
SHARED_BLOCKS = "careleaf_shared_blocks"
Resolver = Callable[[list[str]], Mapping[str, str]]


def _include_rule(state: StateBlock, start: int, _end: int, silent: bool) -> bool:
    if state.sCount[start] - state.blkIndent >= 4:  # an indented code block
        return False
    line = state.src[state.bMarks[start] + state.tShift[start] : state.eMarks[start]]
    match = DIRECTIVE.match(line)
    if match is None:
        return False
    if not silent:
        token = state.push(INCLUDE, "", 0)
        token.meta = {"key": match.group(1) or ""}
        token.map = [start, start + 1]
    state.line = start + 1
    return True


def _refuse(messages: list[str]) -> Problem:
    return Problem(422, " ".join(messages), errors={"body_markdown": messages})


def _checked_keys(tokens: list[Token], resolver: Resolver | None) -> list[str]:
    includes = [token for token in tokens if token.type == INCLUDE]
    if not includes:
        return []
    if resolver is None:
        raise _refuse(["A shared block cannot include another shared block."])
    messages = [
        f"`::: include {token.meta['key']}` must stand on its own line at the top level, "
        "not inside a callout, list or quote."
        for token in includes
        if token.level > 0
    ]
    messages += [
        f"`::: include {token.meta['key']}` does not name a shared block: write "
        "`::: include <group>/<name>`, e.g. `::: include red-flags/back-pain`."
        for token in includes
        if KEY.fullmatch(token.meta["key"]) is None
    ]
    if messages:
        raise _refuse(messages)
    return list(dict.fromkeys(token.meta["key"] for token in includes))


def _splice_includes(state: StateCore) -> None:
    """Replace each include token by the parsed tokens of the block's live Markdown."""
    if state.env.get(PARSE_ONLY):
        return
    resolver: Resolver | None = state.env.get(SHARED_BLOCKS)
    keys = _checked_keys(state.tokens, resolver)
    if not keys or resolver is None:
        return
    found = resolver(keys)
    unknown = [key for key in keys if key not in found]
    if unknown:
        raise _refuse(
            [f"Unknown shared block `{key}` (or it has no approved text yet)." for key in unknown]
        )
    out: list[Token] = []
    for token in state.tokens:
        if token.type != INCLUDE:
            out.append(token)
            continue
        included: list[Token] = []
        state.md.block.parse(found[token.meta["key"]], state.md, state.env, included)
        if any(inner.type == INCLUDE for inner in included):
            raise _refuse([f"Shared block `{token.meta['key']}` includes another block."])
        out.extend(included)
    state.tokens = out


def includes_plugin(parser: MarkdownIt) -> None:
    """Recognise `::: include <key>` lines (before the callout containers see them)."""
    parser.block.ruler.before(
        "container_callout",
        "shared_block_include",
        _include_rule,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
    parser.core.ruler.after("block", "shared_block_includes", _splice_includes)


def included_keys(parser: MarkdownIt, source: str) -> list[str]:
    """The keys a body includes, in order: block-level parsing only (no lookup, no inline
    plugins), so it answers whatever else the body holds."""
    tokens: list[Token] = []
    parser.block.parse(source.replace("\r\n", "\n").replace("\r", "\n"), parser, {}, tokens)
    keys = [token.meta["key"] for token in tokens if token.type == INCLUDE]
    return list(dict.fromkeys(keys))

"""Citations: `[@key]` (or `[@a; @b]`) in a body cites the article's references by key.

Each cited reference gets a number in first-citation order. A citation renders as
`<sup class="citation"><a href="#ref-key" id="cite-key-1">1</a></sup>` (the id counts the
citations of that key, so every marker has its own anchor), and the body ends with
`<section class="references">` holding `<h2 id="references">References</h2>` and an `<ol>` of
the cited references in that order, each `<li id="ref-key">`, its DOI linked to doi.org and its
PubMed id to PubMed. References the body never cites are left out (the staff response warns
about them); a key that names no reference is a 422 naming it.

The references come in through markdown-it's `env["article_references"]` (its own
`env["references"]` holds link reference definitions); the cited ones, numbered and resolved,
go out through `env["cited_references"]`. The References heading is a real heading token with
an explicit id, added before anchors are computed: it is in the table of contents, and a
writer's own "References" heading gets another id.
"""

from __future__ import annotations

import html
import re
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from api.articles.references import KEY_PATTERN, resolved
from api.core.errors import Problem
from api.core.markdown import PARSE_ONLY

CITATION = re.compile(r"\[@([^\]\n]*)\]")
KEY = re.compile(KEY_PATTERN)
HEADING_ID = "references"


def _citation(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("[@", state.pos):
        return False
    match = CITATION.match(state.src, state.pos)
    # `[@name](url)` and `[@name][ref]` are links whose text starts with @, not citations.
    if match is None or state.src[match.end() : match.end() + 1] in ("(", "["):
        return False
    if not silent:
        parts = [part.strip() for part in ("@" + match.group(1)).split(";")]
        token = state.push("citation", "sup", 0)
        token.meta = {
            "keys": [part[1:].strip() if part.startswith("@") else part for part in parts]
        }
    state.pos = match.end()
    return True


def _cited_in_order(tokens: list[Token]) -> list[Token]:
    found = []
    for token in tokens:
        for child in token.children or []:
            if child.type == "citation":
                found.append(child)
    return found


def _unknown(keys: list[str]) -> Problem:
    messages = [
        f"Unknown reference key `{key}`: add it to `references`, or fix the citation [@{key}]."
        for key in keys
    ]
    return Problem(422, " ".join(messages), errors={"body_markdown": messages})


def _entry(reference: dict[str, Any]) -> str:
    """One reference as a list item's HTML (every value escaped)."""
    parts = []
    if reference.get("authors"):
        parts.append(html.escape(", ".join(reference["authors"])) + ".")
    parts.append(html.escape(reference["title"].rstrip(".")) + ".")
    source = reference.get("journal") or reference.get("publisher")
    if source:
        parts.append(f"<em>{html.escape(source)}</em>.")
    if reference.get("year"):
        parts.append(f"{reference['year']}.")
    if reference.get("doi_url"):
        href = html.escape(reference["doi_url"])
        parts.append(f'doi:<a href="{href}">{html.escape(reference["doi"])}</a>.')
    if reference.get("pubmed_url"):
        href = html.escape(reference["pubmed_url"])
        parts.append(f'PMID: <a href="{href}">{html.escape(reference["pmid"])}</a>.')
    if reference.get("url"):
        href = html.escape(reference["url"])
        parts.append(
            f'<a href="{href}">{href}</a> (accessed {html.escape(reference["accessed"])}).'
        )
    return f'<li id="ref-{reference["key"]}">{" ".join(parts)}</li>\n'


def _references_tokens(cited: list[dict[str, Any]]) -> list[Token]:
    start = Token("html_block", "", 0, block=True, content='<section class="references">\n')
    heading_open = Token("heading_open", "h2", 1, block=True)
    heading_open.attrSet("id", HEADING_ID)
    inline = Token("inline", "", 0, block=True, content="References", children=[])
    inline.children = [Token("text", "", 0, content="References")]
    heading_close = Token("heading_close", "h2", -1, block=True)
    items = "".join(_entry(reference) for reference in cited)
    end = Token("html_block", "", 0, block=True, content=f"<ol>\n{items}</ol>\n</section>\n")
    return [start, heading_open, inline, heading_close, end]


def _number_citations(state: StateCore) -> None:
    """Number the cited references in order of first citation, refuse unknown keys, and
    append the References section."""
    if state.env.get(PARSE_ONLY):
        return
    references = {
        reference["key"]: reference for reference in state.env.get("article_references") or []
    }
    numbers: dict[str, int] = {}
    counts: dict[str, int] = {}
    unknown: list[str] = []
    for token in _cited_in_order(state.tokens):
        marks = []
        for key in token.meta["keys"]:
            if key not in references or not KEY.fullmatch(key):
                unknown.append(key)
                continue
            numbers.setdefault(key, len(numbers) + 1)
            counts[key] = counts.get(key, 0) + 1
            marks.append((key, numbers[key], counts[key]))
        token.meta["marks"] = marks
    if unknown:
        raise _unknown(list(dict.fromkeys(unknown)))
    cited = [resolved(references[key], number) for key, number in numbers.items()]
    state.env["cited_references"] = cited
    if cited:
        state.tokens.extend(_references_tokens(cited))


def without_references(markup: str) -> str:
    """The body without the References section this module appended (it is always last):
    what a reader reads through, for the reading time."""
    start = markup.rfind('<section class="references">\n<h2 id="references">')
    return markup[:start] if start >= 0 else markup


def _render_citation(self: Any, tokens: list[Token], idx: int, _options: Any, _env: Any) -> str:
    links = ", ".join(
        f'<a href="#ref-{key}" id="cite-{key}-{count}">{number}</a>'
        for key, number, count in tokens[idx].meta["marks"]
    )
    return f'<sup class="citation">{links}</sup>'


def citations_plugin(parser: MarkdownIt) -> None:
    """Recognise `[@key]` citations (before links) and number them after inline parsing."""
    parser.inline.ruler.before("link", "citation", _citation)
    parser.core.ruler.after("inline", "citations", _number_citations)
    parser.add_render_rule("citation", _render_citation)

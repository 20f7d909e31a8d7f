"""Web-search syntax, parsed once into a small tree that each store compiles for itself.

Grammar (like a web search engine): words are all required; `"a phrase"` must appear as is;
`-word` and `-"a phrase"` exclude; `OR` (in capitals) between two terms makes either enough,
and binds tighter than the implicit AND (`pain diet OR fish` = pain AND (diet OR fish)).
Punctuation is never syntax: only runs of letters and digits are searched. A query that does
not parse (unbalanced quotes, a dangling or doubled OR) is searched as its plain words.
English stop words are dropped on both stores, as PostgreSQL's english configuration does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_TERMS = 16
# Unquoted words this long also match longer forms of their stem ("inflamed" finds
# "inflammation"; stemmers disagree there); shorter ones match their stem exactly.
PREFIX_MIN_LENGTH = 5
WORD = re.compile(r"[^\W_]+")
_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')

# PostgreSQL's english.stop (Snowball), so that both stores ignore the same words.
_ENGLISH_STOP = """i me my myself we our ours ourselves you your yours yourself yourselves he him
    his himself she her hers herself it its itself they them their theirs themselves what which who
    whom this that these those am is are was were be been being have has had having do does did
    doing a an the and but if or because as until while of at by for with about against between
    into through during before after above below to from up down in out on off over under again
    further then once here there when where why how all any both each few more most other some
    such no nor not only own same so than too very s t can will just don should now"""
STOP_WORDS = frozenset(_ENGLISH_STOP.split())


class Unparsable(ValueError):
    """The query is not well-formed web-search syntax."""


@dataclass(frozen=True)
class Term:
    """A word or a phrase (a sequence of words that must appear together, in order)."""

    words: tuple[str, ...]
    quoted: bool = False
    # As typed: PostgreSQL parses it with the parser that indexed the documents ("omega-3").
    source: str = field(default="", compare=False)

    @property
    def text(self) -> str:
        return " ".join(self.words)

    @property
    def is_prefix(self) -> bool:
        return not self.quoted and len(self.words) == 1 and len(self.words[0]) >= PREFIX_MIN_LENGTH


# One alternative of a group: all of its terms are required.
Conjunction = tuple[Term, ...]


@dataclass(frozen=True)
class Group:
    """Alternatives joined by OR; a document matches the group when it matches any of them."""

    options: tuple[Conjunction, ...]

    @property
    def single_term(self) -> Term | None:
        if len(self.options) == 1 and len(self.options[0]) == 1:
            return self.options[0][0]
        return None


@dataclass(frozen=True)
class SearchQuery:
    """Every group is required; no excluded term may appear."""

    groups: tuple[Group, ...] = ()
    excluded: tuple[Term, ...] = field(default=())

    @property
    def is_empty(self) -> bool:
        return not self.groups

    @property
    def words(self) -> list[str]:
        """The distinct words the query asks for, in order (not the excluded ones)."""
        seen = [w for g in self.groups for option in g.options for t in option for w in t.words]
        return list(dict.fromkeys(seen))


def term(text: str, *, quoted: bool = False) -> Term | None:
    """The term for a chunk of text; None when it holds no searchable word."""
    words = tuple(word.lower() for word in WORD.findall(text))
    if not words or all(word in STOP_WORDS for word in words):
        return None
    source = text.replace('"', " ").strip()
    # Several words in one unquoted chunk ("omega-3") are a phrase, as the stores index them.
    return Term(words, quoted=quoted or len(words) > 1, source=source)


def parse(text: str) -> SearchQuery:
    """The query tree of the user's text; malformed syntax falls back to plain words."""
    try:
        return _parse_syntax(text)
    except Unparsable:
        return plain_words(text)


def plain_words(text: str) -> SearchQuery:
    """Every word required, nothing else: the reading of a query whose syntax is broken."""
    terms = [term(word) for word in WORD.findall(text)]
    groups = [Group(((t,),)) for t in dict.fromkeys(t for t in terms if t is not None)]
    return SearchQuery(tuple(groups[:MAX_TERMS]))


def _parse_syntax(text: str) -> SearchQuery:
    if text.count('"') % 2:
        raise Unparsable("unbalanced quotes")
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    pending_or = False
    for match in _TOKEN.finditer(text):
        negated, phrase, chunk = match.group(1), match.group(2), match.group(3)
        if chunk == "OR":
            if pending_or or not groups:
                raise Unparsable("OR without a term before it")
            pending_or = True
            continue
        if phrase is None and chunk.startswith("-") and len(chunk) > 1:
            negated, chunk = "-", chunk[1:]
        found = term(phrase if phrase is not None else chunk, quoted=phrase is not None)
        if negated:
            if pending_or:
                raise Unparsable("OR before an exclusion")
            if found is not None:
                excluded.append(found)
        elif found is None:
            continue  # a stop word or punctuation: as if absent
        elif pending_or:
            groups[-1].append(found)
        else:
            groups.append([found])
        pending_or = False
    if pending_or:
        raise Unparsable("OR without a term after it")
    built = [Group(tuple((t,) for t in dict.fromkeys(options))) for options in groups]
    return SearchQuery(tuple(built[:MAX_TERMS]), tuple(dict.fromkeys(excluded))[:MAX_TERMS])

"""Topic names and synonyms widen a query: "MCAS" also finds "mast cell activation".

A term (word or quoted phrase), or a run of two to four plain words, that equals a topic's
name or one of its synonyms (ignoring case) becomes an OR of itself, the topic's name and all
the topic's synonyms.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from api.search.query import WORD, Conjunction, Group, SearchQuery, Term, term

MAX_RUN = 4
MAX_ALTERNATIVES = 12


class Named(Protocol):
    name: str
    synonyms: list[str]


def _key(text: str) -> str:
    """Names compare as their words: case and punctuation aside ("Omega-3" = "omega 3")."""
    return " ".join(WORD.findall(text.lower()))  # as query words are lowered


def _plain_word(group: Group) -> Term | None:
    single = group.single_term
    return single if single is not None and len(single.words) == 1 else None


def _names_of(topic: Named) -> list[str]:
    return [topic.name, *topic.synonyms]


def _alternatives(topics: Iterable[Named]) -> list[Conjunction]:
    terms = (term(text, quoted=True) for topic in topics for text in _names_of(topic))
    return [(t,) for t in dict.fromkeys(t for t in terms if t is not None)]


def expand(query: SearchQuery, topics: Sequence[Named]) -> tuple[SearchQuery, list[Named]]:
    """`query` with topic synonyms OR-ed in, and the topics that matched it."""
    by_key: dict[str, list[Named]] = {}
    for topic in topics:
        for text in _names_of(topic):
            by_key.setdefault(_key(text), []).append(topic)
    groups, matched, index = [], [], 0
    source = query.groups
    while index < len(source):
        run, hits = _longest_match(source, index, by_key)
        if not hits:
            groups.append(source[index])
            index += 1
            continue
        if run == 1:
            own = list(source[index].options)
        else:
            own = [tuple(t for g in source[index : index + run] for t in g.options[0])]
        known = {option[0].words for option in own if len(option) == 1}
        extra = [option for option in _alternatives(hits) if option[0].words not in known]
        groups.append(Group(tuple(own + extra[:MAX_ALTERNATIVES])))
        matched.extend(topic for topic in hits if topic not in matched)
        index += run
    return SearchQuery(tuple(groups), query.excluded), matched


def _longest_match(
    groups: Sequence[Group], start: int, by_key: dict[str, list[Named]]
) -> tuple[int, list[Named]]:
    for run in range(min(MAX_RUN, len(groups) - start), 1, -1):
        words = [_plain_word(g) for g in groups[start : start + run]]
        if all(w is not None for w in words):
            hits = by_key.get(" ".join(w.text for w in words if w is not None))
            if hits:
                return run, hits
    single = groups[start].single_term
    if single is not None and (hits := by_key.get(single.text)):
        return 1, hits
    return 1, []

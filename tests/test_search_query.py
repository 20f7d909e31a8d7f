"""The web-search grammar, synonym expansion and the FTS5 expression: pure functions."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from api.search import synonyms
from api.search.query import Group, SearchQuery, Term, parse, plain_words
from api.search.stores import fts5_expression


def texts(query: SearchQuery) -> list[list[str]]:
    return [[" ".join(t.text for t in option) for option in g.options] for g in query.groups]


def test_words_are_all_required_and_stop_words_dropped():
    query = parse("What is histamine, and back pain?")
    assert texts(query) == [["histamine"], ["back"], ["pain"]]
    assert query.excluded == ()


def test_quoted_phrases_exclusions_and_or():
    query = parse('"back pain" -diet -"fish oil" gut OR sleep')
    assert texts(query) == [["back pain"], ["gut", "sleep"]]
    assert [t.text for t in query.excluded] == ["diet", "fish oil"]
    assert query.groups[0].options[0][0].quoted


def test_or_binds_tighter_than_the_implicit_and():
    assert texts(parse("pain diet OR fish OR nuts")) == [["pain"], ["diet", "fish", "nuts"]]


@pytest.mark.parametrize(
    "text", ['back "pain', "diet OR", "OR diet", "back OR OR pain", "gut OR -diet"]
)
def test_malformed_syntax_is_searched_as_plain_words(text):
    assert parse(text) == plain_words(text)


@pytest.mark.parametrize("text", ["-", "OR OR", "* ^ : ( )", '""', "the of and", "-diet", "---"])
def test_queries_without_a_searchable_word_are_empty(text):
    assert parse(text).is_empty


def test_long_unquoted_words_match_longer_forms_short_ones_do_not():
    query = parse('inflamed gut "inflamed"')
    terms = [g.single_term for g in query.groups]
    assert [(t.text, t.is_prefix) for t in terms if t] == [
        ("inflamed", True),
        ("gut", False),
        ("inflamed", False),
    ]


def test_hyphenated_words_are_phrases_and_keep_their_source():
    [group] = parse("Omega-3").groups
    term = group.single_term
    assert term is not None and term.words == ("omega", "3") and term.source == "Omega-3"


@pytest.mark.parametrize(
    "text",
    [
        'NEAR(a b) title:x "a*" ^b c* (d OR e) AND NOT f',
        "'\"; DROP TABLE articles; --",
        "{title}: x + y - z",
    ],
)
def test_fts5_expression_quotes_every_token(text):
    expression = fts5_expression(parse(text))
    # Outside quoted strings, only our own operators and parentheses remain.
    outside = "".join(expression.split('"')[0::2])
    assert set(outside.replace("AND", "").replace("OR", "").replace("NOT", "")) <= set("() *")


def test_fts5_expression_shape():
    query = parse('histamine "back pain" gut OR sleep -diet')
    assert fts5_expression(query) == (
        '((("histamine"*)) AND (("back pain")) AND (("gut") OR ("sleep"*))) NOT ("diet")'
    )


@dataclass
class FakeTopic:
    name: str
    synonyms: list[str] = field(default_factory=list)


MAST = FakeTopic("Mast cell activation", ["MCAS", "mast cell disorder"])
BACK = FakeTopic("Back pain", ["backache"])


def test_a_synonym_widens_its_term_with_the_topic_name_and_synonyms():
    expanded, matched = synonyms.expand(parse("mcas flares"), [MAST, BACK])
    assert matched == [MAST]
    assert texts(expanded) == [
        ["mcas", "mast cell activation", "mast cell disorder"],
        ["flares"],
    ]


def test_a_run_of_plain_words_naming_a_topic_is_widened_as_a_whole():
    expanded, matched = synonyms.expand(parse("histamine back pain"), [MAST, BACK])
    assert matched == [BACK]
    assert texts(expanded) == [["histamine"], ["back pain", "back pain", "backache"]]  # AND, phrase
    back_and_pain, phrase, _ = expanded.groups[1].options
    assert len(back_and_pain) == 2 and not back_and_pain[0].quoted  # still back AND pain
    assert phrase[0].quoted


def test_without_a_matching_topic_the_query_is_unchanged():
    query = parse("histamine")
    assert synonyms.expand(query, [MAST, BACK]) == (query, [])
    assert Group(((Term(("x",)),),)).single_term == Term(("x",))

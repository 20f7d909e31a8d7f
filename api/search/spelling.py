"""Corrections of query words against the index's own vocabulary (`search_words`).

A word the vocabulary lacks is corrected in two ways, best first:
- split in two when both halves are indexed words ("backpain" -> "back pain");
- the closest indexed words by edit distance (1 edit for short words, 2 for longer ones).
Candidates come from an index, never from a scan of the vocabulary: PostgreSQL asks the
pg_trgm trigram index (`word % :typed`, when migration 0013 could create it); otherwise,
and on SQLite, the (length, initial) index gives the words of nearly the same length with the
same first letter, and rapidfuzz measures them. A typo in the first letter is not corrected.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable

import sqlalchemy as sa
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from sqlalchemy import select

from api.extensions import db
from api.search.index import WORD_TRIGRAM_INDEX
from api.search.models import SearchWord

MIN_CORRECTABLE_LENGTH = 4
MIN_HALF_LENGTH = 3
MAX_CANDIDATES = 3
TRIGRAM_CANDIDATES = 20

_trigram_index: weakref.WeakKeyDictionary[sa.Engine, bool] = weakref.WeakKeyDictionary()


def max_edits(word: str) -> int:
    return 1 if len(word) <= 5 else 2


def known(words: Iterable[str]) -> set[str]:
    """The words of `words` that are in the vocabulary (one indexed lookup)."""
    wanted = sorted(set(words))
    if not wanted:
        return set()
    return set(db.session.scalars(select(SearchWord.word).where(SearchWord.word.in_(wanted))))


def _splits(word: str) -> list[str]:
    halves = [(word[:i], word[i:]) for i in range(MIN_HALF_LENGTH, len(word) - MIN_HALF_LENGTH + 1)]
    if not halves:
        return []
    indexed = known(part for pair in halves for part in pair)
    found = [f"{a} {b}" for a, b in halves if a in indexed and b in indexed]
    # Prefer the most even split: "backpain" is "back pain" rather than "backp ain".
    return sorted(found, key=lambda text: abs(len(word) - 2 * text.index(" ")))


def _has_trigram_index() -> bool:
    engine = db.session.get_bind()
    if engine.dialect.name != "postgresql":
        return False
    if engine not in _trigram_index:
        _trigram_index[engine] = bool(
            db.session.scalar(
                sa.text("SELECT count(*) FROM pg_indexes WHERE indexname = :name"),
                {"name": WORD_TRIGRAM_INDEX},
            )
        )
    return _trigram_index[engine]


def _near_words(word: str) -> list[str]:
    if _has_trigram_index():
        return list(
            db.session.scalars(
                select(SearchWord.word)
                .where(SearchWord.word.op("%")(word))
                .order_by(sa.func.similarity(SearchWord.word, word).desc(), SearchWord.word)
                .limit(TRIGRAM_CANDIDATES)
            )
        )
    edits = max_edits(word)
    lengths = list(range(len(word) - edits, len(word) + edits + 1))
    return list(
        db.session.scalars(
            select(SearchWord.word).where(
                SearchWord.length.in_(lengths), SearchWord.initial == word[0]
            )
        )
    )


def candidates(word: str) -> list[str]:
    """Corrections of one word the vocabulary lacks, best first (at most MAX_CANDIDATES)."""
    if len(word) < MIN_CORRECTABLE_LENGTH or not word.isalpha():
        return []
    found = _splits(word)
    near = process.extract(
        word,
        _near_words(word),
        scorer=Levenshtein.distance,
        score_cutoff=max_edits(word),
        limit=MAX_CANDIDATES * 3,
    )
    # Fewest edits first; among equals, the word of the same length, then alphabetical.
    ranked = sorted(near, key=lambda hit: (hit[1], abs(len(hit[0]) - len(word)), hit[0]))
    found.extend(text for text, _distance, _index in ranked if text != word)
    return list(dict.fromkeys(found))[:MAX_CANDIDATES]

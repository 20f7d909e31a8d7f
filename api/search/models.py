"""Tables the search keeps beside its full-text index: the vocabulary and type-ahead keys.

Both are derived from what readers read (api/search/indexing.py keeps them in step on every
flush); neither is ever written by hand.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, int_pk

WORD_MAX_LENGTH = 40


class SearchWord(Base):
    """A word of the indexed text, as written (lowercase): what "did you mean" corrects to.

    Words are only ever added (a word that no longer appears costs a row, not a wrong answer:
    a correction is offered only when searching it finds public articles). Candidates for a
    misspelling are read by (length, initial) from the index, never by scanning every word;
    PostgreSQL also keeps a trigram index on `word` (migration 0013, when pg_trgm exists).
    """

    __tablename__ = "search_words"
    __table_args__ = (Index("ix_search_words_length_initial", "length", "initial"),)

    word: Mapped[str] = mapped_column(String(WORD_MAX_LENGTH), primary_key=True)
    initial: Mapped[str] = mapped_column(String(1))
    length: Mapped[int] = mapped_column(SmallInteger)


class SearchSuggestion(Base):
    """One type-ahead key: the text of a title, topic name or synonym from one of its words on.

    "Back pain" gives the keys "back pain" and "pain", so the prefix `pain` finds it from an
    index range. `rank` says how well a key matches: 0 starts a title or name, 1 starts a later
    word of it, 2 starts a synonym, 3 a later word of a synonym. `label` is what to show.
    """

    __tablename__ = "search_suggestions"

    id: Mapped[int_pk]
    key: Mapped[str] = mapped_column(String(300))
    rank: Mapped[int] = mapped_column(SmallInteger)
    label: Mapped[str] = mapped_column(String(300))
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    topic_id: Mapped[int | None] = mapped_column(
        ForeignKey("topics.id", ondelete="CASCADE"), index=True
    )

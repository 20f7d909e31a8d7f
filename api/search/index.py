"""The search index objects, per store, and the filter that hides them from autogenerate.

SQLite keeps an FTS5 external-content table `articles_fts` over `articles` (title,
search_synonyms, summary, search_headings, body_text; porter stemming), maintained by triggers;
PostgreSQL keeps a weighted, STORED generated `tsvector` column `articles.search_vector` with a
GIN index. Either way the index changes in the same transaction as the article. The indexed
text is what readers read: `body_text` has link text, not slugs; `search_headings` and
`search_synonyms` (the synonyms of the article's topics) are derived on write. Migration 0005
created the index, 0013 added the two fields, the type-ahead key index and (PostgreSQL, where
pg_trgm can be enabled) the trigram index on the vocabulary.

None of these objects is in the ORM models: they are store-specific. `include_name` hides them
from Alembic autogenerate and from the "migrations == models" test, so neither sees drift.

Caution: SQLite batch mode (`render_as_batch`) rebuilds a table by copying it, which DROPS
its triggers. A later migration that batch-alters `articles` on SQLite must recreate the
three `articles_fts_*` triggers exactly as migration 0013 does.
"""

from __future__ import annotations

from typing import Any

FTS_TABLE = "articles_fts"
SEARCH_VECTOR = "search_vector"
SEARCH_VECTOR_INDEX = "ix_articles_search_vector"
TITLE_PREFIX_INDEX = "ix_articles_title_prefix"
TOPIC_NAME_PREFIX_INDEX = "ix_topics_name_prefix"
SUGGESTION_KEY_INDEX = "ix_search_suggestions_key"
WORD_TRIGRAM_INDEX = "ix_search_words_trgm"
HIDDEN_INDEXES = frozenset(
    {
        SEARCH_VECTOR_INDEX,
        TITLE_PREFIX_INDEX,
        TOPIC_NAME_PREFIX_INDEX,
        SUGGESTION_KEY_INDEX,
        WORD_TRIGRAM_INDEX,
    }
)
# The indexed fields in order, most important first, with their weights in the score.
FIELDS = ("title", "search_synonyms", "summary", "search_headings", "body_text")
FIELD_WEIGHTS = (10.0, 6.0, 4.0, 2.0, 1.0)
SQLITE_TRIGGERS = (
    "articles_fts_after_insert",
    "articles_fts_after_delete",
    "articles_fts_after_update",
)


def include_name(name: str | None, type_: str, parent_names: dict[str, Any]) -> bool:
    """Alembic hook: leave the search index objects out of autogenerate comparisons."""
    if type_ == "table":
        return not (name or "").startswith(FTS_TABLE)  # the FTS5 table and its shadow tables
    if type_ == "column":
        return not (parent_names.get("table_name") == "articles" and name == SEARCH_VECTOR)
    if type_ == "index":
        return name not in HIDDEN_INDEXES
    return True

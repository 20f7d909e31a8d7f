"""Shared blocks as articles use them: live text by key, who includes what, what a topic
requires. No workflow here (`api.blocks.actions`), so article rendering can depend on it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import Select, delete, select
from sqlalchemy.orm import joinedload

from api.blocks.models import ArticleSharedBlock, SharedBlock
from api.core.errors import Problem
from api.extensions import db
from api.topics.models import Topic

RED_FLAGS = "red-flags"


def live_markdown(keys: list[str]) -> Mapping[str, str]:
    """The live Markdown of the blocks named by `keys` that have approved text (one query)."""
    rows = db.session.execute(
        select(SharedBlock.key, SharedBlock.body_markdown).where(
            SharedBlock.key.in_(keys), SharedBlock.live_revision.is_not(None)
        )
    )
    return {key: markdown for key, markdown in rows}


def store_includes(article_id: int, keys: Iterable[str]) -> None:
    """Make the article's include edges exactly the blocks of `keys` (known ones)."""
    wanted = list(dict.fromkeys(keys))
    ids = (
        set(db.session.scalars(select(SharedBlock.id).where(SharedBlock.key.in_(wanted))))
        if wanted
        else set()
    )
    existing = set(
        db.session.scalars(
            select(ArticleSharedBlock.block_id).where(ArticleSharedBlock.article_id == article_id)
        )
    )
    if existing - ids:
        db.session.execute(
            delete(ArticleSharedBlock).where(
                ArticleSharedBlock.article_id == article_id,
                ArticleSharedBlock.block_id.in_(existing - ids),
            )
        )
    db.session.add_all(
        ArticleSharedBlock(article_id=article_id, block_id=block_id) for block_id in ids - existing
    )


def including_article_ids(block: SharedBlock) -> list[int]:
    """The articles whose stored body includes the block."""
    return list(
        db.session.scalars(
            select(ArticleSharedBlock.article_id)
            .where(ArticleSharedBlock.block_id == block.id)
            .order_by(ArticleSharedBlock.article_id)
        )
    )


def _topic_and_ancestor_ids(topic_slugs: list[str]) -> Select[tuple[int]]:
    up = select(Topic.id, Topic.parent_id).where(Topic.slug.in_(topic_slugs))
    tree = up.cte("topic_ancestors", recursive=True)
    tree = tree.union_all(select(Topic.id, Topic.parent_id).where(Topic.id == tree.c.parent_id))
    return select(tree.c.id)


def required_keys(topic_slugs: list[str]) -> list[str]:
    """Keys of the live blocks bound to these topics or their ancestors (one query)."""
    if not topic_slugs:
        return []
    return list(
        db.session.scalars(
            select(SharedBlock.key)
            .where(
                SharedBlock.topic_id.in_(_topic_and_ancestor_ids(topic_slugs)),
                SharedBlock.live_revision.is_not(None),
            )
            .order_by(SharedBlock.key)
        )
    )


def missing_keys(topic_slugs: list[str], included: Iterable[str]) -> list[str]:
    """The blocks an article under `topic_slugs` must include and does not."""
    have = set(included)
    return [key for key in required_keys(topic_slugs) if key not in have]


def blocks_query() -> Select[tuple[SharedBlock]]:
    """Every block, by key, with its topic."""
    return select(SharedBlock).options(joinedload(SharedBlock.topic)).order_by(SharedBlock.key)


def block_by_key(key: str, *, lock: bool = False) -> SharedBlock | None:
    query = (
        select(SharedBlock)
        .where(SharedBlock.key == key)
        .options(joinedload(SharedBlock.topic))
        .execution_options(populate_existing=True)
    )
    if lock:
        query = query.with_for_update(of=SharedBlock)
    return db.session.scalar(query)


def block_or_404(key: str, *, lock: bool = False) -> SharedBlock:
    block = block_by_key(key, lock=lock)
    if block is None:
        raise Problem(404, f"No shared block has the key '{key}'.")
    return block


def red_flags_html(topic_slug: str) -> str:
    """The live HTML of the blocks an article under the topic must include (the topic's and
    its ancestors'), joined in key order; "" if none (one query)."""
    rows = db.session.scalars(
        select(SharedBlock.body_html)
        .where(
            SharedBlock.topic_id.in_(_topic_and_ancestor_ids([topic_slug])),
            SharedBlock.live_revision.is_not(None),
        )
        .order_by(SharedBlock.key)
    )
    return "".join(rows)

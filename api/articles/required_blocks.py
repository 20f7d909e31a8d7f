"""Care levels that stay consistent: an article under a topic that has shared blocks (its own
or an ancestor topic's, e.g. `red-flags/back-pain`) is published only if its body includes
each of them. Checked when publishing (the moment patients would see the article), on the
content that would go live: the pending revision of a published article, else the row."""

from __future__ import annotations

from typing import Any

from api.articles import live
from api.articles.models import Article
from api.blocks.services import missing_keys
from api.core.errors import Problem
from api.links.rendering import block_keys_of
from api.revisions.services import content_of


def missing_blocks(article: Article) -> list[str]:
    """Keys of the blocks the content about to go live must include and does not."""
    content = live.working_content(article) if article.has_pending_revision else content_of(article)
    return missing_keys(content["topics"], block_keys_of(content["body_markdown"]))


def check_required_blocks(article: Article, **extra: Any) -> None:
    """409 listing `missing_blocks` when the article lacks a required shared block."""
    missing = missing_blocks(article)
    if not missing:
        return
    lines = ", ".join(f"`::: include {key}`" for key in missing)
    raise Problem(
        409,
        f"Articles under these topics must include their shared blocks; add {lines} "
        "on a line of its own in the body.",
        missing_blocks=missing,
        article_status=article.status.value,
        **extra,
    )

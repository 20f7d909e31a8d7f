"""Which articles related-article ranking scores: a bounded set, whatever the library size.

Scoring every article that shares a topic cost a sum over every row of the neighbouring
topics (5,000-17,000 each at 100,000 articles). The candidates below come from index walks
that stop early; each one is then scored on everything it shares (services.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import current_app
from sqlalchemy import Integer, func, literal, select, true, union_all
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import aliased

from api.articles.models import Article, ArticleTopic
from api.core import clock
from api.extensions import db
from api.links.models import ArticleLink

if TYPE_CHECKING:
    from api.related.services import Plan


def candidate_ids(plan: Plan) -> Any:
    """The articles worth scoring, a bounded set whatever the size of the library.

    The most recent public articles of each topic that can earn points (the
    RELATED_CANDIDATES_PER_TOPIC newest, read backwards from the (topic_id, public_since)
    index and stopped there), the articles among the deeper newest of one of our own topics
    that share another of them, the pillar pages and the articles linked either way. Left out:
    older articles, which each topic they share already gives many newer (tie-winning)
    matches for; one can still deserve a place by combining a neighbouring topic with a
    shared one: the approximation measured in docs/deployment-and-scale.md (Scale).
    """
    topics = sorted(set(plan.topic_points).union(*plan.pillar_scopes.values()))
    own = sorted(plan.own_topics)
    parts: list[Any] = _newest_per_topic(topics, own) if topics else []
    if plan.pillar_pages:
        parts.append(
            select(Article.id.label("article_id")).where(Article.id.in_(list(plan.pillar_pages)))
        )
    parts.append(
        select(ArticleLink.target_id.label("article_id")).where(
            ArticleLink.source_id == plan.article_id, ArticleLink.target_id.is_not(None)
        )
    )
    parts.append(
        select(ArticleLink.source_id.label("article_id")).where(
            ArticleLink.target_id == plan.article_id
        )
    )
    return union_all(*parts).cte("candidates")


# Our own topics are read deeper (this many times the per-topic limit) for articles that
# share at least two of them: the strongest evidence, kept even when not among the newest.
OWN_TOPIC_DEPTH = 10


def _newest(topic_id: Any, depth: int) -> Any:
    """The newest public rows of a topic, read backwards from its index, stopping at `depth`."""
    return (
        select(ArticleTopic.article_id)
        .where(ArticleTopic.topic_id == topic_id, ArticleTopic.public_since <= clock.now())
        .order_by(ArticleTopic.public_since.desc(), ArticleTopic.article_id.desc())
        .limit(depth)
    )


def _shares_another(walked: Any, topic_id: Any, own: Any) -> Any:
    """The walked article is also filed under another of our own topics (one index probe;
    a scalar subquery, which PostgreSQL keeps a probe instead of hashing whole topics)."""
    other = aliased(ArticleTopic)
    probe = (
        select(other.article_id)
        .where(
            other.article_id == walked.c.article_id,
            own(other.topic_id),
            other.topic_id != topic_id,
        )
        .limit(1)
        .correlate_except(other)
        .scalar_subquery()
    )
    return probe.is_not(None)


def _newest_per_topic(topics: list[int], own: list[int]) -> list[Any]:
    """Selects of candidate ids: the newest of each topic, and articles among the deeper
    newest of one of our own topics that share another of them.

    PostgreSQL: LATERAL subqueries over arrays of topic ids (statements of one shape whatever
    the topics). SQLite has no LATERAL: limited subqueries per topic.
    """
    per_topic = current_app.config["RELATED_CANDIDATES_PER_TOPIC"]
    depth = per_topic * OWN_TOPIC_DEPTH
    if db.session.get_bind().dialect.name != "postgresql":
        parts = [
            select(_newest(topic_id, per_topic).subquery().c.article_id) for topic_id in topics
        ]
        for topic_id in own if len(own) > 1 else []:
            walked = _newest(topic_id, depth).subquery()
            is_own = lambda column: column.in_(own)  # noqa: E731
            parts.append(
                select(walked.c.article_id).where(_shares_another(walked, topic_id, is_own))
            )
        return parts

    def ints(values: list[int]) -> Any:
        return literal(values, type_=ARRAY(Integer))

    ids = func.unnest(ints(topics)).table_valued("id").render_derived(name="topic_ids")
    newest = _newest(ids.c.id, per_topic).lateral("newest")
    parts = [select(newest.c.article_id).select_from(ids).join(newest, true())]
    if len(own) > 1:
        own_ids = func.unnest(ints(own)).table_valued("id").render_derived(name="own_ids")
        walked = _newest(own_ids.c.id, depth).lateral("walked")
        is_own = lambda column: column == func.any(ints(own))  # noqa: E731
        parts.append(
            select(walked.c.article_id)
            .select_from(own_ids)
            .join(walked, true())
            .where(_shares_another(walked, own_ids.c.id, is_own))
        )
    return parts

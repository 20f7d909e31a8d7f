"""Related topics (editors' "see also" and co-occurrence on published articles), topic detail."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import aliased

from api.articles.models import Article, ArticleTopic
from api.articles.services import in_topic_tree
from api.articles.visibility import public_filter
from api.blocks.services import red_flags_html
from api.core.errors import Problem
from api.extensions import db
from api.taxonomy.models import TopicRelation
from api.topics.models import Topic
from api.topics.services import descendant_ids, topic_detail, topic_or_404

SEE_ALSO_SCORE = 1.0
MAX_SEE_ALSO = 50


@dataclass
class RelatedTopic:
    topic: Topic
    see_also: bool = False
    shared_articles: int = 0
    overlap: float = 0.0  # Jaccard index of the two topics' published articles
    reasons: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        return round((SEE_ALSO_SCORE if self.see_also else 0.0) + self.overlap, 4)


def _see_also(topic_id: int) -> list[Topic]:
    query = (
        select(Topic)
        .join(TopicRelation, TopicRelation.related_id == Topic.id)
        .where(TopicRelation.topic_id == topic_id)
    )
    return list(db.session.scalars(query))


def _tree_relatives(topic_id: int) -> Any:
    """Ids of the topic's ancestors and descendants: the tree already relates those."""
    up = (
        select(Topic.parent_id.label("id"))
        .where(Topic.id == topic_id, Topic.parent_id.is_not(None))
        .cte("relatives_up", recursive=True)
    )
    parent = aliased(Topic)
    up = up.union_all(
        select(parent.parent_id).where(parent.id == up.c.id, parent.parent_id.is_not(None))
    )
    return select(up.c.id).union(descendant_ids([topic_id]))


def _co_occurring(topic_id: int) -> dict[int, int]:
    """Other topics filed on the same published articles, with how many articles (one query)."""
    mine, other = aliased(ArticleTopic), aliased(ArticleTopic)
    query = (
        select(other.topic_id, func.count())
        .select_from(mine)
        .join(other, other.article_id == mine.article_id)
        .join(Article, Article.id == mine.article_id)
        .where(
            mine.topic_id == topic_id,
            public_filter(),
            other.topic_id.not_in(_tree_relatives(topic_id)),
        )
        .group_by(other.topic_id)
    )
    return {topic_id: count for topic_id, count in db.session.execute(query)}


def _published_counts(topic_ids: list[int]) -> dict[int, int]:
    query = (
        select(ArticleTopic.topic_id, func.count())
        .join(Article, Article.id == ArticleTopic.article_id)
        .where(ArticleTopic.topic_id.in_(topic_ids), public_filter())
        .group_by(ArticleTopic.topic_id)
    )
    return {topic_id: count for topic_id, count in db.session.execute(query)}


def related_topics(topic: Topic, limit: int = 10) -> list[RelatedTopic]:
    """See-also topics and co-occurring topics, best first, each with its reasons.

    Score: 1 for an editors' see-also link, plus the overlap (Jaccard index) of the two
    topics' published articles. Four queries, whatever the size of the taxonomy.
    """
    related = {t.id: RelatedTopic(t, see_also=True) for t in _see_also(topic.id)}
    shared = _co_occurring(topic.id)
    counts = _published_counts([topic.id, *shared]) if shared else {}
    missing = [topic_id for topic_id in shared if topic_id not in related]
    if missing:
        for other in db.session.scalars(select(Topic).where(Topic.id.in_(missing))):
            related[other.id] = RelatedTopic(other)
    for item in related.values():
        if item.see_also:
            item.reasons.append("see also (chosen by editors)")
        together = shared.get(item.topic.id, 0)
        if together:
            union = counts.get(topic.id, 0) + counts.get(item.topic.id, 0) - together
            item.shared_articles, item.overlap = together, together / max(union, 1)
            plural = "article" if together == 1 else "articles"
            item.reasons.append(f"appears together on {together} published {plural}")
    ranked = sorted(related.values(), key=lambda r: (-r.score, r.topic.name, r.topic.id))
    return ranked[:limit]


def set_see_also(slug: str, related_slugs: list[str]) -> list[RelatedTopic]:
    """Replace the topic's see-also links (both directions); unknown or own slug is a 422."""
    topic = topic_or_404(slug)
    wanted = list(dict.fromkeys(related_slugs))
    if slug in wanted:
        raise Problem(422, "A topic cannot be related to itself.", errors={"related": [slug]})
    rows = db.session.execute(select(Topic.slug, Topic.id).where(Topic.slug.in_(wanted)))
    found = {topic_slug: topic_id for topic_slug, topic_id in rows}
    unknown = [s for s in wanted if s not in found]
    if unknown:
        raise Problem(
            422,
            f"Unknown topic: {', '.join(unknown)}.",
            errors={"related": [f"Unknown topic '{s}'." for s in unknown]},
        )
    db.session.execute(
        delete(TopicRelation).where(
            (TopicRelation.topic_id == topic.id) | (TopicRelation.related_id == topic.id)
        )
    )
    for other_id in found.values():
        db.session.add(TopicRelation(topic_id=topic.id, related_id=other_id))
        db.session.add(TopicRelation(topic_id=other_id, related_id=topic.id))
    db.session.flush()
    return related_topics(topic, limit=MAX_SEE_ALSO)


def add_see_also(topic_id: int, other_id: int) -> bool:
    """Link two topics unless they already are (for the idempotent seed); True if added."""
    exists = db.session.get(TopicRelation, (topic_id, other_id))
    if exists is not None:
        return False
    db.session.add(TopicRelation(topic_id=topic_id, related_id=other_id))
    db.session.add(TopicRelation(topic_id=other_id, related_id=topic_id))
    db.session.flush()
    return True


def topic_page(slug: str) -> Topic:
    """A topic with its tree position, related topics, public pillar, article count and the
    live shared blocks its articles must include."""
    topic = topic_detail(slug)
    topic.related = related_topics(topic)  # type: ignore[attr-defined]
    count = select(func.count(Article.id)).where(public_filter(), in_topic_tree(slug))
    topic.published_article_count = db.session.scalar(count) or 0  # type: ignore[attr-defined]
    topic.red_flags_html = red_flags_html(slug)  # type: ignore[attr-defined]
    return topic

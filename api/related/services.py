"""Related articles: ranked in the database from weights computed on the taxonomy.

Queries, whatever the number of articles: the article, its topics, the taxonomy rows, topic
sizes (only when the per-process copy is stale, see stats.py), the ranking itself, the
winners' summaries (two) and the links between them and us. The ranking scores a bounded set
of candidates (see `_candidates`), so its cost stays flat as the library grows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy import Integer, case, func, literal, or_, select, true, union_all
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import aliased, load_only

from api.articles.models import Article, ArticleTopic
from api.articles.services import SUMMARY_OPTIONS
from api.articles.visibility import public_articles, public_filter
from api.core import clock
from api.core.errors import Problem
from api.extensions import db
from api.links.models import ArticleLink
from api.related import scoring
from api.related.scoring import Taxonomy, TopicRow
from api.related.stats import topic_sizes
from api.topics.models import Topic


@dataclass
class RelatedArticle:
    article: Article
    points: int
    reasons: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        return self.points / scoring.SCALE


@dataclass
class Plan:
    """Everything the ranking query needs, decided before it runs."""

    article_id: int
    own_topics: list[int]
    topic_points: dict[int, int]
    topic_kinds: dict[int, str]
    pillar_pages: dict[int, int]  # article id -> the topic it is the hub of
    pillar_scopes: dict[int, set[int]]  # pillar topic -> topics under it
    taxonomy: Taxonomy


def _plan(slug: str) -> Plan:
    article = db.session.scalar(
        public_articles().where(Article.slug == slug).options(load_only(Article.id))
    )
    if article is None:
        raise Problem(404, f"No published article has the slug '{slug}'.")
    own = list(
        db.session.scalars(
            select(ArticleTopic.topic_id).where(ArticleTopic.article_id == article.id)
        )
    )
    rows = db.session.execute(
        select(Topic.id, Topic.parent_id, Topic.name, Topic.pillar_article_id)
    ).all()
    taxonomy = Taxonomy({row.id: TopicRow(*row) for row in rows})
    kinds = scoring.neighbourhood(taxonomy, own)
    sizes = topic_sizes()
    pillar_pages: dict[int, int] = {}
    for topic_id in own:
        for ancestor in taxonomy.ancestors_or_self(topic_id):
            pillar = taxonomy.topics[ancestor].pillar_article_id
            if pillar is not None and pillar != article.id:
                pillar_pages.setdefault(pillar, ancestor)
    nearest = {taxonomy.nearest_pillar_topic(topic_id) for topic_id in own} - {None}
    return Plan(
        article_id=article.id,
        own_topics=own,
        topic_points=scoring.topic_points(kinds, sizes.per_topic, sizes.total),
        topic_kinds=kinds,
        pillar_pages=pillar_pages,
        pillar_scopes={p: taxonomy.governed_by(p) for p in nearest if p is not None},
        taxonomy=taxonomy,
    )


def _candidates(plan: Plan) -> Any:
    """The articles worth scoring, a bounded set whatever the size of the library.

    The most recent public articles of each topic that can earn points (the
    RELATED_CANDIDATES_PER_TOPIC newest, read backwards from the (topic_id, public_since)
    index and stopped there), the pillar pages and the articles linked either way. Every
    candidate is then scored on all it shares; an article outside this set could only have
    been ranked for topics where dozens of newer articles rank at least as high.
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


def _evidence(plan: Plan) -> Any:
    """One row (article id, points) per thing a candidate shares with the article."""

    def points(value: int) -> Any:
        return literal(value, Integer).label("points")

    candidates = select(_candidates(plan).c.article_id)
    parts: list[Any] = []
    if plan.topic_points:
        parts.append(
            select(
                ArticleTopic.article_id.label("article_id"),
                case(plan.topic_points, value=ArticleTopic.topic_id).label("points"),
            ).where(
                ArticleTopic.article_id.in_(candidates),
                ArticleTopic.topic_id.in_(list(plan.topic_points)),
            )
        )
    for scope in plan.pillar_scopes.values():
        parts.append(
            select(ArticleTopic.article_id.label("article_id"), points(scoring.SAME_PILLAR_POINTS))
            .where(ArticleTopic.article_id.in_(candidates), ArticleTopic.topic_id.in_(scope))
            .distinct()
        )
    if plan.pillar_pages:
        parts.append(
            select(Article.id.label("article_id"), points(scoring.PILLAR_PAGE_POINTS)).where(
                Article.id.in_(list(plan.pillar_pages))
            )
        )
    parts.append(
        select(ArticleLink.target_id.label("article_id"), points(scoring.LINK_POINTS))
        .where(ArticleLink.source_id == plan.article_id, ArticleLink.target_id.is_not(None))
        .distinct()
    )
    parts.append(
        select(ArticleLink.source_id.label("article_id"), points(scoring.LINK_POINTS))
        .where(ArticleLink.target_id == plan.article_id)
        .distinct()
    )
    return union_all(*parts).subquery("evidence")


def _ranking(plan: Plan, limit: int) -> list[tuple[int, int]]:
    evidence = _evidence(plan)
    score = func.sum(evidence.c.points)
    query = (
        select(Article.id, score)
        .join(evidence, evidence.c.article_id == Article.id)
        .where(public_filter(), Article.id != plan.article_id)
        .group_by(Article.id, Article.published_at)
        .order_by(score.desc(), Article.published_at.desc(), Article.id)
        .limit(limit)
    )
    return [(article_id, int(points)) for article_id, points in db.session.execute(query)]


def related_articles(slug: str, limit: int = 5) -> list[RelatedArticle]:
    """Other public articles ranked by what they share with this one, with readable reasons."""
    plan = _plan(slug)
    ranking = _ranking(plan, limit)
    ids = [article_id for article_id, _ in ranking]
    if not ids:
        return []
    articles = {
        a.id: a
        for a in db.session.scalars(
            select(Article).where(Article.id.in_(ids)).options(*SUMMARY_OPTIONS)
        )
    }
    directions = db.session.execute(
        select(ArticleLink.source_id, ArticleLink.target_id).where(
            or_(
                (ArticleLink.source_id == plan.article_id) & ArticleLink.target_id.in_(ids),
                (ArticleLink.target_id == plan.article_id) & ArticleLink.source_id.in_(ids),
            )
        )
    ).all()
    return [
        RelatedArticle(articles[i], points, _reasons(plan, articles[i], directions))
        for i, points in ranking
    ]


def _reasons(plan: Plan, article: Article, links: list[Any]) -> list[str]:
    """Readable reasons, the weightiest first (the same weights as the ranking)."""
    weighed: list[tuple[int, str]] = []
    topic_ids = [link.topic_id for link in article.topic_links]
    names = plan.taxonomy.topics
    for topic_id in topic_ids:
        if topic_id in plan.topic_points:
            label = scoring.NEAR_REASONS[plan.topic_kinds[topic_id]]
            weighed.append((plan.topic_points[topic_id], f"{label}: {names[topic_id].name}"))
    if any(s == article.id and t == plan.article_id for s, t in links):
        weighed.append((scoring.LINK_POINTS, "links to this article"))
    if any(s == plan.article_id and t == article.id for s, t in links):
        weighed.append((scoring.LINK_POINTS, "linked from this article"))
    if article.id in plan.pillar_pages:
        topic = names[plan.pillar_pages[article.id]].name
        weighed.append((scoring.PILLAR_PAGE_POINTS, f"pillar article of: {topic}"))
    for pillar_topic, scope in plan.pillar_scopes.items():
        if scope.intersection(topic_ids):
            weighed.append((scoring.SAME_PILLAR_POINTS, f"same pillar: {names[pillar_topic].name}"))
    weighed.sort(key=lambda item: -item[0])
    return [reason for _, reason in weighed]

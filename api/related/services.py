"""Related articles: ranked in the database from weights computed on the taxonomy.

Queries, whatever the number of articles: the article, its topics, the taxonomy rows, topic
sizes (only when the per-process copy is stale, see stats.py), the ranking itself, the
winners' summaries (two) and the links between them and us. The ranking scores a bounded set
of candidates (see `_candidates`), so its cost stays flat as the library grows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Integer, case, func, literal, or_, select, union_all

from api.articles.models import Article, ArticleTopic
from api.articles.services import SUMMARY_OPTIONS
from api.articles.visibility import public_articles, public_filter
from api.core.errors import Problem
from api.extensions import db
from api.links.models import ArticleLink
from api.related import scoring
from api.related.candidates import candidate_ids
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


def _plan(slug: str, article_id: int | None = None) -> Plan:
    if article_id is None:
        article_id = db.session.scalar(
            public_articles().where(Article.slug == slug).with_only_columns(Article.id)
        )
    if article_id is None:
        raise Problem(404, f"No published article has the slug '{slug}'.")
    own = list(
        db.session.scalars(
            select(ArticleTopic.topic_id).where(ArticleTopic.article_id == article_id)
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
            if pillar is not None and pillar != article_id:
                pillar_pages.setdefault(pillar, ancestor)
    nearest = {taxonomy.nearest_pillar_topic(topic_id) for topic_id in own} - {None}
    return Plan(
        article_id=article_id,
        own_topics=own,
        topic_points=scoring.topic_points(kinds, sizes.per_topic, sizes.total),
        topic_kinds=kinds,
        pillar_pages=pillar_pages,
        pillar_scopes={p: taxonomy.governed_by(p) for p in nearest if p is not None},
        taxonomy=taxonomy,
    )


def _evidence(plan: Plan) -> Any:
    """One row (article id, points) per thing a candidate shares with the article."""

    def points(value: int) -> Any:
        return literal(value, Integer).label("points")

    candidates = select(candidate_ids(plan).c.article_id)
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


def related_articles(
    slug: str, limit: int = 5, *, article_id: int | None = None
) -> list[RelatedArticle]:
    """Other public articles ranked by what they share with this one, with readable reasons.

    By slug, the article must be public; by `article_id` (a preview) it may be any article."""
    plan = _plan(slug, article_id)
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

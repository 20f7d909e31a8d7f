"""Related-article lists for a whole bundle from a few queries, ranked in memory.

`api.related` ranks one article per request with several queries; a bundle of N articles would
need N times that. Here the same weights (`api.related.scoring`) are applied to rows read once
(public articles, their topics, the taxonomy and links), so a bundle costs three queries
whatever its size; a test checks the lists equal what the related endpoint answers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from api.articles.models import Article, ArticleTopic
from api.articles.visibility import public_filter
from api.extensions import db
from api.links.models import ArticleLink
from api.related import scoring
from api.related.scoring import Taxonomy

LIMIT = 5


@dataclass
class PublicGraph:
    published: dict[int, tuple[dt.datetime, str]]  # article id -> (published_at, slug)
    topics_of: dict[int, list[int]]
    articles_in: dict[int, set[int]]
    links: set[tuple[int, int]]

    @classmethod
    def load(cls) -> PublicGraph:
        published = {
            row.id: (row.published_at, row.slug)
            for row in db.session.execute(
                select(Article.id, Article.published_at, Article.slug).where(public_filter())
            )
        }
        topics_of: dict[int, list[int]] = defaultdict(list)
        articles_in: dict[int, set[int]] = defaultdict(set)
        filed = select(ArticleTopic.article_id, ArticleTopic.topic_id).join(
            Article, Article.id == ArticleTopic.article_id
        )
        for article_id, topic_id in db.session.execute(filed.where(public_filter())):
            topics_of[article_id].append(topic_id)
            articles_in[topic_id].add(article_id)
        links = {
            (source, target)
            for source, target in db.session.execute(
                select(ArticleLink.source_id, ArticleLink.target_id).where(
                    ArticleLink.target_id.is_not(None)
                )
            )
            if source in published and target in published and source != target
        }
        return cls(published, topics_of, articles_in, links)


def _points(graph: PublicGraph, taxonomy: Taxonomy, article_id: int) -> dict[int, int]:
    """Points per candidate, as `api.related.services._evidence` sums them."""
    own = graph.topics_of.get(article_id, [])
    kinds = scoring.neighbourhood(taxonomy, own)
    counts = {topic_id: len(graph.articles_in.get(topic_id, ())) for topic_id in kinds}
    topic_points = scoring.topic_points(kinds, counts, len(graph.published))
    points: dict[int, int] = defaultdict(int)
    for candidate, topic_ids in graph.topics_of.items():
        for topic_id in topic_ids:
            if topic_id in topic_points:
                points[candidate] += topic_points[topic_id]
    nearest = {taxonomy.nearest_pillar_topic(topic_id) for topic_id in own} - {None}
    for pillar_topic in nearest:
        scope = taxonomy.governed_by(pillar_topic)  # type: ignore[arg-type]
        for candidate in {c for t in scope for c in graph.articles_in.get(t, ())}:
            points[candidate] += scoring.SAME_PILLAR_POINTS
    pillar_pages: set[int] = set()
    for topic_id in own:
        for ancestor in taxonomy.ancestors_or_self(topic_id):
            pillar = taxonomy.topics[ancestor].pillar_article_id
            if pillar is not None and pillar != article_id:
                pillar_pages.add(pillar)
    for pillar in pillar_pages:
        points[pillar] += scoring.PILLAR_PAGE_POINTS
    for source, target in graph.links:
        if source == article_id:
            points[target] += scoring.LINK_POINTS
        if target == article_id:
            points[source] += scoring.LINK_POINTS
    return points


def related_slugs(
    graph: PublicGraph, taxonomy: Taxonomy, article_ids: Iterable[int]
) -> dict[str, list[str]]:
    """For each article, the slugs of its related public articles, best first."""
    related = {}
    for article_id in article_ids:
        points = _points(graph, taxonomy, article_id)
        ranked = sorted(
            (
                (-score, -graph.published[c][0].timestamp(), c)
                for c, score in points.items()
                if c != article_id and c in graph.published and score > 0
            )
        )
        related[graph.published[article_id][1]] = [
            graph.published[c][1] for _, _, c in ranked[:LIMIT]
        ]
    return related

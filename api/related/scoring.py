"""What two articles share, as weights: computed from the taxonomy, applied in the database.

Points are integers (thousandths) so that sums are exact and ties, broken by recency and id,
are deterministic on every store.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

SCALE = 1000
LINK_POINTS = 1 * SCALE  # each direction
PILLAR_PAGE_POINTS = 1 * SCALE  # the candidate is the hub article of one of our topics
SAME_PILLAR_POINTS = SCALE // 2  # both sit under the same nearest pillar topic
# Partial credit for a topic near one of ours in the tree, by kind (distance 1 or 2).
NEAR_FACTORS = {"shared": 1.0, "broader": 0.5, "narrower": 0.5, "neighbouring": 0.25}
NEAR_REASONS = {
    "shared": "shared topic",
    "broader": "broader topic",
    "narrower": "narrower topic",
    "neighbouring": "neighbouring topic",
}


@dataclass(frozen=True)
class TopicRow:
    id: int
    parent_id: int | None
    name: str
    pillar_article_id: int | None


@dataclass
class Taxonomy:
    """The topic tree as plain rows (one query), with the walks ranking needs."""

    topics: dict[int, TopicRow]
    children: dict[int, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for row in self.topics.values():
            if row.parent_id is not None:
                self.children.setdefault(row.parent_id, []).append(row.id)

    def parent(self, topic_id: int) -> int | None:
        row = self.topics.get(topic_id)
        return row.parent_id if row else None

    def ancestors_or_self(self, topic_id: int) -> list[int]:
        chain, seen = [], set()
        current: int | None = topic_id
        while current is not None and current not in seen and current in self.topics:
            chain.append(current)
            seen.add(current)
            current = self.parent(current)
        return chain

    def nearest_pillar_topic(self, topic_id: int) -> int | None:
        return next(
            (t for t in self.ancestors_or_self(topic_id) if self.topics[t].pillar_article_id),
            None,
        )

    def governed_by(self, pillar_topic: int) -> set[int]:
        """The pillar topic and the descendants whose nearest pillar it is."""
        governed, stack = {pillar_topic}, list(self.children.get(pillar_topic, []))
        while stack:
            topic_id = stack.pop()
            if self.topics[topic_id].pillar_article_id or topic_id in governed:
                continue
            governed.add(topic_id)
            stack.extend(self.children.get(topic_id, []))
        return governed


def neighbourhood(taxonomy: Taxonomy, own: Iterable[int]) -> dict[int, str]:
    """Our topics ("shared") and the topics at distance 1 or 2 in the tree, by kind."""
    kinds: dict[int, str] = {}

    def offer(topic_id: int | None, kind: str) -> None:
        if topic_id is None or topic_id not in taxonomy.topics:
            return
        if NEAR_FACTORS[kind] > NEAR_FACTORS.get(kinds.get(topic_id, ""), 0.0):
            kinds[topic_id] = kind

    for topic_id in own:
        offer(topic_id, "shared")
        parent = taxonomy.parent(topic_id)
        offer(parent, "broader")
        offer(taxonomy.parent(parent) if parent else None, "neighbouring")
        for child in taxonomy.children.get(topic_id, []):
            offer(child, "narrower")
            for grandchild in taxonomy.children.get(child, []):
                offer(grandchild, "neighbouring")
        for sibling in taxonomy.children.get(parent, []) if parent else []:
            offer(sibling, "neighbouring")
    return kinds


def idf(total: int, in_topic: int) -> float:
    """Rarity of a topic among public articles: a narrow topic says more than a broad one."""
    return math.log(1 + total / max(in_topic, 1))


def topic_points(kinds: dict[int, str], counts: dict[int, int], total: int) -> dict[int, int]:
    return {
        topic_id: max(1, round(NEAR_FACTORS[kind] * idf(total, counts.get(topic_id, 0)) * SCALE))
        for topic_id, kind in kinds.items()
    }

"""A realistic library of N articles, bulk-inserted with SQLAlchemy Core in batches.

20 authors, 50 topics in a three-level tree (5 roots, 15 children, 30 grandchildren), articles
of about 10 KB of HTML with headings, lists and internal links, each filed under 2-4 topics.
Rows go in with plain `insert()` executemany into the real tables, so any trigger a migration
defines (e.g. a search index) fires as it would for writes through the API.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, Table, func, insert, select, text

from api.articles.models import Article, ArticleStatus, ArticleTopic
from api.authors.models import Author, AuthorKind
from api.core.markdown import render_markdown, slugify
from api.links.models import ArticleLink
from api.topics.models import Topic
from bench.bodies import LINKS_PER_BODY, THEMES, Body, article_title, render_templates

AUTHOR_COUNT = 20
BODY_TEMPLATES = 12
BATCH_SIZE = 1000
DRAFT_SHARE = 0.03  # some drafts, which the public never sees
ROOTS = ["Back pain", "Sleep and rest", "Nutrition and gut health", "Movement", "Mind and mood"]
CHILDREN = ["Causes", "Treatments", "Everyday life"]
GRANDCHILDREN = ["Basics", "In depth"]
FIRST_NAMES = ["Ana", "Ben", "Chloe", "Dev", "Eva", "Femi", "Grace", "Hugo", "Ines", "Jon"]
LAST_NAMES = ["Okafor", "Lindqvist", "Moreau", "Patel", "Nakamura", "Schmidt", "Rossi"]


@dataclass
class Generated:
    """What the generator wrote, and how long it took."""

    articles: int = 0
    published_slugs: list[str] = field(default_factory=list)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


def topic_rows(now: dt.datetime) -> list[dict[str, Any]]:
    """50 topics, parents before children; ids are assigned here."""
    rows: list[dict[str, Any]] = []

    def add(name: str, parent: dict[str, Any] | None, position: int) -> dict[str, Any]:
        slug = slugify(name if parent is None else f"{parent['name']} {name}")
        row = {
            "id": len(rows) + 1,
            "slug": slug,
            "name": name if parent is None else f"{parent['name']}: {name}",
            "description": f"Articles about {name.lower()}.",
            "description_html": f"<p>Articles about {name.lower()}.</p>",
            "parent_id": parent["id"] if parent else None,
            "position": position,
            "synonyms": [],
            "created_at": now,
            "updated_at": now,
        }
        rows.append(row)
        return row

    for root_position, root_name in enumerate(ROOTS):
        root = add(root_name, None, root_position)
        for child_position, child_name in enumerate(CHILDREN):
            child = add(child_name, root, child_position)
            for leaf_position, leaf_name in enumerate(GRANDCHILDREN):
                add(leaf_name, child, leaf_position)
    return rows


def author_rows(now: dt.datetime) -> list[dict[str, Any]]:
    bio = "A clinician who writes for patients.\n\n- Plain words\n- Checked facts\n"
    bio_html = render_markdown(bio).html
    rows = []
    for index in range(AUTHOR_COUNT):
        name = f"{FIRST_NAMES[index % 10]} {LAST_NAMES[index % 7]}"
        rows.append(
            {
                "id": index + 1,
                "slug": f"{slugify(name)}-{index + 1}",
                "name": name,
                "kind": AuthorKind.PERSON,
                "credentials": "MD" if index % 2 else "RN",
                "job_title": "Clinician",
                "bio_markdown": bio,
                "bio_html": bio_html,
                "created_at": now,
                "updated_at": now,
            }
        )
    return rows


def _topics_for(rng: random.Random, theme: int, topics: list[dict[str, Any]]) -> list[int]:
    """2-4 topic ids: a leaf of the theme's root first (primary), then some others."""
    root = topics[(theme % len(ROOTS)) * 10]
    subtree = [t["id"] for t in topics[root["id"] - 1 : root["id"] + 9] if t["id"] != root["id"]]
    chosen, wanted = [rng.choice(subtree)], rng.randint(2, 4)
    while len(chosen) < wanted:
        pool = subtree if rng.random() < 0.6 else [t["id"] for t in topics]
        candidate = rng.choice(pool)
        if candidate not in chosen:
            chosen.append(candidate)
    return chosen


def article_plan(count: int, seed: int = 8) -> Iterator[tuple[int, str, str, int, bool]]:
    """(id, slug, title, theme, published) for every article, deterministic for a seed."""
    rng = random.Random(seed)
    for number in range(1, count + 1):
        theme = rng.randrange(len(THEMES))
        title = article_title(rng, theme)
        published = rng.random() >= DRAFT_SHARE
        yield number, f"{slugify(title)}-{number}", title, theme, published


def article_batches(
    count: int, bodies: list[Body], topics: list[dict[str, Any]], now: dt.datetime
) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]]:
    """Article rows, their topic links and their internal link edges, BATCH_SIZE at a time."""
    plan = list(article_plan(count))
    slugs = [slug for _, slug, _, _, _ in plan]
    rng = random.Random(count)
    by_theme = {theme: [b for b in bodies if b.theme == theme] for theme in range(len(THEMES))}
    articles: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    for number, slug, title, theme, published in plan:
        body = rng.choice(by_theme[theme])
        target_ids = [rng.randrange(count) + 1 for _ in range(LINKS_PER_BODY)]
        targets = [slugs[target_id - 1] for target_id in target_ids]
        published_at = now - dt.timedelta(minutes=number * 7 + 60)
        articles.append(
            {
                "id": number,
                "slug": slug,
                "title": title,
                "summary": f"{title}. What patients ask most, answered in plain words.",
                **body.for_article(title, targets),
                "language": "en",
                "status": ArticleStatus.PUBLISHED if published else ArticleStatus.DRAFT,
                "published_at": published_at if published else None,
                "author_id": rng.randrange(AUTHOR_COUNT) + 1,
                "meta_description": f"{title}: a patient guide.",
                "version": 1,
                "created_at": published_at,
                "updated_at": published_at,
            }
        )
        # What save_article stores for the links the body writes (ids are 1-based positions).
        for target_id in dict.fromkeys(target_ids):
            edges.append(
                {"source_id": number, "target_slug": slugs[target_id - 1], "target_id": target_id}
            )
        for position, topic_id in enumerate(_topics_for(rng, theme, topics)):
            links.append(
                {
                    "article_id": number,
                    "topic_id": topic_id,
                    "is_primary": position == 0,
                    "position": position,
                    "public_since": published_at if published else None,
                }
            )
        if len(articles) == BATCH_SIZE:
            yield articles, links, edges
            articles, links, edges = [], [], []
    if articles:
        yield articles, links, edges


def generate(engine: Engine, count: int, *, now: dt.datetime | None = None) -> Generated:
    """Fill an empty, migrated store with the library; needs an app context (body rendering)."""
    started = time.perf_counter()
    now = now or dt.datetime.now(dt.UTC)
    bodies = render_templates(BODY_TEMPLATES)
    topics = topic_rows(now)
    result = Generated()
    with engine.begin() as connection:
        connection.execute(insert(Author.__table__), author_rows(now))
        connection.execute(insert(Topic.__table__), topics)
        result.notes += _extra_rows(connection, now)
    pending: list[dict[str, Any]] = []  # links to articles of later batches wait for them
    for articles, links, edges in article_batches(count, bodies, topics, now):
        with engine.begin() as connection:
            connection.execute(insert(Article.__table__), articles)
            connection.execute(insert(ArticleTopic.__table__), links)
            last_id = articles[-1]["id"]
            ready = [edge for edge in edges if edge["target_id"] <= last_id]
            pending += [edge for edge in edges if edge["target_id"] > last_id]
            if ready:
                connection.execute(insert(ArticleLink.__table__), ready)
        result.articles += len(articles)
    for start in range(0, len(pending), BATCH_SIZE * 4):
        with engine.begin() as connection:
            connection.execute(
                insert(ArticleLink.__table__), pending[start : start + BATCH_SIZE * 4]
            )
    _finish(engine)
    result.published_slugs = [slug for _, slug, _, _, published in article_plan(count) if published]
    result.seconds = time.perf_counter() - started
    return result


def _extra_rows(connection: Connection, now: dt.datetime) -> list[str]:
    """A newsletter for signups, when this build has newsletters (best effort, reflected)."""
    metadata = MetaData()
    try:
        table = Table("newsletters", metadata, autoload_with=connection)
    except Exception:  # (no such table in this build)
        return []
    if connection.scalar(select(func.count()).select_from(table)):
        return []
    values = {"slug": "spine-health", "name": "Spine health", "description": "Monthly news."}
    for column in table.columns:
        if column.name in ("created_at", "updated_at"):
            values[column.name] = now
    values = {name: value for name, value in values.items() if name in table.columns}
    connection.execute(insert(table), values)
    return ["created the newsletter 'spine-health' for signups"]


def _finish(engine: Engine) -> None:
    """Move id sequences past the explicit ids; vacuum and analyze, as autovacuum would.

    The visibility map VACUUM sets is what lets PostgreSQL count from an index alone: a store
    in service reaches that state on its own, a freshly bulk-loaded one does not.
    """
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            for table in ("authors", "topics", "articles"):
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(
            text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")
        )

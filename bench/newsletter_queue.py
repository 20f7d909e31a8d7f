"""`python -m bench.newsletter_queue`: how fast an issue is queued for N confirmed subscribers.

Builds a fresh store per backend (40 articles in 10 topics, N confirmed subscribers with 1-3
topics each, a tenth of them in Spanish), then times `flask newsletter send-due` for an `auto`
issue (each subscriber's new articles in their topics) and for a chosen-articles issue (everyone
gets it) measured under tracemalloc for the Python heap's peak. Prints a Markdown table for the
Notes of bench/RESULTS.md. Sending is the outbox worker's part, measured separately.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import secrets
import time
import tracemalloc
from typing import Any

from flask import Flask
from sqlalchemy import func, insert, select
from sqlalchemy.engine import make_url

from api import create_app
from api.articles.services import save_article
from api.authors.services import save_author
from api.core import clock
from api.extensions import db
from api.issues import queueing, services
from api.newsletter.models import Newsletter, Subscription, SubscriptionStatus, subscription_topics
from api.outbox.models import OutboxMessage
from api.topics.services import save_topic
from api.users.models import Role, User
from bench import stores

TOPICS = 10
ARTICLES = 40
INSERT_BATCH = 2000


def make_app(url: str, chunk: int) -> Flask:
    return create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "CLINIC_POSTAL_ADDRESS": "1 Harbor Way, Springfield",
            "NEWSLETTER_QUEUE_CHUNK_SIZE": chunk,
            "RATELIMIT_ENABLED": False,
        }
    )


def populate(app: Flask, subscribers: int, seed: int = 20) -> None:
    """A newsletter, an editor, topics, recent articles and confirmed subscribers."""
    rng = random.Random(seed)
    now = clock.now()
    with app.app_context(), db.transaction() as session:
        session.add(Newsletter(slug="spine-health", name="Spine health", description=""))
        session.add(User(name="Bench editor", email="editor@clinic.example", role=Role.EDITOR))
        author = save_author(None, {"slug": "bench-author", "name": "Bench Author"})
        topics = [save_topic(None, {"slug": f"t{n}", "name": f"Topic {n}"}) for n in range(TOPICS)]
        for number in range(ARTICLES):
            save_article(
                None,
                {
                    "slug": f"news-{number}",
                    "title": f"News {number}",
                    "summary": "What is new.",
                    "body_markdown": "A paragraph.\n",
                    "author": author.slug,
                    "language": "es" if number % 8 == 0 else "en",
                    "status": "published",
                    "published_at": now - dt.timedelta(days=1 + number % 20),
                    "topics": [t.slug for t in rng.sample(topics, 2)],
                },
            )
    with app.app_context(), db.transaction() as session:
        newsletter_id = session.scalar(select(Newsletter.id))
        topic_ids = [topic.id for topic in topics]
        for start in range(0, subscribers, INSERT_BATCH):
            numbers = range(start, min(start + INSERT_BATCH, subscribers))
            ids = session.scalars(
                insert(Subscription).returning(Subscription.id, sort_by_parameter_order=True),
                [_subscription(newsletter_id, number, now) for number in numbers],
            ).all()
            session.execute(
                insert(subscription_topics),
                [
                    {"subscription_id": sid, "topic_id": tid}
                    for sid in ids
                    for tid in rng.sample(topic_ids, rng.randint(1, 3))
                ],
            )


def _subscription(newsletter_id: int, number: int, now: dt.datetime) -> dict[str, Any]:
    address = f"reader{number}@example.com"
    return {
        "newsletter_id": newsletter_id,
        "email": address,
        "email_normalized": address,
        "status": SubscriptionStatus.ACTIVE,
        "language": "es" if number % 10 == 0 else "en",
        "consent_text": "I agree.",
        "consent_version": "bench",
        "consented_at": now,
        "confirmed_at": now,
        "token_key": secrets.token_urlsafe(16),
        "created_at": now,
        "updated_at": now,
    }


def queue(app: Flask, articles: Any, *, trace: bool = False) -> dict[str, Any]:
    """Compose and schedule an issue, then time `send_due`; returns the measures."""
    with app.app_context(), db.transaction():
        editor = db.session.scalar(select(User))
        data = {"subject": "Bench issue", "article_slugs": articles}
        issue = services.create("spine-health", data, editor)
        services.schedule("spine-health", issue.id, None)
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(OutboxMessage)) or 0
        db.session.rollback()
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        assert queueing.send_due() == 1
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] if trace else None
        if trace:
            tracemalloc.stop()
        after = db.session.scalar(select(func.count()).select_from(OutboxMessage)) or 0
        db.session.rollback()
    queued = after - before
    return {
        "queued": queued,
        "seconds": seconds,
        "per_second": queued / seconds if seconds else 0.0,
        "peak_mb": None if peak is None else peak / 1e6,
    }


def run_store(url: str, subscribers: int, chunk: int) -> list[str]:
    stores.create(url)
    app = make_app(url, chunk)
    try:
        populate(app, subscribers)
        auto = queue(app, "auto")
        chosen = queue(app, ["news-1", "news-2", "news-3"], trace=True)
    finally:
        db.dispose(app)
        stores.drop(url)
    return [
        f"| `auto` (new in their topics) | {auto['queued']} | {auto['seconds']:.1f} "
        f"| {auto['per_second']:.0f} | |",
        f"| chosen, under tracemalloc | {chosen['queued']} | {chosen['seconds']:.1f} "
        f"| {chosen['per_second']:.0f} | {chosen['peak_mb']:.1f} |",
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.newsletter_queue", description=__doc__)
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--chunk", type=int, default=500, help="NEWSLETTER_QUEUE_CHUNK_SIZE")
    parser.add_argument("--stores", default="sqlite,postgresql")
    parser.add_argument(
        "--pg-url", default=os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432")
    )
    args = parser.parse_args(argv)
    urls = {
        "SQLite": f"sqlite:///{stores.OUT / 'newsletter-queue.db'}",
        "PostgreSQL": make_url(args.pg_url)
        .set(database=f"{stores.PG_DATABASE}_newsletter")
        .render_as_string(hide_password=False),
    }
    for name in args.stores.split(","):
        label = "SQLite" if name.strip() == "sqlite" else "PostgreSQL"
        print(f"\n{label}, {args.subscribers} subscribers, chunks of {args.chunk}:\n")
        print("| issue | messages queued | seconds | messages/s | Python heap peak MB |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for line in run_store(urls[label], args.subscribers, args.chunk):
            print(line)


if __name__ == "__main__":
    main()

"""The benchmark harness cannot rot: its generator, probes, ceiling and report, without load."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from api.articles.derivation import derive_from_body
from api.articles.models import Article, ArticleStatus, ArticleTopic
from api.authors.models import Author
from api.links.models import ArticleLink
from api.topics.models import Topic
from bench import library, report
from bench.ceiling import create_ceiling
from bench.load import lua_script
from bench.targets import Request, Target, capture, plan_targets


@pytest.fixture
def generated(app, db_session) -> library.Generated:
    from api.extensions import db

    db_session.close()
    return library.generate(db.engine, 30)


def test_generator_builds_a_realistic_library(generated, db_session):
    assert generated.articles == 30
    assert db_session.scalar(select(func.count()).select_from(Author)) == 20
    topics = db_session.scalars(select(Topic)).all()
    assert len(topics) == 50
    depth = {t.id: 0 if t.parent_id is None else None for t in topics}
    for topic in sorted(topics, key=lambda t: t.id):  # parents come first
        depth[topic.id] = 0 if topic.parent_id is None else depth[topic.parent_id] + 1
    assert sorted(set(depth.values())) == [0, 1, 2]
    links = db_session.execute(select(ArticleTopic.article_id, ArticleTopic.is_primary)).all()
    per_article = {}
    for article_id, primary in links:
        per_article.setdefault(article_id, []).append(primary)
    assert len(per_article) == 30
    assert all(2 <= len(flags) <= 4 and flags.count(True) == 1 for flags in per_article.values())


def test_generated_bodies_are_what_the_write_path_derives(generated, db_session):
    slugs = set(db_session.scalars(select(Article.slug)))
    for article in db_session.scalars(select(Article).limit(5)):
        assert 8_000 < len(article.body_html) < 14_000
        assert "<h2" in article.body_html and "<li>" in article.body_html
        assert article.title in article.body_text
        linked = re.findall(r"<!--careleaf:link ([a-z0-9-]+)-->", article.body_html)
        assert linked and set(linked) <= slugs
        edges = db_session.scalars(
            select(ArticleLink.target_slug).where(ArticleLink.source_id == article.id)
        )
        assert set(edges) == set(linked)
        rendered = Article(body_markdown=article.body_markdown)
        derive_from_body(rendered)
        assert rendered.body_html == article.body_html
        assert rendered.toc == article.toc
    published = db_session.scalars(
        select(Article.slug).where(Article.status == ArticleStatus.PUBLISHED)
    ).all()
    assert sorted(generated.published_slugs) == sorted(published)


@pytest.fixture
def served(app) -> Iterator[str]:
    """The test app on a real loopback port (the probes speak HTTP)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_probes_report_unavailable_targets_and_the_ceiling_replays_the_bytes(
    generated, served, tmp_path, client
):
    targets = plan_targets(served, generated.published_slugs[:3])
    by_name = {target.name: target for target in targets}
    assert by_name["article list"].measurable and by_name["article detail"].measurable
    assert len(by_name["article detail"].requests) == 3
    for name in ("related articles", "search", "newsletter signup"):
        target = by_name[name]
        assert target.measurable or target.unavailable == "not available in this build (404)"
    revalidation = by_name["304 revalidation"]
    assert revalidation.measurable or revalidation.unavailable.startswith("n/a")

    replay = tmp_path / "replay.json"
    replay.write_text(json.dumps(capture(served, targets)))
    ceiling = create_ceiling(str(replay)).test_client()
    for target in (by_name["article list"], by_name["article detail"]):
        for request in target.requests:
            # Asked on the served host: responses name the host they are asked on (api_url).
            ours = client.get(request.path, base_url=served)
            bare = ceiling.get(request.path, base_url=served)
            assert (bare.status_code, bare.data) == (ours.status_code, ours.data)
            assert bare.headers["Content-Type"] == ours.headers["Content-Type"]
            assert bare.headers.get("X-Pagination") == ours.headers.get("X-Pagination")


def test_wrk_script_rotates_requests_and_mints_unique_emails():
    conditional = Request("GET", "/b", {"If-None-Match": '"1"'})
    target = Target("detail", [Request("GET", "/a"), conditional])
    script = lua_script(target, "run1")
    assert "[==[/a]==]" in script and '{[ [==[If-None-Match]==] ] = [==["1"]==]}' in script
    assert "latency:percentile(99)" in script
    signup = Target("signup", [Request("POST", "/s", {"Content-Type": "application/json"}, "")])
    signup.unique_emails = True
    assert "'@example.org" in lua_script(signup, "run1") and "counter" in lua_script(signup, "x")


def _run(articles: int, rps: float, ceiling: float) -> dict:
    row = {
        "target": "article list",
        "note": "page of 20",
        "careleaf": {
            "rps": rps,
            "p50_ms": 10.0,
            "p99_ms": 20.0,
            "requests": 900,
            "errors": 2,
            "socket_errors": 0,
        },
        "ceiling": {
            "rps": ceiling,
            "p50_ms": 1.0,
            "p99_ms": 2.5,
            "requests": 9000,
            "errors": 0,
            "socket_errors": 0,
        },
        "ratio": rps / ceiling,
    }
    return {
        "articles": articles,
        "date": "2026-01-15 09:00 UTC",
        "machine": {
            "cores": 2,
            "cpu": "Test CPU",
            "memory_gb": 4.0,
            "os": "Linux",
            "python": "3.11.7",
            "sqlite": "3.40",
        },
        "settings": {
            "server": "gunicorn sync workers x 5",
            "load_tool": "wrk 4.1",
            "connections": 32,
            "duration": 8,
            "warmup": 2,
            "rounds": 1,
        },
        "notes": ["shared CPU"],
        "stores": [
            {
                "store": "postgresql",
                "generation_seconds": 1.5,
                "generation_notes": [],
                "rows": [row, {"target": "search", "note": "", "unavailable": "n/a here"}],
                "rss_careleaf_mb": [60.2, 61.9],
                "rss_ceiling_mb": [30.0],
            }
        ],
    }


def test_report_shows_ratios_keeps_notes_and_compares_scale(tmp_path):
    results_md, results_json = tmp_path / "RESULTS.md", tmp_path / "RESULTS.json"
    text = report.record(_run(1000, 500, 2000), results_json, results_md)
    assert "| article list (page of 20) | 500 | 2000 | **25%** | 10.0 / 20.0 |" in text
    assert "| 900 | 2 | >= 60%: **missed** |" in text
    assert "| search | n/a here | | | | | | | p99 < 50 ms at 100,000 on PostgreSQL |" in text
    assert "2 cores (Test CPU), 4.0 GB memory" in text and "wrk 4.1" in text
    assert "Peak RSS per worker, careleaf: max 62 MB" in text
    results_md.write_text(results_md.read_text().replace("(none yet)", "Lists cost the ORM."))

    report.record(_run(100000, 250, 2000), results_json, results_md)
    written = results_md.read_text()
    assert "## 1,000 articles" in written and "## 100,000 articles" in written
    assert "Lists cost the ORM." in written
    # One run, one ceiling measurement for both sizes: only the raw cost ratio.
    assert "| PostgreSQL | article list | 2.00 | 20.0 -> 20.0 | <= 1.5x: **missed** |" in written
    assert "dividing both by the same ceiling would change nothing" in written

    # Another run on a machine half as fast: twice the raw cost, the same share of the ceiling.
    later = _run(100000, 250, 1000)
    later["date"] = "2026-01-16 09:00 UTC"
    report.record(later, results_json, results_md)
    written = results_md.read_text()
    assert "from different runs (2026-01-15 09:00 UTC and 2026-01-16 09:00 UTC)" in written
    assert "| PostgreSQL | article list | 2.00 | 1.00 | 20.0 -> 20.0 | <= 1.5x: met |" in written
    assert "MB; goal <= 150 MB: met)" in written


def test_every_recorded_run_names_the_command_that_produced_it():
    text = (Path(report.__file__).parent / "RESULTS.md").read_text(encoding="utf-8")
    runs = re.split(r"^## (?=[0-9,]+ articles)", text, flags=re.MULTILINE)[1:]
    assert runs
    for run in runs:
        assert re.search(r"^- Command: `python -m bench [^`]*`$", run, re.MULTILINE), run[:80]

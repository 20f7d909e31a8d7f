"""`python -m bench.handouts`: how long a PDF handout takes and how much memory it needs.

Builds a fresh SQLite store with one published article per size (words of body text, with
headings, lists, a table and care callouts like real articles), then requests each handout
through the app (validator query, article read, template, WeasyPrint) with the response cache
off, normal and large print: the median of `--repeat` renders, and the Python heap's peak of
one more under tracemalloc. The process's peak RSS closes the table. An article over
HANDOUT_MAX_WORDS is refused before layout: its time is the last row. Prints Markdown for the
Notes of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import resource
import statistics
import time
import tracemalloc
from typing import Any

from flask import Flask
from pypdf import PdfReader

from api import create_app
from api.articles.services import save_article
from api.authors.services import save_author
from api.core import clock
from api.extensions import db
from bench import stores

SENTENCES = (
    "Rest the joint for two or three days and keep it raised when you sit down.",
    "Put ice wrapped in a cloth on the sore area for twenty minutes at a time.",
    "Most people feel better within a few weeks, and gentle movement helps.",
    "Take pain medicine as the label says, and ask your pharmacist if you are unsure.",
    "Call the clinic if the swelling gets worse or you cannot put weight on it.",
)
CALLOUTS = ("emergency", "self-care", "see-a-clinician", "key-points")
SIZES = ("normal", "large")


def body(words: int) -> str:
    """Markdown of about `words` words: sections of paragraphs, a list, a callout, a table."""
    parts: list[str] = []
    section = 0
    while len(" ".join(parts).split()) < words:
        section += 1
        paragraph = " ".join(SENTENCES[(section + n) % len(SENTENCES)] for n in range(4))
        kind = CALLOUTS[section % len(CALLOUTS)]
        parts += [
            f"## Part {section}",
            paragraph,
            "- Rest\n- Ice\n- Raise the leg",
            f"::: {kind}\n{SENTENCES[section % len(SENTENCES)]}\n:::",
            "| Sign | What to do |\n|---|---|\n| Swelling | Call us |\n| Fever | Get care today |",
        ]
    return "\n\n".join(parts) + "\n"


def make_app(url: str, max_words: int) -> Flask:
    return create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "RESPONSE_CACHE_BYTES": 0,  # measure the work, not the cache in front of it
            "RATELIMIT_ENABLED": False,
            "HANDOUT_MAX_WORDS": max_words,
            "CLINIC_POSTAL_ADDRESS": "12 Harbour Road\nSpringfield, IL 62701",
            "CLINIC_PHONE": "(217) 555-0142",
        }
    )


def populate(app: Flask, sizes: list[int]) -> None:
    with app.app_context(), db.transaction():
        author = save_author(None, {"slug": "bench-author", "name": "Bench Author"})
        for words in sizes:
            save_article(
                None,
                {
                    "slug": f"handout-{words}",
                    "title": f"A handout of about {words} words",
                    "summary": "What to do at home, and when to get help.",
                    "body_markdown": body(words),
                    "author": author.slug,
                    "status": "published",
                    "published_at": clock.now() - dt.timedelta(days=1),
                    "topics": [],
                },
            )


def render(app: Flask, words: int, size: str, repeat: int) -> dict[str, Any]:
    """Median seconds of `repeat` renders, then one traced for the Python heap's peak."""
    client = app.test_client()
    url = f"/api/v1/articles/handout-{words}/handout.pdf?size={size}"
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        seconds.append(time.perf_counter() - started)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
    tracemalloc.start()
    response = client.get(url)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "words": words,
        "size": size,
        "pages": len(PdfReader(io.BytesIO(response.data)).pages),
        "kb": len(response.data) / 1024,
        "median_s": statistics.median(seconds),
        "max_s": max(seconds),
        "peak_mb": peak / 1e6,
    }


def refusal_seconds(app: Flask, words: int) -> float:
    client = app.test_client()
    started = time.perf_counter()
    response = client.get(f"/api/v1/articles/handout-{words}/handout.pdf")
    assert response.status_code == 422, response.status_code
    return time.perf_counter() - started


def table(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| words | print | pages | PDF KB | median s | max s | Python heap peak MB |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        lines.append(
            f"| {row['words']:,} | {row['size']} | {row['pages']} | {row['kb']:.0f} "
            f"| {row['median_s']:.2f} | {row['max_s']:.2f} | {row['peak_mb']:.1f} |"
        )
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.handouts", description=__doc__)
    parser.add_argument("--words", default="300,1500,3000", help="article sizes (words)")
    parser.add_argument("--repeat", type=int, default=3, help="timed renders per row")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.words.split(",")]
    url = f"sqlite:///{stores.OUT / 'bench-handouts.db'}"
    stores.create(url)
    app = make_app(url, max(sizes) * 5 // 4)  # the last section of a body may overshoot
    populate(app, [*sizes, max(sizes) * 2])
    rows = [render(app, words, size, args.repeat) for words in sizes for size in SIZES]
    refused = refusal_seconds(app, max(sizes) * 2)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("\n".join(table(rows)))
    print(f"\nRefused ({max(sizes) * 2:,} words > HANDOUT_MAX_WORDS): {refused * 1000:.0f} ms.")
    print(f"Peak RSS of the process (all renders, one after another): {rss_mb:.0f} MB.")
    stores.drop(url)


if __name__ == "__main__":
    main()

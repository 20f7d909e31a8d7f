"""The newsletter queueing benchmark cannot rot: its generator and measure, on a small list."""

from __future__ import annotations

from bench import newsletter_queue


def test_queue_bench_measures_a_small_list(make_app):
    app = make_app(CLINIC_POSTAL_ADDRESS="1 Harbor Way", NEWSLETTER_QUEUE_CHUNK_SIZE=7)
    newsletter_queue.populate(app, 30)
    auto = newsletter_queue.queue(app, "auto")
    # Every reader has topics, and the 40 recent articles cover them all in English; the
    # Spanish readers (every tenth) have five Spanish articles, not all in their topics.
    assert 27 <= auto["queued"] <= 30 and auto["per_second"] > 0
    chosen = newsletter_queue.queue(app, ["news-1", "news-2"], trace=True)
    assert chosen["queued"] == 27  # the chosen articles are English: 3 of 30 read Spanish
    assert chosen["peak_mb"] > 0

"""The handout benchmark cannot rot: its generator and measure, on one small article."""

from __future__ import annotations

from bench import handouts


def test_handout_bench_measures_a_small_article(make_app):
    app = make_app(HANDOUT_MAX_WORDS=400, RESPONSE_CACHE_BYTES=0)
    handouts.populate(app, [200, 800])
    row = handouts.render(app, 200, "large", repeat=1)
    assert row["pages"] >= 1 and row["median_s"] > 0 and row["peak_mb"] > 0
    assert "| 200 | large |" in handouts.table([row])[2]
    assert handouts.refusal_seconds(app, 800) > 0
    assert 180 <= len(handouts.body(200).split()) <= 400

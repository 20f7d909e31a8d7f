"""The outbox benchmark cannot rot: a small run through a real worker, and its RESULTS.md block
replaced in place (never duplicated, the rest of the notes kept)."""

from __future__ import annotations

import pytest

from bench import outbox

pytestmark = pytest.mark.slow


def test_a_small_run_sends_everything(worker_store):
    _, url = worker_store
    outbox.queue(url, 30)
    result = outbox.send(url, 30, workers=1)
    assert result["finished"] and result["received"] == 30 and result["cpu_ms"] > 0


def test_the_results_block_is_replaced_in_place(tmp_path):
    results = tmp_path / "RESULTS.md"
    results.write_text("# Results\n\n## Notes\n\nEarlier notes.\n", encoding="utf-8")
    for run in ("first", "second"):
        outbox.write(results, f"{outbox.BEGIN}\n{run}\n{outbox.END}")
    text = results.read_text(encoding="utf-8")
    assert text.count(outbox.BEGIN) == 1 and "second" in text and "first" not in text
    assert text.endswith("Earlier notes.\n")
